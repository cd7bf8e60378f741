from django import forms
from django.utils.translation import gettext_lazy as _

from .models import QuestionKind, Response, Survey
from .services import answer_field_name
from .submission import MIN_SECONDS, seconds_since_started, started_token
from .survey_templates import TEMPLATES

DATE_WIDGET = forms.DateInput(attrs={"type": "date"})
DATE_ERRORS = {"invalid": _("Enter a real date, for example 2026-03-31")}


class SurveyForm(forms.ModelForm):
    class Meta:
        model = Survey
        fields = ["title", "about", "welcome", "thank_you", "opens_on", "closes_on", "is_public"]
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

    def clean(self):
        data = super().clean()
        if data.get("start") and data.get("end") and data["end"] < data["start"]:
            self.add_error("end", _("The end date must be the same as or after the start date"))
        return data

    def period(self) -> tuple:
        if not self.is_valid():
            return None, None
        return self.cleaned_data["start"], self.cleaned_data["end"]


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

    def __init__(self, *args, questions, protect: bool, contact_label=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.questions = questions
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
            elapsed = seconds_since_started(data.get("started", ""))
            if elapsed is None or elapsed < MIN_SECONDS:
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

    def contact(self) -> dict:
        return {
            name: self.cleaned_data.get(name) or ""
            for name in ("contact_name", "contact_email", "contact_phone")
        } | {"contact_ok": bool(self.cleaned_data.get("contact_ok"))}


def answer_form_initial(protect: bool) -> dict:
    from .submission import new_idempotency_key

    initial = {"idempotency_key": new_idempotency_key()}
    if protect:
        initial["started"] = started_token()
    return initial


MODE_LABELS = dict(Response.Mode.choices)
