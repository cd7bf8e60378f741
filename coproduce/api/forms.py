from django import forms
from django.utils.translation import gettext_lazy as _


class ApiTokenForm(forms.Form):
    name = forms.CharField(
        label=_("What is this token for?"),
        help_text=_("For example, 'Monthly board report'. This helps you recognise it later."),
        max_length=100,
        error_messages={"required": _("Enter what the token is for")},
    )
