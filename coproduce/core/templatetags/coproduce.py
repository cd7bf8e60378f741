from django import template
from django.forms import BoundField

from coproduce.core import permissions

register = template.Library()

CHOICE_WIDGETS = {"CheckboxSelectMultiple", "RadioSelect"}


@register.filter
def can(membership, check_name: str) -> bool:
    """{% if membership|can:"view_members" %} asks the same function the view enforces."""
    if membership is None:
        return False
    return permissions.CHECKS[check_name](membership)


@register.filter
def widget_type(field: BoundField) -> str:
    """The Django widget a field uses or is built on: a LanguageRadioSelect renders as a RadioSelect."""
    return next(
        kind.__name__
        for kind in type(field.field.widget).__mro__
        if kind.__module__ == "django.forms.widgets"
    )


@register.filter
def first_input_id(field: BoundField) -> str:
    """Where an error-summary link should take the keyboard: the first box of a group."""
    return f"{field.auto_id}_0" if widget_type(field) in CHOICE_WIDGETS else field.auto_id


def describedby(field: BoundField) -> str:
    ids = []
    if field.help_text:
        ids.append(f"{field.auto_id}-hint")
    if field.errors:
        ids.append(f"{field.auto_id}-error")
    return " ".join(ids)


@register.simple_tag
def field_widget(field: BoundField, css_class: str, error_class: str = "") -> str:
    """Render a field's input with the design system's classes and its hint and error wired up."""
    attrs = dict(field.field.widget.attrs)
    # The design system advises against placeholders: they vanish while typing and read as answers.
    attrs["placeholder"] = False  # False leaves the attribute out, even when the widget sets one
    classes = [css_class, attrs.get("class", "")]
    if field.errors and error_class:
        classes.append(error_class)
    attrs["class"] = " ".join(c for c in classes if c)
    if ids := describedby(field):
        attrs["aria-describedby"] = ids
    return field.as_widget(attrs=attrs)


@register.filter
def field_describedby(field: BoundField) -> str:
    return describedby(field)
