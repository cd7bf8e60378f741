from datetime import date

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from coproduce.lib.languages import LanguageRadioSelect, language_choices

from .models import (
    AccessNeed,
    CheckKind,
    CheckStatus,
    ConsentPurpose,
    ContactMethod,
    EqualityMonitoring,
    Group,
    GroupRole,
    InvolvementIdentity,
    Person,
)

DATE_HINT = _("For example, 2026-03-31")
DATE_ERRORS = {"invalid": _("Enter a real date, for example 2026-03-31")}


class PersonForm(forms.ModelForm):
    contact_methods = forms.MultipleChoiceField(
        label=_("Ways we may contact them"),
        choices=ContactMethod.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Select all that apply."),
    )
    tags_text = forms.CharField(
        label=_("Skills, interests and experience"),
        required=False,
        max_length=1000,
        help_text=_("Separate them with commas, for example: public speaking, art, peer support"),
    )

    class Meta:
        model = Person
        fields = [
            "full_name",
            "preferred_name",
            "pronouns",
            "identity",
            "email",
            "phone",
            "address",
            "preferred_contact",
            "language",
            "times_to_avoid",
            "is_managed",
        ]
        widgets = {
            "address": forms.Textarea(attrs={"rows": 3}),
            "identity": forms.RadioSelect,
            "language": LanguageRadioSelect,
        }
        error_messages = {
            "full_name": {"required": _("Enter their full name")},
            "email": {"invalid": _("Enter an email address in the correct format, like name@example.org")},
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk and not self.is_bound:
            self.initial["contact_methods"] = self.instance.contact_methods()
            self.initial["tags_text"] = ", ".join(t.name for t in self.instance.tags.all())
        self.fields["preferred_contact"].choices = [("", _("No preference"))] + list(ContactMethod.choices)
        if "language" in self.fields:
            self.fields["language"].choices = [("", _("No preference")), *language_choices()]
            self.fields["language"].help_text = _(
                "For letters, emails and calls. Someone with an account chooses it on their account page."
            )

    def profile_data(self) -> dict:
        data = {name: self.cleaned_data[name] for name in self.Meta.fields if name in self.fields}
        for method in ContactMethod.values:
            data[f"contact_by_{method}"] = method in self.cleaned_data["contact_methods"]
        return data

    def tag_names(self) -> list[str]:
        return [t for t in self.cleaned_data["tags_text"].split(",") if t.strip()]


class MyProfileForm(PersonForm):
    """The same details, in the first person, without the fields only the team sets."""

    class Meta(PersonForm.Meta):
        # Their language is on their account page, with the rest of how we write to them.
        fields = [f for f in PersonForm.Meta.fields if f not in ("is_managed", "language")]
        labels = {"identity": _("How do you take part?"), "full_name": _("Your full name")}
        help_texts = {"preferred_name": _("What you like to be called.")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["contact_methods"].label = _("Ways we may contact you")
        self.fields["tags_text"].label = _("Your skills, interests and experience")
        self.fields["tags_text"].help_text = _(
            "Everyone has something to offer. Separate them with commas, for example: listening, art, Welsh"
        )


class AccessNeedsForm(forms.Form):
    needs = forms.MultipleChoiceField(
        label=_("What helps you take part?"),
        choices=AccessNeed.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "Select all that apply. We share these only with the people who arrange activities you join."
        ),
    )
    other = forms.CharField(
        label=_("Anything else that helps"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class CheckForm(forms.Form):
    kind = forms.ChoiceField(label=_("Check"), choices=CheckKind.choices)
    done_on = forms.DateField(
        label=_("Date done"),
        help_text=DATE_HINT,
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"required": _("Enter the date the check was done"), **DATE_ERRORS},
    )
    expires_on = forms.DateField(
        label=_("Expiry date"),
        required=False,
        help_text=_("Leave empty if it never expires. For example, 2029-03-31"),
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages=DATE_ERRORS,
    )
    reference = forms.CharField(label=_("Reference number (optional)"), required=False, max_length=60)

    def clean_done_on(self):
        done_on = self.cleaned_data["done_on"]
        if done_on > date.today():
            raise forms.ValidationError(_("The date done must be today or in the past"))
        return done_on

    def clean(self):
        data = super().clean()
        if data.get("done_on") and data.get("expires_on") and data["expires_on"] < data["done_on"]:
            self.add_error(
                "expires_on", _("The expiry date must be the same as or after the date it was done")
            )
        return data


class ConsentForm(forms.Form):
    note = forms.CharField(
        label=_("How was this consent given? (optional)"),
        required=False,
        max_length=200,
        help_text=_("For example, 'by phone on 3 March'. Useful when you record it for someone else."),
    )

    def __init__(self, *args, current: list[dict], **kwargs):
        super().__init__(*args, **kwargs)
        choices = [("yes", _("Yes")), ("no", _("No"))]
        for row in current:
            self.fields[f"consent_{row['purpose']}"] = forms.ChoiceField(
                label=row["label"],
                choices=choices,
                widget=forms.RadioSelect,
                initial="yes" if row["given"] else "no",
            )
        self.order_fields([f"consent_{p}" for p in ConsentPurpose.values] + ["note"])

    def answers(self) -> dict[str, bool]:
        return {p: self.cleaned_data[f"consent_{p}"] == "yes" for p in ConsentPurpose.values}


class EqualityForm(forms.ModelForm):
    class Meta:
        model = EqualityMonitoring
        fields = [
            "age_band",
            "sex",
            "gender_same_as_sex",
            "sexual_orientation",
            "ethnicity",
            "religion",
            "disability",
        ]
        widgets = {name: forms.RadioSelect for name in fields}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.required = False
            field.choices = [choice for choice in field.choices if choice[0] != ""]


class PersonFilterForm(forms.Form):
    q = forms.CharField(label=_("Search by name or email"), required=False, max_length=200)
    identity = forms.ChoiceField(
        label=_("How they are involved"),
        required=False,
        choices=[("", _("Anyone")), *InvolvementIdentity.choices],
    )
    group = forms.ChoiceField(label=_("Group"), required=False)
    tag = forms.CharField(label=_("Skill or interest"), required=False, max_length=60)
    check_status = forms.ChoiceField(
        label=_("Checks"),
        required=False,
        choices=[
            ("", _("Any")),
            (CheckStatus.EXPIRED, _("Has an expired check")),
            (CheckStatus.EXPIRING, _("Has a check expiring within 30 days")),
            (CheckStatus.VALID, _("All checks valid")),
            (CheckStatus.MISSING, _("No checks recorded")),
        ],
    )
    consent = forms.ChoiceField(
        label=_("Has agreed to"), required=False, choices=[("", _("Any")), *ConsentPurpose.choices]
    )
    sort = forms.ChoiceField(
        label=_("Sort by"),
        required=False,
        choices=[
            ("name", _("Name, A to Z")),
            ("-name", _("Name, Z to A")),
            ("newest", _("Newest first")),
            ("oldest", _("Oldest first")),
        ],
    )

    def __init__(self, *args, groups, **kwargs):
        super().__init__(*args, **kwargs)
        self.groups = {str(g.public_id): g for g in groups}
        self.fields["group"].choices = [("", _("Any group"))] + [(k, g.name) for k, g in self.groups.items()]

    def filters(self) -> dict:
        if not self.is_valid():
            return {}
        data = self.cleaned_data
        return {
            "search": data["q"],
            "identity": data["identity"],
            "group": self.groups.get(data["group"]),
            "tag": data["tag"].strip(),
            "check_status": data["check_status"],
            "consent": data["consent"],
            "sort": data["sort"] or "name",
        }


class GroupForm(forms.ModelForm):
    class Meta:
        model = Group
        fields = ["name", "purpose", "who_can_join", "meeting_pattern"]
        widgets = {"purpose": forms.Textarea(attrs={"rows": 3}), "who_can_join": forms.RadioSelect}
        error_messages = {
            "name": {"required": _("Enter the group's name")},
            "purpose": {"required": _("Say what the group is for")},
        }


class GroupMemberForm(forms.Form):
    person = forms.Field(label=_("Person"))  # a RegisterPersonField, set below (it is defined further down)
    role = forms.ChoiceField(
        label=_("Role in the group"),
        choices=GroupRole.choices,
        initial=GroupRole.MEMBER,
        widget=forms.RadioSelect,
        help_text=_("The connector carries the group's voice to the executive team."),
    )

    def __init__(self, *args, people, organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"] = RegisterPersonField(label=_("Person"))
        self.fields["person"].set_people(people, organisation=organisation)
        self.order_fields(["person", "role"])

    def chosen_person(self) -> Person:
        return self.cleaned_data["person"]


class PersonSuggestionsInput(forms.TextInput):
    """A text box with its own list of suggested names, filled from the server as someone types."""

    def __init__(self, attrs=None):
        super().__init__({"autocomplete": "off", "spellcheck": "false", **(attrs or {})})

    def render(self, name, value, attrs=None, renderer=None):
        from django.utils.html import format_html

        attrs = {**(attrs or {})}
        list_id = f"{attrs.get('id') or name}-choices"
        attrs.update({"list": list_id, "hx-target": f"#{list_id}"})
        return format_html(
            '{}<datalist id="{}"></datalist>', super().render(name, value, attrs, renderer), list_id
        )


class RegisterPersonField(forms.Field):
    """Choose someone on the register. A small register is a plain list; a big one (more than
    CHOOSER_LIST_ALL_UP_TO people) is a text box that suggests names as someone types, so no page ever
    carries the whole register. Cleans to a Person."""

    default_error_messages = {
        "required": _("Choose a person from the register"),
        "unknown": _("Choose a person from the list: start typing their name"),
        "namesakes": _(
            "%(count)s people are called %(name)s: choose one from the list, "
            "which shows how to tell them apart"
        ),
    }

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.organisation = None
        self.people: QuerySet[Person] | None = None
        self.listed: dict[str, Person] | None = None

    def set_people(self, people: QuerySet[Person], *, organisation) -> None:
        from .selectors import CHOOSER_LIST_ALL_UP_TO

        self.organisation, self.people = organisation, people
        if people.count() <= CHOOSER_LIST_ALL_UP_TO:
            self.listed = {
                str(p.public_id): p for p in people.only("public_id", "full_name", "organisation_id")
            }
            choices = [("", _("Choose a person"))] + [(key, p.full_name) for key, p in self.listed.items()]
            self.widget = forms.Select(choices=choices)
        else:
            self.listed = None
            url = reverse("people:choose", kwargs={"org": organisation.slug})
            self.widget = PersonSuggestionsInput(
                {"hx-get": url, "hx-trigger": "input changed delay:300ms", "hx-swap": "innerHTML"}
            )
        self.widget.is_required = self.required

    def to_python(self, value):
        value = " ".join(str(value or "").split())
        if not value:
            return None
        if self.listed is not None:
            person = self.listed.get(value)
        else:
            from .selectors import people_for_labels

            person = people_for_labels(organisation=self.organisation, labels=[value], among=self.people).get(
                value
            )
        if isinstance(person, int):
            raise ValidationError(
                self.error_messages["namesakes"], code="namesakes", params={"count": person, "name": value}
            )
        if person is None:
            raise ValidationError(self.error_messages["unknown"], code="unknown")
        return person
