from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.utils.translation import gettext_lazy as _


def add_validation_errors(form: forms.Form, error: ValidationError) -> None:
    """Show a service's ValidationError on the form, by field where the service named one."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


class ImportConfirmForm(forms.Form):
    """The preview page's choice for a checked spreadsheet (an attendance sheet, survey responses): the
    checked rows travel in `data`; save the good rows only, or nothing until every row is right."""

    data = forms.CharField(widget=forms.HiddenInput)
    mode = forms.ChoiceField(
        label=_("What should we save?"),
        choices=[
            ("valid_only", _("Save the rows without problems, and leave the others out")),
            ("all_or_none", _("Save nothing until every row is right")),
        ],
        initial="valid_only",
        widget=forms.RadioSelect,
    )


__all__ = ["NON_FIELD_ERRORS", "ImportConfirmForm", "add_validation_errors"]
