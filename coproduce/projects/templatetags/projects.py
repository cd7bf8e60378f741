from django import template

from coproduce.projects import integrity

register = template.Library()


@register.filter
def rung_name(value) -> str:
    """'consultation (4)', or 'between consultation (4) and engagement (5)' for a median between rungs."""
    if value is None or value == "":
        return ""
    return integrity.rung_name(float(value))


@register.filter
def number(value) -> str:
    if value is None or value == "":
        return ""
    return integrity.number(float(value))
