from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from coproduce.lib.forms import add_validation_errors
from coproduce.people.forms import RegisterPersonField

from .integrity import FLAG_KINDS
from .models import (
    RUNG_DESCRIPTIONS,
    STAGE_ORDER,
    Decision,
    DecisionMethod,
    Project,
    ProjectStatus,
    Rung,
    Stage,
    TeamRole,
)

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
DATE_ERRORS = {"invalid": _("Enter a real date, for example 2026-03-31")}
RUNG_ERRORS = {
    "required": _("Choose one of the seven rungs, from 1 (coercion) to 7 (co-production)"),
    "invalid_choice": _("Choose one of the seven rungs, from 1 (coercion) to 7 (co-production)"),
}


def rung_choices() -> list[tuple[int, str]]:
    return [
        (value, f"{value} – {label}. {RUNG_DESCRIPTIONS[value]}") for value, label in reversed(Rung.choices)
    ]


class MembershipChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, membership):
        return str(membership.user)


class ProjectForm(forms.ModelForm):
    class Meta:
        model = Project
        fields = ["title", "aim", "service_area", "sponsor", "lead", "status", "current_stage", "is_public"]
        widgets = {"aim": forms.Textarea(attrs={"rows": 3})}
        field_classes = {"sponsor": MembershipChoiceField, "lead": MembershipChoiceField}
        error_messages = {
            "title": {"required": _("Enter a title, for example 'Redesigning the crisis line'")},
            "aim": {"required": _("Say what the project is trying to change, in a sentence or two")},
            "sponsor": {"invalid_choice": _("Choose an executive of your organisation as the sponsor")},
            "lead": {"invalid_choice": _("Choose a lead from the list")},
        }

    def __init__(self, *args, sponsors, leads, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["sponsor"].queryset = sponsors
        self.fields["lead"].queryset = leads
        self.fields["sponsor"].empty_label = _("No sponsor yet")
        self.fields["lead"].empty_label = _("No lead yet")


class StagesForm(forms.Form):
    """Dates and a short record for each of the four stages, as '<stage>_<field>' fields."""

    def __init__(self, *args, stages, **kwargs):
        initial = {}
        for row in stages:
            initial[f"{row.stage}_starts_on"] = row.starts_on
            initial[f"{row.stage}_ends_on"] = row.ends_on
            initial[f"{row.stage}_summary"] = row.summary
        super().__init__(*args, initial=initial, **kwargs)
        for stage in STAGE_ORDER:
            self.fields[f"{stage}_starts_on"] = forms.DateField(
                label=_("Start date"), required=False, widget=DATE_WIDGET, error_messages=DATE_ERRORS
            )
            self.fields[f"{stage}_ends_on"] = forms.DateField(
                label=_("End date"), required=False, widget=DATE_WIDGET, error_messages=DATE_ERRORS
            )
            self.fields[f"{stage}_summary"] = forms.CharField(
                label=_("What happened"),
                required=False,
                max_length=4000,
                widget=forms.Textarea(attrs={"rows": 3}),
                help_text=_("A short record in plain words: who took part, what was done, what changed."),
            )

    def groups(self):
        return [
            (
                Stage(stage).label,
                [self[f"{stage}_starts_on"], self[f"{stage}_ends_on"], self[f"{stage}_summary"]],
            )
            for stage in STAGE_ORDER
        ]

    def stages(self) -> dict[str, dict]:
        return {
            stage: {
                "starts_on": self.cleaned_data[f"{stage}_starts_on"],
                "ends_on": self.cleaned_data[f"{stage}_ends_on"],
                "summary": self.cleaned_data[f"{stage}_summary"].strip(),
            }
            for stage in STAGE_ORDER
        }


class TeamMemberForm(forms.Form):
    # A list for a small register; a box that suggests names as the lead types for a big one.
    person = RegisterPersonField(label=_("Person"))
    role = forms.ChoiceField(
        label=_("Role in the team"),
        choices=TeamRole.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose their role in the team")},
    )
    joined_on = forms.DateField(
        label=_("Joined on"),
        widget=DATE_WIDGET,
        error_messages={"required": _("Enter the date they joined, for example 2026-03-31"), **DATE_ERRORS},
    )

    def __init__(self, *args, people, organisation, **kwargs):
        kwargs.setdefault("initial", {"joined_on": timezone.localdate()})
        super().__init__(*args, **kwargs)
        self.fields["person"].set_people(people, organisation=organisation)


class LeaveForm(forms.Form):
    left_on = forms.DateField(
        label=_("Left on"),
        widget=DATE_WIDGET,
        error_messages={"required": _("Enter the date they left, for example 2026-03-31"), **DATE_ERRORS},
    )


class DeclareForm(forms.Form):
    rung = forms.TypedChoiceField(
        label=_("Which rung is the project working at?"),
        coerce=int,
        choices=rung_choices,
        widget=forms.RadioSelect,
        error_messages=RUNG_ERRORS,
    )
    reason = forms.CharField(
        label=_("Why this rung?"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("What the team does that puts it here, in a sentence or two."),
        error_messages={"required": _("Say why the project works at this rung, in a sentence or two")},
    )


class RateForm(forms.Form):
    rung = forms.TypedChoiceField(
        label=_("How co-produced does this project feel to you?"),
        coerce=int,
        choices=rung_choices,
        widget=forms.RadioSelect,
        help_text=_(
            "Your answer is anonymous. Nobody, including admins, can see it. Results are shown only when "
            "at least 3 lived-experience or carer members and 3 staff have answered."
        ),
        error_messages=RUNG_ERRORS,
    )


class TeamMemberMultipleChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, member):
        dates = f"{member.joined_on:%d/%m/%Y}–{member.left_on:%d/%m/%Y}" if member.left_on else ""
        return f"{member.person.display_name} ({member.get_role_display()}{', ' + dates if dates else ''})"


class DecisionForm(forms.ModelForm):
    present = TeamMemberMultipleChoiceField(
        label=_("Who was present"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Team members on the team on the day of the decision."),
        error_messages={"invalid_choice": _("Choose people from the team list")},
    )
    deciding = TeamMemberMultipleChoiceField(
        label=_("Who took part in deciding"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Everyone who took part in deciding must also be ticked as present."),
        error_messages={"invalid_choice": _("Choose people from the team list")},
    )

    class Meta:
        model = Decision
        fields = ["summary", "options", "method", "decided_on", "stage", "is_published"]
        widgets = {
            "summary": forms.Textarea(attrs={"rows": 3}),
            "options": forms.Textarea(attrs={"rows": 3}),
            "method": forms.RadioSelect,
            "decided_on": DATE_WIDGET,
        }
        help_texts = {
            "options": _("The other choices the team talked about, one per line."),
            "decided_on": _("For example, 2026-03-31"),
        }
        error_messages = {
            "summary": {"required": _("Say what was decided, in a sentence or two")},
            "method": {"required": _("Choose how it was decided")},
            "decided_on": {
                "required": _("Enter the date of the decision, for example 2026-03-31"),
                "invalid": _("Enter a real date, for example 2026-03-31"),
            },
            "stage": {"required": _("Choose the stage the decision belongs to")},
        }

    def __init__(self, *args, team, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["present"].queryset = team
        self.fields["deciding"].queryset = team
        self.fields["method"].choices = DecisionMethod.choices


class ActivityLinkForm(forms.Form):
    activity = forms.ModelChoiceField(
        label=_("Activity"),
        queryset=None,
        empty_label=_("Choose an activity"),
        error_messages={
            "required": _("Choose an activity from the list"),
            "invalid_choice": _("Choose an activity from the list"),
        },
    )
    stage = forms.ChoiceField(
        label=_("Stage"),
        choices=Stage.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose the stage the activity belongs to")},
    )

    def __init__(self, *args, activities, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["activity"].queryset = activities
        self.fields["activity"].label_from_instance = lambda a: f"{a.title} ({a.starts_at:%d/%m/%Y})"


class UpdateForm(forms.Form):
    body = forms.CharField(
        label=_("Post an update"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Plain words, so everyone can follow: what happened, what comes next."),
        error_messages={
            "required": _("Write the update, for example what the team did this week"),
            "max_length": _("Keep the update to 2,000 characters or fewer"),
        },
    )


class ProjectFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        error_messages={"invalid_choice": _("Choose a status from the list")},
    )
    stage = forms.ChoiceField(
        label=_("Stage"), required=False, error_messages={"invalid_choice": _("Choose a stage from the list")}
    )
    flag = forms.ChoiceField(
        label=_("Flag"), required=False, error_messages={"invalid_choice": _("Choose a flag from the list")}
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [("", _("Any status"))] + list(ProjectStatus.choices)
        self.fields["stage"].choices = [("", _("Any stage"))] + list(Stage.choices)
        self.fields["flag"].choices = [("", _("Any or none")), ("any", _("Any flag"))] + [
            (k, v) for k, v in FLAG_KINDS.items()
        ]

    def filters(self) -> dict:
        if not self.is_valid():
            return {"status": "", "stage": "", "flag": ""}
        return {k: self.cleaned_data[k] for k in ("status", "stage", "flag")}


__all__ = ["add_validation_errors"]
