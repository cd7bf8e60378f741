from django import forms
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from coproduce.lib.languages import LanguageRadioSelect, language_choices

from .models import QuestionKind, Survey
from .services import answer_field_name
from .submission import started_token, too_fast
from .survey_templates import TEMPLATES

DATE_WIDGET = forms.DateInput(attrs={"type": "date"})
DATE_ERRORS = {"invalid": _("Enter a real date, for example 2026-03-31")}


class ServiceChoicesField(forms.CharField):
    """The survey's list of services, typed one on each line."""

    widget = forms.Textarea(attrs={"rows": 4})

    def prepare_value(self, value):
        return "\n".join(value) if isinstance(value, list) else value

    def to_python(self, value) -> list[str]:
        return [line.strip() for line in (value or "").splitlines() if line.strip()]


class SurveyForm(forms.ModelForm):
    service_choices = ServiceChoicesField(
        label=_("Services people can choose from (optional)"),
        required=False,
        help_text=_(
            "When one survey covers several services, list them, one on each line. People then say which "
            "one their feedback is about, and results can be shown for each."
        ),
    )

    class Meta:
        model = Survey
        fields = [
            "title",
            "about",
            "service_choices",
            "welcome",
            "thank_you",
            "opens_on",
            "closes_on",
            "is_public",
        ]
        widgets = {
            "opens_on": DATE_WIDGET,
            "closes_on": DATE_WIDGET,
            "welcome": forms.Textarea(attrs={"rows": 3}),
            "thank_you": forms.Textarea(attrs={"rows": 3}),
        }
        help_texts = {
            "opens_on": _("Optional. For example 2026-04-01"),
            "closes_on": _("Optional. Leave empty to keep it open until you close it."),
        }
        error_messages = {
            "title": {"required": _("Enter a title, for example 'Your experience of the crisis team'")},
            "opens_on": DATE_ERRORS,
            "closes_on": DATE_ERRORS,
        }

    def clean(self):
        data = super().clean()
        if data.get("opens_on") and data.get("closes_on") and data["closes_on"] < data["opens_on"]:
            self.add_error("closes_on", _("The closing date must be the same as or after the opening date"))
        return data


class SurveyStartForm(forms.Form):
    template = forms.ChoiceField(
        label=_("Start from"),
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose a template or a blank survey")},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["template"].choices = [(code, t.name) for code, t in TEMPLATES.items()] + [
            ("blank", _("A blank survey: write your own questions"))
        ]


class QuestionForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Type of question"),
        choices=QuestionKind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose the type of question")},
    )
    text = forms.CharField(
        label=_("Question"),
        max_length=500,
        error_messages={"required": _("Enter the question, for example 'Did staff listen to you?'")},
    )
    help_text = forms.CharField(label=_("Hint (optional)"), max_length=500, required=False)
    choices = forms.CharField(
        label=_("Answers to choose from"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_(
            "One on each line. Not needed for yes/no/not sure or written answers; "
            "a rating scale without answers runs from 1 to 5."
        ),
    )
    required = forms.BooleanField(label=_("An answer is required"), required=False)
    section = forms.CharField(
        label=_("Section title (optional)"),
        max_length=200,
        required=False,
        help_text=_("Starts a new section with this heading."),
    )

    def clean_choices(self) -> list[str]:
        return [line.strip() for line in self.cleaned_data["choices"].splitlines() if line.strip()]


class ResultsFilterForm(forms.Form):
    start = forms.DateField(label=_("From"), required=False, widget=DATE_WIDGET, error_messages=DATE_ERRORS)
    end = forms.DateField(label=_("To"), required=False, widget=DATE_WIDGET, error_messages=DATE_ERRORS)
    service = forms.ChoiceField(
        label=_("Service or team"),
        required=False,
        error_messages={"invalid_choice": _("Choose one of the services listed")},
    )

    def __init__(self, *args, services: list[str] = (), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["service"].choices = [("", _("All services"))] + [(s, s) for s in services]

    def clean(self):
        data = super().clean()
        if data.get("start") and data.get("end") and data["end"] < data["start"]:
            self.add_error("end", _("The end date must be the same as or after the start date"))
        return data

    def period(self) -> tuple:
        if not self.is_valid():
            return None, None
        return self.cleaned_data["start"], self.cleaned_data["end"]

    def filters(self) -> dict:
        """The period and service to show; all responses while any filter is wrong (the page says why)."""
        if not self.is_valid():
            return {"start": None, "end": None, "service": ""}
        return {name: self.cleaned_data[name] for name in ("start", "end", "service")}


class ResponseImportForm(forms.Form):
    sheet = forms.FileField(
        label=_("File of responses"),
        help_text=_(
            "A CSV file or Excel workbook (.xlsx), one row for each person's answers. Head each column "
            "with the question's words, or Q1, Q2 and so on. It can also have How it was given (paper if "
            "empty), Sent, Service, Happy to be contacted, Name, Email, Phone and Language (English or "
            "Welsh)."
        ),
        error_messages={"required": _("Choose the file of responses")},
    )


class AnswerForm(forms.Form):
    """One field per question, plus the hidden parts that make submission safe."""

    idempotency_key = forms.CharField(widget=forms.HiddenInput, max_length=64)
    started = forms.CharField(widget=forms.HiddenInput, required=False)
    # The honeypot: hidden from people (and screen readers) by its wrapper, filled in by scripts.
    website = forms.CharField(
        label=_("Leave this box empty"), required=False, widget=forms.TextInput(attrs={"autocomplete": "off"})
    )
    contact_ok = forms.BooleanField(
        label=_("I am happy to be contacted about my feedback"),
        required=False,
        help_text=_("Only if you want us to. Leave this unticked to stay anonymous."),
    )
    contact_name = forms.CharField(label=_("Your name (optional)"), max_length=200, required=False)
    contact_email = forms.EmailField(
        label=_("Email address"),
        required=False,
        max_length=254,
        error_messages={"invalid": _("Enter an email address in the correct format, like name@example.com")},
    )
    contact_phone = forms.CharField(label=_("Phone number"), max_length=40, required=False)

    def __init__(
        self, *args, questions, protect: bool, contact_label=None, services=(), ask_language=False, **kwargs
    ):
        super().__init__(*args, **kwargs)
        self.questions = questions
        if ask_language:
            # Typed in by staff: the page's language is theirs, not necessarily the respondent's.
            self.fields["contact_language"] = forms.ChoiceField(
                label=_("Language to write to them in"),
                help_text=_("If they are happy to be contacted."),
                required=False,
                choices=language_choices(),
                initial=get_language(),
                widget=LanguageRadioSelect,
                error_messages={"invalid_choice": _("Choose a language from the list")},
            )
        if services:
            # One survey covering several services: the respondent says which (optional).
            self.fields["service"] = forms.ChoiceField(
                label=_("Which service or team is your feedback about?"),
                required=False,
                choices=[(s, s) for s in services],
                widget=forms.RadioSelect,
                error_messages={"invalid_choice": _("Choose one of the services listed")},
            )
        self.protect = protect
        self.refusal = None  # "spam" or "too_fast" when the protection turned the form away
        if contact_label:
            self.fields["contact_ok"].label = contact_label
            self.fields["contact_ok"].help_text = ""
        if not protect:
            del self.fields["website"]
            del self.fields["started"]
        for question in questions:
            self.fields[answer_field_name(question)] = self._field_for(question)

    @staticmethod
    def _field_for(question) -> forms.Field:
        common = {"label": question.text, "required": question.required, "help_text": question.help_text}
        choices = [(c, c) for c in question.choices]
        if question.kind == QuestionKind.FREE_TEXT:
            return forms.CharField(
                widget=forms.Textarea(attrs={"rows": 4}),
                max_length=5000,
                error_messages={
                    "required": _("Write an answer to: %(question)s") % {"question": question.text},
                    "max_length": _("Write 5000 characters or fewer"),
                },
                **common,
            )
        if question.kind == QuestionKind.MULTIPLE_CHOICE:
            return forms.MultipleChoiceField(
                choices=choices,
                widget=forms.CheckboxSelectMultiple,
                error_messages={
                    "required": _("Choose at least one answer to: %(question)s")
                    % {"question": question.text},
                    "invalid_choice": _("Choose one of the answers listed"),
                },
                **common,
            )
        return forms.ChoiceField(
            choices=choices,
            widget=forms.RadioSelect,
            error_messages={
                "required": _("Choose an answer to: %(question)s") % {"question": question.text},
                "invalid_choice": _("Choose one of the answers listed"),
            },
            **common,
        )

    def sections(self):
        """The question fields in order, each with the section heading that starts before it."""
        return [(question.section, self[answer_field_name(question)]) for question in self.questions]

    def clean(self):
        data = super().clean()
        if self.protect:
            if data.get("website"):
                self.refusal = "spam"
                raise forms.ValidationError(
                    _(
                        "We could not accept this form. If you are a person, please leave the last box "
                        "empty and send it again, or contact us and we will take your feedback another way."
                    )
                )
            if too_fast(data.get("started", "")):
                self.refusal = "too_fast"
                self.refresh_started()
                raise forms.ValidationError(
                    _(
                        "That was quicker than we expected. Please check your answers, which are all "
                        "still here, and press Send again."
                    )
                )
        if data.get("contact_ok") and not (data.get("contact_email") or data.get("contact_phone")):
            self.add_error(
                "contact_email", _("Enter an email address or a phone number so we can contact you")
            )
        return data

    def refresh_started(self) -> None:
        """Give the page a new timestamp so the person can simply send it again."""
        data = self.data.copy()
        data["started"] = started_token()
        self.data = data

    def answers(self) -> dict:
        return {q.pk: self.cleaned_data.get(answer_field_name(q)) for q in self.questions}

    @property
    def service_field(self):
        return self["service"] if "service" in self.fields else None

    @property
    def language_field(self):
        return self["contact_language"] if "contact_language" in self.fields else None

    def chosen_service(self) -> str:
        return self.cleaned_data.get("service") or ""

    def contact(self) -> dict:
        return {
            name: self.cleaned_data.get(name) or ""
            for name in ("contact_name", "contact_email", "contact_phone")
        } | {
            "contact_ok": bool(self.cleaned_data.get("contact_ok")),
            "contact_language": self.cleaned_data.get("contact_language") or "",
        }


def answer_form_initial(protect: bool) -> dict:
    from .submission import new_idempotency_key

    initial = {"idempotency_key": new_idempotency_key()}
    if protect:
        initial["started"] = started_token()
    return initial
