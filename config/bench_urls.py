"""The real URLconf plus a bare view, the baseline scripts/bench.py measures pages against.

Only config.settings.bench points here, so the bare view never exists in the real site.
"""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path

from config.urls import handler500
from config.urls import urlpatterns as project_urlpatterns

__all__ = ["handler500", "urlpatterns"]


def bare(request: HttpRequest) -> HttpResponse:
    # Same middleware and context processors as every page, but no queries and a tiny template.
    return render(request, "bench/bare.html", {"message": "hello"})


urlpatterns = [*project_urlpatterns, path("bench/bare/", bare, name="bench-bare")]
