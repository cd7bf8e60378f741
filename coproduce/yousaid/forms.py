from django import forms
from django.utils.translation import gettext_lazy as _

from coproduce.core.models import Membership, Role

from .models import Frequency, Source, WeDid, YouSaid

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
DATE_ERRORS = {"invalid": _("Enter a real date, for example 2027-03-31")}


class MembershipChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, membership):
        return str(membership.user)


class QuestionChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, question):
        return f"{question.survey.title}: {question.text}"


class ItemForm(forms.ModelForm):
    class Meta:
        model = YouSaid
        fields = [
            "summary",
            "service",
            "source",
            "theme",
            "survey",
            "question",
            "group",
            "project",
            "raised_on",
            "respond_by",
            "executive",
        ]
        widgets = {
            "summary": forms.Textarea(attrs={"rows": 3}),
            "source": forms.RadioSelect,
            "raised_on": DATE_WIDGET,
            "respond_by": DATE_WIDGET,
        }
        field_classes = {"executive": MembershipChoiceField, "question": QuestionChoiceField}
        error_messages = {
            "summary": {"required": _("Say what people told us, in plain words")},
            "source": {"required": _("Choose where it came from")},
            "raised_on": {**DATE_ERRORS, "required": _("Enter the date people told us")},
            "respond_by": DATE_ERRORS,
        }

    def __init__(self, *args, organisation, groups=None, **kwargs):
        super().__init__(*args, **kwargs)
        from coproduce.feedback.models import Question, Survey
        from coproduce.people.models import Group
        from coproduce.projects.models import Project
        from coproduce.themes.models import Theme

        self.fields["theme"].queryset = Theme.objects.filter(organisation=organisation, is_active=True)
        self.fields["survey"].queryset = Survey.objects.filter(organisation=organisation).exclude(
            status="draft"
        )
        self.fields["question"].queryset = (
            Question.objects.filter(survey__organisation=organisation)
            .exclude(survey__status="draft")
            .select_related("survey")
            .order_by("survey__title", "position", "id")
        )
        self.fields["group"].queryset = (
            groups if groups is not None else Group.objects.filter(organisation=organisation)
        )
        self.fields["project"].queryset = Project.objects.filter(organisation=organisation)
        self.fields["executive"].queryset = (
            Membership.objects.filter(organisation=organisation, role_set__role=Role.EXECUTIVE)
            .select_related("user")
            .distinct()
        )
        self.fields["respond_by"].required = False
        self.fields["respond_by"].help_text = _(
            "Leave it empty for four weeks after the date people told us. If no answer is published by "
            "then, the item is escalated to the responsible executive."
        )
        for name, empty in {
            "theme": _("No theme"),
            "survey": _("No survey"),
            "question": _("No particular question"),
            "group": _("No group"),
            "project": _("No project"),
            "executive": _("Nobody chosen: the project's sponsor, or every executive"),
        }.items():
            self.fields[name].empty_label = empty
        if groups is not None:
            # A group's connector raises items for their own group.
            self.fields["source"].choices = [(Source.GROUP, Source.GROUP.label)]
            self.fields["source"].required = False
            self.fields["source"].initial = Source.GROUP
            self.fields["group"].required = True
            self.fields["group"].empty_label = None
            for name in ("survey", "question", "project", "executive", "theme"):
                del self.fields[name]

    def clean(self):
        cleaned = super().clean()
        raised_on, respond_by = cleaned.get("raised_on"), cleaned.get("respond_by")
        if raised_on and respond_by and respond_by < raised_on:
            self.add_error(
                "respond_by", _("The answer-by date must be the same as or after the date people told us")
            )
        return cleaned


class ResponseForm(forms.ModelForm):
    class Meta:
        model = WeDid
        fields = ["kind", "action", "reason", "due_on", "owner", "status"]
        widgets = {
            "kind": forms.RadioSelect,
            "action": forms.Textarea(attrs={"rows": 3}),
            "reason": forms.Textarea(attrs={"rows": 3}),
            "due_on": DATE_WIDGET,
        }
        field_classes = {"owner": MembershipChoiceField}
        error_messages = {
            "kind": {"required": _("Choose we did, we will or we could not")},
            "action": {"required": _("Say what we did, will do or could not do, in plain words")},
            "due_on": DATE_ERRORS,
            "owner": {"required": _("Choose who owns this answer")},
        }

    def __init__(self, *args, organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = (
            Membership.objects.filter(
                organisation=organisation,
                role_set__role__in=[Role.ADMIN, Role.LEAD, Role.STAFF, Role.EXECUTIVE],
            )
            .select_related("user")
            .distinct()
        )
        self.fields["owner"].required = True
        self.fields["status"].help_text = _(
            "'We did' is always done and 'we could not' is always could not; this is for 'we will'."
        )

    def clean(self):
        cleaned = super().clean()
        # Said here, by the field, rather than as the database's constraint message.
        if cleaned.get("kind") == WeDid.Kind.WILL:
            _require(self, "due_on", _("Enter the date by which we will do it, for example 31 3 2027"))
        if cleaned.get("kind") == WeDid.Kind.COULD_NOT:
            _require(self, "reason", _("Say why we could not, in plain words"))
        return cleaned


def _require(form: forms.Form, name: str, message) -> None:
    if name in form.fields and not form.cleaned_data.get(name) and name not in form.errors:
        form.add_error(name, message)


class ItemFilterForm(forms.Form):
    STATES = [
        ("", _("Any")),
        ("unanswered", _("No answer yet")),
        ("awaiting", _("Waiting for a lead's approval")),
        ("unpublished", _("Not on the public board yet")),
        ("published", _("On the public board")),
        ("overdue", _("Overdue")),
    ]
    state = forms.ChoiceField(label=_("Show"), choices=STATES, required=False)
    service = forms.ChoiceField(label=_("Service"), required=False)
    source = forms.ChoiceField(
        label=_("Where it came from"), choices=[("", _("Anywhere")), *Source.choices], required=False
    )

    def __init__(self, *args, services: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["service"].choices = [("", _("Any service")), *[(s, s) for s in services]]


class BoardFilterForm(forms.Form):
    service = forms.ChoiceField(label=_("Service"), required=False)
    theme = forms.ChoiceField(label=_("Theme"), required=False)

    def __init__(self, *args, services: list[str], themes, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["service"].choices = [("", _("All services")), *[(s, s) for s in services]]
        self.fields["theme"].choices = [("", _("All themes")), *[(str(t.pk), t.name) for t in themes]]

    def theme_id(self) -> int | None:
        value = self.cleaned_data.get("theme") if self.is_valid() else ""
        return int(value) if value else None


class CommentsForm(forms.Form):
    comments = forms.ModelMultipleChoiceField(
        label=_("Comments behind it"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "Tick the comments this item sums up. They stay private: the public board shows only how many."
        ),
    )

    def __init__(self, *args, answers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["comments"].queryset = answers
        self.fields["comments"].label_from_instance = lambda answer: answer.text


class CommentSearchForm(forms.Form):
    q = forms.CharField(label=_("Find comments containing"), required=False, max_length=200)


class FrequencyForm(forms.Form):
    CHOICES = [*Frequency.choices, ("stop", _("Stop these updates"))]
    frequency = forms.ChoiceField(
        label=_("How often would you like to hear what has changed?"),
        choices=CHOICES,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose how often, or stop the updates")},
    )


class ReturnForm(forms.Form):
    note = forms.CharField(
        label=_("What needs to change"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=500,
    )
