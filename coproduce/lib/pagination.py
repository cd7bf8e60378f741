from django.core.paginator import Page, Paginator
from django.http import HttpRequest

PER_PAGE = 25


def paginate(request: HttpRequest, queryset, per_page: int = PER_PAGE) -> Page:
    """The page the request asks for (?page=N); a bad or too-large number gives the nearest real page."""
    return Paginator(queryset, per_page).get_page(request.GET.get("page"))


def querystring_without_page(request: HttpRequest) -> str:
    params = request.GET.copy()
    params.pop("page", None)
    return params.urlencode()
