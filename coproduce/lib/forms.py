from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError


def add_validation_errors(form: forms.Form, error: ValidationError) -> None:
    """Show a service's ValidationError on the form, by field where the service named one."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


__all__ = ["NON_FIELD_ERRORS", "add_validation_errors"]
