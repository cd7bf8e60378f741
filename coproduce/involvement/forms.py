from datetime import date
from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from coproduce.people.forms import RegisterPersonField

from .models import Activity, AttendanceStatus, Opportunity, Placement, TakingPartAs


def _within_sensible_years(form: forms.Form, *names: str) -> None:
    """Dates far outside the records (year 1 or 9999) would overflow the period arithmetic."""
    for name in names:
        day = form.cleaned_data.get(name)
        if day is not None and not 1900 <= day.year <= 2099:
            form.add_error(name, form.fields[name].error_messages["invalid"])
            form.cleaned_data.pop(name, None)


DATETIME_WIDGET = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
DATE_WIDGET = forms.DateInput(attrs={"type": "date"})


class ActivityForm(forms.ModelForm):
    class Meta:
        model = Activity
        fields = ["activity_type", "title", "starts_at", "ends_at", "place", "facilitators", "group", "notes"]
        widgets = {
            "starts_at": DATETIME_WIDGET,
            "ends_at": DATETIME_WIDGET,
            "notes": forms.Textarea(attrs={"rows": 3}),
        }
        help_texts = {
            "starts_at": _("Date and time, for example 2026-03-31 14:00"),
            "ends_at": _("Date and time, for example 2026-03-31 16:30"),
        }
        error_messages = {
            "title": {"required": _("Enter a title, for example 'Service user forum, March'")},
            "starts_at": {
                "required": _("Enter when it starts"),
                "invalid": _("Enter a real date and time, for example 2026-03-31 14:00"),
            },
            "ends_at": {
                "required": _("Enter when it ends"),
                "invalid": _("Enter a real date and time, for example 2026-03-31 16:30"),
            },
            "activity_type": {"required": _("Choose the type of activity")},
        }

    def __init__(self, *args, activity_types, groups, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["activity_type"].queryset = activity_types
        self.fields["group"].queryset = groups
        self.fields["group"].required = False
        self.fields["activity_type"].empty_label = _("Choose a type")
        self.fields["group"].empty_label = _("No group")

    def clean(self):
        data = super().clean()
        if data.get("starts_at") and data.get("ends_at") and data["ends_at"] < data["starts_at"]:
            self.add_error("ends_at", _("The end must be the same as or after the start"))
        return data


class ActivityFilterForm(forms.Form):
    q = forms.CharField(label=_("Search titles"), required=False, max_length=200)
    activity_type = forms.ChoiceField(label=_("Type"), required=False)
    start = forms.DateField(
        label=_("From"),
        required=False,
        widget=DATE_WIDGET,
        error_messages={"invalid": _("Enter a real date, for example 2026-03-31")},
    )
    end = forms.DateField(
        label=_("To"),
        required=False,
        widget=DATE_WIDGET,
        error_messages={"invalid": _("Enter a real date, for example 2026-03-31")},
    )

    def __init__(self, *args, activity_types, **kwargs):
        super().__init__(*args, **kwargs)
        self.types = {str(t.pk): t for t in activity_types}
        self.fields["activity_type"].choices = [("", _("Any type"))] + [
            (k, str(t)) for k, t in self.types.items()
        ]

    def clean(self):
        data = super().clean()
        _within_sensible_years(self, "start", "end")
        return data

    def filters(self) -> dict:
        if not self.is_valid():
            return {}
        d = self.cleaned_data
        return {
            "search": d["q"],
            "activity_type": self.types.get(d["activity_type"]),
            "start": d["start"],
            "end": d["end"],
        }


class AttendanceRowForm(forms.Form):
    # A text box with one shared list of names (a datalist), so a 20-row grid does not repeat the register.
    person = forms.CharField(
        label=_("Person"),
        required=False,
        max_length=300,
        widget=forms.TextInput(
            attrs={"list": "register-people", "autocomplete": "off", "spellcheck": "false"}
        ),
    )
    taking_part_as = forms.ChoiceField(label=_("Taking part as"), choices=TakingPartAs.choices)
    status = forms.ChoiceField(
        label=_("Attendance"), choices=AttendanceStatus.choices, initial=AttendanceStatus.ATTENDED
    )
    hours = forms.DecimalField(
        label=_("Hours"),
        required=False,
        min_value=Decimal("0"),
        max_value=Decimal("24"),
        decimal_places=2,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "class": "nhsuk-input--width-3"}),
        error_messages={
            "invalid": _("Enter the number of hours, for example 2.5"),
            "min_value": _("Hours cannot be less than 0"),
            "max_value": _("Hours must be 24 or fewer"),
            "max_decimal_places": _("Enter hours to 2 decimal places at most, for example 2.25"),
        },
    )

    def __init__(self, *args, people_by_label, default_hours, **kwargs):
        super().__init__(*args, **kwargs)
        self.people_by_label = (
            people_by_label  # what each typed label means: a person, or a count of namesakes
        )
        self.default_hours = default_hours

    def clean_person(self):
        label = " ".join(self.cleaned_data["person"].split())
        if not label:
            return None
        person = self.people_by_label.get(label)
        if isinstance(person, int):
            raise forms.ValidationError(
                _(
                    "%(count)s people are called %(name)s: choose one from the list, "
                    "which shows how to tell them apart"
                )
                % {"count": person, "name": label}
            )
        if person is None:
            raise forms.ValidationError(_("Choose a person from the list: start typing their name"))
        return person

    def clean(self):
        data = super().clean()
        if data.get("person") and data.get("hours") is None:
            data["hours"] = (
                self.default_hours if data.get("status") == AttendanceStatus.ATTENDED else Decimal("0")
            )
        return data


class ReportPeriodForm(forms.Form):
    quarter = forms.ChoiceField(label=_("Quarter"), required=False)
    start = forms.DateField(
        label=_("Or from"),
        required=False,
        widget=DATE_WIDGET,
        help_text=_("For example, 2019-01-01"),
        error_messages={"invalid": _("Enter a real date, for example 2019-01-01")},
    )
    end = forms.DateField(
        label=_("To"),
        required=False,
        widget=DATE_WIDGET,
        help_text=_("For example, 2019-03-31"),
        error_messages={"invalid": _("Enter a real date, for example 2019-03-31")},
    )

    def __init__(self, *args, quarters, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["quarter"].choices = quarters

    def clean(self):
        data = super().clean()
        _within_sensible_years(self, "start", "end")
        start, end = data.get("start"), data.get("end")
        if bool(start) != bool(end) and not self.errors:
            self.add_error("end" if start else "start", _("Enter both dates, or choose a quarter"))
        if start and end and end < start:
            self.add_error("end", _("The end date must be the same as or after the start date"))
        if start and end and (end - start).days > 366 * 5:
            self.add_error("end", _("Choose a period of five years or less"))
        return data

    def period(self, default: tuple[date, date]) -> tuple[date, date]:
        if not self.is_valid():
            return default
        if self.cleaned_data.get("start") and self.cleaned_data.get("end"):
            return self.cleaned_data["start"], self.cleaned_data["end"]
        if self.cleaned_data.get("quarter"):
            from .selectors import quarter_of

            return quarter_of(date.fromisoformat(self.cleaned_data["quarter"]))
        return default


class PlacementForm(forms.ModelForm):
    person = RegisterPersonField(label=_("Volunteer"))

    class Meta:
        model = Placement
        fields = ["role", "team", "starts_on", "ends_on", "supervisor"]
        widgets = {"starts_on": DATE_WIDGET, "ends_on": DATE_WIDGET}
        error_messages = {
            "team": {"required": _("Enter the team or service, for example 'Ward 3, Park House'")},
            "starts_on": {
                "required": _("Enter the start date"),
                "invalid": _("Enter a real date, for example 2026-03-31"),
            },
            "ends_on": {"invalid": _("Enter a real date, for example 2026-03-31")},
            "role": {"required": _("Choose a volunteer role")},
        }

    def __init__(self, *args, roles, people, organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["role"].queryset = roles
        self.fields["person"].set_people(people, organisation=organisation)
        if self.instance.pk:
            self.fields["person"].required = False
            self.fields["person"].widget = forms.HiddenInput()
        self.order_fields(["person", "role", "team", "starts_on", "ends_on", "supervisor"])

    def clean(self):
        data = super().clean()
        if data.get("starts_on") and data.get("ends_on") and data["ends_on"] < data["starts_on"]:
            self.add_error("ends_on", _("The end date must be the same as or after the start date"))
        return data


class VolunteerHoursForm(forms.Form):
    worked_on = forms.DateField(
        label=_("Date"),
        widget=DATE_WIDGET,
        help_text=_("For example, 2026-03-31"),
        error_messages={
            "required": _("Enter the date"),
            "invalid": _("Enter a real date, for example 2026-03-31"),
        },
    )
    hours = forms.DecimalField(
        label=_("Hours"),
        min_value=Decimal("0.25"),
        max_value=Decimal("24"),
        decimal_places=2,
        widget=forms.TextInput(attrs={"inputmode": "decimal"}),
        error_messages={
            "required": _("Enter the number of hours, for example 2.5"),
            "invalid": _("Enter the number of hours, for example 2.5"),
            "min_value": _("Enter at least a quarter of an hour (0.25)"),
            "max_value": _("Hours must be 24 or fewer"),
        },
    )


class ActivityTypeForm(forms.Form):
    name = forms.CharField(
        label=_("Name of the new type"),
        max_length=80,
        error_messages={"required": _("Enter a name for the type")},
    )


class OpportunityForm(forms.ModelForm):
    required_checks = forms.MultipleChoiceField(
        label=_("Checks people need"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("People with an expired or missing check cannot be selected."),
    )

    class Meta:
        model = Opportunity
        fields = [
            "title",
            "description",
            "easy_read",
            "activity_type",
            "for_whom",
            "places",
            "commitment",
            "location",
            "location_detail",
            "accessibility",
            "reward",
            "reward_detail",
            "closes_on",
            "status",
            "is_public",
        ]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 5}),
            "easy_read": forms.Textarea(attrs={"rows": 4}),
            "accessibility": forms.Textarea(attrs={"rows": 3}),
            "closes_on": DATE_WIDGET,
            "for_whom": forms.RadioSelect,
            "location": forms.RadioSelect,
            "reward": forms.RadioSelect,
            "status": forms.RadioSelect,
        }
        error_messages = {
            "title": {"required": _("Enter a title")},
            "description": {"required": _("Say what it involves")},
            "places": {
                "required": _("Enter the number of places, for example 4"),
                "invalid": _("Enter the number of places, for example 4"),
                "min_value": _("There must be at least 1 place"),
                "max_value": _("Enter 500 places or fewer"),
            },
            "commitment": {"required": _("Say when it is, or how much time it takes")},
            "closes_on": {
                "required": _("Enter the closing date"),
                "invalid": _("Enter a real date, for example 2026-03-31"),
            },
            "activity_type": {"required": _("Choose the type of activity")},
        }

    def __init__(self, *args, activity_types, **kwargs):
        from coproduce.people.models import CheckKind

        super().__init__(*args, **kwargs)
        self.fields["activity_type"].queryset = activity_types
        self.fields["required_checks"].choices = CheckKind.choices
        if self.instance.pk and not self.is_bound:
            self.initial["required_checks"] = self.instance.required_checks
        self.order_fields(
            [
                "title",
                "description",
                "easy_read",
                "activity_type",
                "for_whom",
                "places",
                "commitment",
                "location",
                "location_detail",
                "accessibility",
                "required_checks",
            ]
        )


class InterestForm(forms.Form):
    why = forms.CharField(
        label=_("Why are you interested? (optional)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("A few words is fine. There are no wrong answers."),
    )
    availability = forms.CharField(
        label=_("When are you available? (optional)"), required=False, max_length=300
    )
    needs = forms.CharField(
        label=_("What do you need to take part?"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "We have filled this in from your profile. Change it if this activity needs something different."
        ),
    )


class InterestOnBehalfForm(InterestForm):
    person = RegisterPersonField(label=_("Who is interested"))

    def __init__(self, *args, people, organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].set_people(people, organisation=organisation)
        self.fields["why"].label = _("Why are they interested? (optional)")
        self.fields["availability"].label = _("When are they available? (optional)")
        self.fields["needs"].label = _("What do they need to take part?")
        self.fields["needs"].help_text = ""
        self.order_fields(["person", "why", "availability", "needs"])


class SelectionForm(forms.Form):
    chosen = forms.MultipleChoiceField(
        label=_("Who to offer a place to"),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one person")},
    )
    reason = forms.CharField(
        label=_("Reason for this choice"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "Needed if you change the suggestion, for example "
            "'Ali has the interview experience this panel needs'."
        ),
    )

    def __init__(self, *args, candidates, suggested_ids, **kwargs):
        super().__init__(*args, **kwargs)
        self.candidates = {str(c.interest.pk): c for c in candidates if c.eligible}
        self.suggested_ids = {str(i) for i in suggested_ids}
        self.fields["chosen"].choices = [(k, c.interest.person.full_name) for k, c in self.candidates.items()]

    def clean(self):
        data = super().clean()
        chosen = set(data.get("chosen") or [])
        if chosen and chosen != self.suggested_ids and not data.get("reason", "").strip():
            self.add_error("reason", _("Say why you changed the suggested selection"))
        return data

    def chosen_interests(self):
        return [self.candidates[k].interest for k in self.cleaned_data["chosen"]]


class AttendanceSheetForm(forms.Form):
    sheet = forms.FileField(
        label=_("Sign-in sheet"),
        help_text=_(
            "A CSV file or Excel workbook (.xlsx) with a column headed Name or Email. "
            "It can also have Taking part as, Attendance and Hours."
        ),
        error_messages={"required": _("Choose the file of the sign-in sheet")},
    )
