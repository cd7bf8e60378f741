from django import template

from coproduce.projects import integrity

from .. import selectors

register = template.Library()


@register.simple_tag
def loop_closure_for(organisation, project=None) -> integrity.MeasureResult:
    """The loop-closure measure for the organisation, or for one project's items. One query."""
    return integrity.loop_closure(selectors.loop_closure_facts(organisation=organisation, project=project))
