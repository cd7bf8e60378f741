from django import forms
from django.utils.translation import gettext_lazy as _

from coproduce.lib.languages import LanguageRadioSelect, language_choices

from .models import Organisation, Role


class OrganisationSettingsForm(forms.ModelForm):
    class Meta:
        model = Organisation
        fields = ["name", "logo_text", "contact_email", "contact_phone", "address", "require_two_factor"]
        widgets = {"address": forms.Textarea(attrs={"rows": 4})}
        error_messages = {
            "name": {"required": _("Enter the organisation's name")},
            "contact_email": {
                "invalid": _("Enter an email address in the correct format, like name@example.org")
            },
        }


class RolesField(forms.MultipleChoiceField):
    widget = forms.CheckboxSelectMultiple

    def __init__(self, **kwargs):
        kwargs.setdefault("choices", Role.choices)
        kwargs.setdefault("label", _("Roles"))
        kwargs.setdefault("help_text", _("Select all that apply. A person can hold several roles."))
        kwargs.setdefault("error_messages", {"required": _("Select at least one role")})
        super().__init__(**kwargs)


class MemberInviteForm(forms.Form):
    full_name = forms.CharField(
        label=_("Full name"), max_length=200, error_messages={"required": _("Enter the person's full name")}
    )
    email = forms.EmailField(
        label=_("Email address"),
        help_text=_("We will email them a link to choose a password."),
        error_messages={
            "required": _("Enter the person's email address"),
            "invalid": _("Enter an email address in the correct format, like name@example.org"),
        },
    )
    roles = RolesField()


class MemberRolesForm(forms.Form):
    roles = RolesField()
    can_see_equality_data = forms.BooleanField(
        label=_("Can see equality monitoring data"),
        required=False,
        help_text=_(
            "Equality answers are special-category personal data. Give this only to people who report on "
            "whose voices are missing."
        ),
    )


class MemberFilterForm(forms.Form):
    q = forms.CharField(label=_("Search by name or email"), required=False, max_length=200)
    role = forms.ChoiceField(label=_("Role"), required=False, choices=[("", _("Any role")), *Role.choices])


class AuditFilterForm(forms.Form):
    action = forms.ChoiceField(label=_("What happened"), required=False)
    actor = forms.CharField(label=_("Who did it (email)"), required=False, max_length=254)
    date_from = forms.DateField(
        label=_("From date"),
        required=False,
        help_text=_("For example, 2026-03-31"),
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": _("Enter a real date, for example 2026-03-31")},
    )
    date_to = forms.DateField(
        label=_("To date"),
        required=False,
        help_text=_("For example, 2026-03-31"),
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": _("Enter a real date, for example 2026-03-31")},
    )

    def __init__(self, *args, actions: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["action"].choices = [("", _("Anything")), *((a, a) for a in actions)]

    def clean(self):
        data = super().clean()
        if data.get("date_from") and data.get("date_to") and data["date_from"] > data["date_to"]:
            self.add_error("date_to", _("The 'to' date must be the same as or after the 'from' date"))
        return data


class MessageLanguageForm(forms.Form):
    language = forms.ChoiceField(
        label=_("Which language should we write to you in?"),
        help_text=_(
            "For notifications, emails and updates. Changing the language of these pages changes it too."
        ),
        choices=language_choices,
        widget=LanguageRadioSelect,
        error_messages={"required": _("Choose a language")},
    )
