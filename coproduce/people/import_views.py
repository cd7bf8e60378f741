"""Importing people from a spreadsheet: upload, map the columns, check every row, import, watch it finish."""

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from coproduce.core.scoping import organisation_view
from coproduce.lib.pagination import PER_PAGE

from . import imports, permissions
from .import_forms import ImportMappingForm, ImportRunForm, ImportUploadForm
from .models import Person, PersonImport

RECENT_IMPORTS = 10
SAMPLE_ROWS = 5
# htmx stops polling when a fragment answers with this status.
STOP_POLLING = 286

Status = PersonImport.Status
BIG_FIELDS = ["rows", "header", "errors", "duplicates", "mapping"]


def get_import_for(request: HttpRequest, public_id, *, light: bool = False) -> PersonImport:
    """An import of the request's organisation; 404 for one that is missing or another organisation's.

    ``light`` leaves out the rows and reports, which can be megabytes: the progress fragment is polled.
    """
    found = PersonImport.objects.filter(organisation=request.organisation, public_id=public_id)
    if light:
        found = found.defer(*BIG_FIELDS)
    person_import = found.select_related("organisation", "uploaded_by").first()
    if person_import is None:
        raise Http404("No such import")
    return person_import


def _preview_url(person_import: PersonImport) -> str:
    return reverse(
        "people:import-preview",
        kwargs={"org": person_import.organisation.slug, "import_id": person_import.public_id},
    )


def _page(request: HttpRequest, items: list, per_page: int = PER_PAGE):
    return Paginator(items, per_page).get_page(request.GET.get("page"))


@organisation_view(permission=permissions.can_edit_people)
@require_http_methods(["GET", "POST"])
def import_upload(request: HttpRequest) -> HttpResponse:
    form = ImportUploadForm(request.POST, request.FILES) if request.method == "POST" else ImportUploadForm()
    if request.method == "POST" and form.is_valid():
        person_import = imports.person_import_create(
            organisation=request.organisation,
            actor=request.user,
            filename=form.cleaned_data["file"].name,
            spreadsheet=form.spreadsheet,
        )
        return redirect(person_import.get_absolute_url())
    recent = (
        PersonImport.objects.filter(organisation=request.organisation)
        .select_related("organisation", "uploaded_by")
        .defer(*BIG_FIELDS)[:RECENT_IMPORTS]
    )
    return render(request, "people/import_upload.html", {"form": form, "recent": recent})


@organisation_view(permission=permissions.can_edit_people)
@require_http_methods(["GET", "POST"])
def import_map(request: HttpRequest, import_id) -> HttpResponse:
    person_import = get_import_for(request, import_id)
    if person_import.status not in (Status.UPLOADED, Status.VALIDATED, Status.FAILED) or (
        person_import.status == Status.FAILED and not person_import.rows
    ):
        return redirect(person_import.get_absolute_url())
    form = ImportMappingForm(request.POST if request.method == "POST" else None, person_import=person_import)
    if request.method == "POST" and form.is_valid():
        person_import = imports.person_import_map(person_import=person_import, mapping=form.mapping())
        return redirect(person_import.get_absolute_url())
    return render(request, "people/import_map.html", {"form": form, "person_import": person_import})


def _preview_context(request: HttpRequest, person_import: PersonImport, form: ImportRunForm | None = None):
    show = request.GET.get("show", "")
    if show not in ("problems", "duplicates"):
        show = "problems" if person_import.errors else "duplicates"
    page = _page(request, person_import.errors if show == "problems" else person_import.duplicates)
    if form is None:
        form = _run_form(person_import, page.object_list if show == "duplicates" else [])
    decisions = person_import.duplicate_decisions
    skipped = sum(
        1 for d in person_import.duplicates if decisions.get(str(d["row"]), imports.MERGE) == imports.SKIP
    )
    return {
        "person_import": person_import,
        "form": form,
        "show": show,
        "page": page,
        "querystring": f"show={show}",
        "sample": _sample(person_import),
        "to_merge": person_import.duplicate_rows - skipped,
        "to_skip": skipped,
    }


def _run_form(
    person_import: PersonImport, duplicates: list[dict], data=None, for_import=True
) -> ImportRunForm:
    public_ids = [d["person"] for d in duplicates if d["person"]]
    people = {
        str(p.public_id): p
        for p in Person.objects.filter(
            organisation=person_import.organisation, public_id__in=public_ids, erased_at__isnull=True
        ).only("public_id", "full_name")
    }
    return ImportRunForm(
        data, person_import=person_import, duplicates=duplicates, people=people, for_import=for_import
    )


def _posted_duplicates(request: HttpRequest, person_import: PersonImport) -> list[dict]:
    return [d for d in person_import.duplicates if f"row_{d['row']}" in request.POST]


def _sample(person_import: PersonImport) -> dict:
    """The first rows without problems, as the register will hold them, to show the mapping is right."""
    bad_rows = {error["row"] for error in person_import.errors}
    numbers = []
    for index, cells in enumerate(person_import.rows):
        if any(cells) and index + 2 not in bad_rows:
            numbers.append(index + 2)
        if len(numbers) == SAMPLE_ROWS:
            break
    checked = imports.rows_check(
        organisation=person_import.organisation,
        header=person_import.header,
        rows=[person_import.rows[n - 2] for n in numbers],
        mapping=person_import.mapping,
        with_register=False,
    )
    labels = {
        "full_name": _("Full name"),
        "email": _("Email address"),
        "phone": _("Phone number"),
        "identity": _("How they are involved"),
    }
    identities = dict(Person._meta.get_field("identity").choices)
    rows = []
    for number, row in zip(numbers, checked.valid, strict=False):
        fields = row.fields
        rows.append(
            {
                "number": number,
                "cells": [
                    fields["full_name"],
                    fields["email"],
                    fields["phone"],
                    identities.get(fields.get("identity") or Person._meta.get_field("identity").default),
                ],
            }
        )
    return {"labels": list(labels.values()), "rows": rows}


@organisation_view(permission=permissions.can_edit_people)
@require_http_methods(["GET", "POST"])
def import_preview(request: HttpRequest, import_id) -> HttpResponse:
    """Every problem and every duplicate, before anything is saved. A POST saves duplicate choices."""
    person_import = get_import_for(request, import_id)
    if person_import.status != Status.VALIDATED:
        return redirect(person_import.get_absolute_url())
    if request.method == "POST":
        if request.POST.get("all") in (imports.MERGE, imports.SKIP):
            decision = request.POST["all"]
            imports.person_import_decide(
                person_import=person_import,
                decisions={d["row"]: decision for d in person_import.duplicates},
            )
        else:
            form = _run_form(
                person_import, _posted_duplicates(request, person_import), request.POST, for_import=False
            )
            if not form.is_valid():
                return render(
                    request, "people/import_preview.html", _preview_context(request, person_import, form)
                )
            imports.person_import_decide(person_import=person_import, decisions=form.decisions())
        return redirect(f"{_preview_url(person_import)}?{request.GET.urlencode()}")
    return render(request, "people/import_preview.html", _preview_context(request, person_import))


@organisation_view(permission=permissions.can_edit_people)
@require_http_methods(["GET", "POST"])
def import_run(request: HttpRequest, import_id) -> HttpResponse:
    """Start the import. A GET (a page link on a re-shown preview) goes back to the preview."""
    person_import = get_import_for(request, import_id, light=request.method == "GET")
    if request.method == "GET" and person_import.status == Status.VALIDATED:
        return redirect(f"{_preview_url(person_import)}?{request.GET.urlencode()}")
    if person_import.status != Status.VALIDATED:
        return redirect(person_import.get_absolute_url())
    form = _run_form(person_import, _posted_duplicates(request, person_import), request.POST)
    valid = form.is_valid()
    # Choices made on the page are kept even when the form asks for something else first.
    imports.person_import_decide(
        person_import=person_import,
        decisions={row: value for row in form.duplicate_rows if (value := request.POST.get(f"row_{row}"))},
    )
    if not valid:
        return render(request, "people/import_preview.html", _preview_context(request, person_import, form))
    person_import = imports.person_import_start(
        person_import=person_import, actor=request.user, mode=form.cleaned_data["mode"]
    )
    return redirect(
        "people:import-progress", org=request.organisation.slug, import_id=person_import.public_id
    )


def _is_fragment(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true"


@organisation_view(permission=permissions.can_edit_people)
@require_GET
def import_progress(request: HttpRequest, import_id) -> HttpResponse:
    """Progress while checking or importing, then what happened. htmx asks for the status fragment."""
    fragment = _is_fragment(request)
    person_import = get_import_for(request, import_id, light=fragment)
    if person_import.status in (Status.UPLOADED, Status.VALIDATED) and not fragment:
        return redirect(person_import.get_absolute_url())
    total = person_import.total_rows
    context = {
        "person_import": person_import,
        "percent": min(100, person_import.progress * 100 // total) if total else 100,
    }
    if fragment:
        response = render(request, "people/import_progress_status.html", context)
        if not person_import.is_running:
            response.status_code = STOP_POLLING
    else:
        context |= {"page": _page(request, person_import.errors), "querystring": ""}
        response = render(request, "people/import_progress.html", context)
    patch_vary_headers(response, ["HX-Request"])
    return response
