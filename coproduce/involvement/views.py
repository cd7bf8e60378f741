from decimal import Decimal

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.forms import formset_factory
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from coproduce.core.scoping import organisation_view
from coproduce.lib.charts import horizontal_bar_chart
from coproduce.lib.exports import csv_response, xlsx_response
from coproduce.lib.forms import add_validation_errors
from coproduce.lib.pagination import paginate, querystring_without_page
from coproduce.people.models import Person
from coproduce.people.selectors import (
    checks_for,
    group_list,
    people_for_labels,
    people_to_suggest,
    person_choice_label,
    person_list,
)

from . import permissions, selectors, services
from .access import get_activity_for, get_attendance_for, get_placement_for
from .forms import (
    ActivityFilterForm,
    ActivityForm,
    ActivityTypeForm,
    AttendanceRowForm,
    PlacementForm,
    ReportPeriodForm,
    VolunteerHoursForm,
)
from .models import Attendance
from .reports import involvement_report as involvement_report_for
from .reports import report_rows


def _activity_form(request, instance=None):
    return ActivityForm(
        request.POST or None,
        instance=instance,
        activity_types=selectors.activity_types_for(organisation=request.organisation),
        groups=group_list(organisation=request.organisation),
    )


@organisation_view(permission=permissions.can_view_activities)
@require_GET
def activity_list(request: HttpRequest) -> HttpResponse:
    form = ActivityFilterForm(
        request.GET or None, activity_types=selectors.activity_types_for(organisation=request.organisation)
    )
    filters = form.filters()
    activities = selectors.activity_list(organisation=request.organisation, **filters)
    return render(
        request,
        "involvement/activity_list.html",
        {
            "form": form,
            "page": paginate(request, activities),
            "querystring": querystring_without_page(request),
            "filtered": any(filters.values()),
        },
    )


@organisation_view(permission=permissions.can_manage_activities)
@require_http_methods(["GET", "POST"])
def activity_create(request: HttpRequest) -> HttpResponse:
    form = _activity_form(request)
    if request.method == "POST" and form.is_valid():
        try:
            activity = services.activity_create(
                organisation=request.organisation,
                actor=request.user,
                **{f: form.cleaned_data[f] for f in form.Meta.fields},
            )
        except ValidationError as error:
            add_validation_errors(form, error)
        else:
            messages.success(request, _("Activity added. Now record who took part."))
            return redirect(
                "involvement:attendance", org=request.organisation.slug, activity=activity.public_id
            )
    return render(request, "involvement/activity_form.html", {"form": form, "creating": True})


@organisation_view(permission=permissions.can_manage_activities)
@require_http_methods(["GET", "POST"])
def activity_edit(request: HttpRequest, activity) -> HttpResponse:
    activity = get_activity_for(request, activity)
    form = _activity_form(request, instance=type(activity).objects.get(pk=activity.pk))
    if request.method == "POST" and form.is_valid():
        try:
            services.activity_update(
                activity=activity, actor=request.user, **{f: form.cleaned_data[f] for f in form.Meta.fields}
            )
        except ValidationError as error:
            add_validation_errors(form, error)
        else:
            messages.success(request, _("Activity saved"))
            return redirect(activity)
    return render(request, "involvement/activity_form.html", {"form": form, "activity": activity})


@organisation_view(permission=permissions.can_view_activities)
@require_GET
def activity_detail(request: HttpRequest, activity) -> HttpResponse:
    activity = get_activity_for(request, activity)
    can_manage = permissions.can_manage_activities(request.membership)
    attendances = list(selectors.attendance_for(activity=activity))
    counts = {
        status: sum(1 for a in attendances if a.status == status)
        for status in ("attended", "apologies", "did_not_attend")
    }
    return render(
        request,
        "involvement/activity_detail.html",
        {
            "activity": activity,
            # Names of who took part are for the people who run involvement; others see the numbers.
            "attendances": attendances if can_manage else None,
            "counts": counts,
            "hours": sum((a.hours for a in attendances if a.status == "attended"), Decimal("0")),
            "can_manage": can_manage,
        },
    )


person_label = person_choice_label


def _typed_people(request) -> list[str]:
    """The labels typed into the grid's person boxes."""
    return [
        " ".join(value.split())
        for name, value in request.POST.items()
        if name.startswith("rows-") and name.endswith("-person") and value.strip()
    ]


@organisation_view(permission=permissions.can_manage_activities)
@require_http_methods(["GET", "POST"])
def attendance_register(request: HttpRequest, activity) -> HttpResponse:
    """The register as a grid: one row per person, tab through person, role, attendance and hours."""
    activity = get_activity_for(request, activity)
    existing = list(selectors.attendance_for(activity=activity))
    people = (
        people_for_labels(organisation=request.organisation, labels=_typed_people(request))
        if request.method == "POST"
        else {}
    )
    initial = [
        {
            "person": person_label(a.person),
            "taking_part_as": a.taking_part_as,
            "status": a.status,
            "hours": a.hours,
        }
        for a in existing
    ]
    extra = int(request.GET.get("rows", 0) or 0) if str(request.GET.get("rows", "")).isdigit() else 0
    RowFormSet = formset_factory(AttendanceRowForm, extra=min(max(extra, 20 if not existing else 5), 100))
    formset = RowFormSet(
        request.POST or None,
        initial=initial,
        form_kwargs={"people_by_label": people, "default_hours": activity.duration_hours},
        prefix="rows",
    )
    # Small registers are listed whole; bigger ones fill the list as someone types.
    listed = people_to_suggest(organisation=request.organisation)
    suggestions_url = reverse("people:choose", kwargs={"org": request.organisation.slug})
    for form in formset if not listed else ():
        # As someone types in any row, the shared list of names fills with the people who match.
        form.fields["person"].widget.attrs.update(
            {
                "hx-get": suggestions_url,
                "hx-trigger": "input changed delay:300ms",
                "hx-target": "#register-people",
                "hx-swap": "innerHTML",
                "hx-sync": "#register-people:replace",
            }
        )
    problems = []
    if request.method == "POST" and formset.is_valid():
        rows = [
            services.AttendanceRow(
                person=form.cleaned_data["person"],
                taking_part_as=form.cleaned_data["taking_part_as"],
                status=form.cleaned_data["status"],
                hours=form.cleaned_data["hours"],
            )
            for form in formset
            if form.cleaned_data.get("person")
        ]
        try:
            services.attendance_record(activity=activity, rows=rows, actor=request.user)
        except ValidationError as error:
            problems = error.messages
        else:
            messages.success(request, _("Register saved: %(count)s people recorded") % {"count": len(rows)})
            return redirect(activity)
    return render(
        request,
        "involvement/attendance_form.html",
        {
            "activity": activity,
            "formset": formset,
            "people_labels": sorted(set(listed) | {row["person"] for row in initial}, key=str.lower),
            "problems": problems,
            "default_hours": activity.duration_hours,
        },
    )


@organisation_view(permission=permissions.can_manage_activities)
@require_POST
def attendance_remove(request: HttpRequest, activity, attendance_id: int) -> HttpResponse:
    activity = get_activity_for(request, activity)
    attendance = get_attendance_for(request, activity, attendance_id)
    services.attendance_remove(attendance=attendance, actor=request.user)
    messages.success(request, _("%(name)s removed from the register") % {"name": attendance.person.full_name})
    return redirect(activity)


@organisation_view(permission=permissions.can_manage_activities)
@require_http_methods(["GET", "POST"])
def activity_types(request: HttpRequest) -> HttpResponse:
    form = ActivityTypeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.activity_type_create(
                organisation=request.organisation, actor=request.user, name=form.cleaned_data["name"]
            )
        except ValidationError as error:
            add_validation_errors(form, error)
        else:
            messages.success(request, _("Activity type added"))
            return redirect("involvement:activity-types", org=request.organisation.slug)
    return render(
        request,
        "involvement/activity_types.html",
        {"form": form, "types": selectors.activity_types_for(organisation=request.organisation)},
    )


@organisation_view
@require_GET
def my_involvement(request: HttpRequest) -> HttpResponse:
    person = Person.objects.filter(
        organisation=request.organisation, user=request.user, erased_at__isnull=True
    ).first()
    context = {"person": person}
    if person is not None:
        context["placements"] = selectors.placement_list(
            organisation=request.organisation, current_only=True
        ).filter(person=person)
        context["hours_form"] = VolunteerHoursForm()
        year_ago = timezone.localdate().replace(year=timezone.localdate().year - 1)
        context.update(
            page=paginate(request, selectors.involvement_history(person=person)),
            totals=selectors.involvement_totals(person=person),
            last_year=selectors.involvement_totals(person=person, since=year_ago),
            querystring="",
        )
    return render(request, "involvement/my_involvement.html", context)


# The involvement report.


def _report_for(request):
    today = timezone.localdate()
    default = selectors.last_complete_quarter(today)
    form = ReportPeriodForm(
        request.GET or None,
        quarters=[("", _("Choose a quarter"))]
        + selectors.quarter_choices(organisation=request.organisation, today=today),
        initial={"quarter": default[0].isoformat()},
    )
    start, end = form.period(default)
    return form, involvement_report_for(organisation=request.organisation, start=start, end=end, today=today)


@organisation_view(permission=permissions.can_view_involvement_report)
@require_GET
def involvement_report(request: HttpRequest) -> HttpResponse:
    form, report = _report_for(request)
    chart = horizontal_bar_chart(
        title=_("Unique people involved by activity type, %(start)s to %(end)s")
        % {"start": report.start.strftime("%d %b %Y"), "end": report.end.strftime("%d %b %Y")},
        categories=[str(row.activity_type) for row in report.by_type],
        series={
            _("People with lived experience"): [row.lived_experience.current for row in report.by_type],
            _("Carers"): [row.carers.current for row in report.by_type],
        },
    )
    return render(
        request,
        "involvement/report.html",
        {"form": form, "report": report, "chart": chart, "querystring": request.GET.urlencode()},
    )


@organisation_view(permission=permissions.can_view_involvement_report)
@require_GET
def involvement_report_export(request: HttpRequest, file_format: str) -> HttpResponse:
    _form, report = _report_for(request)
    header, rows = report_rows(report)
    period = f"{report.start.isoformat()}-to-{report.end.isoformat()}"
    filename = f"involvement-{request.organisation.slug}-{period}.{file_format}"
    if file_format == "xlsx":
        return xlsx_response(filename, "Involvement", header, rows)
    return csv_response(filename, header, rows)


# Volunteers.


@organisation_view(permission=permissions.can_manage_volunteers)
@require_GET
def placement_list(request: HttpRequest) -> HttpResponse:
    current_only = request.GET.get("current") == "1"
    placements = selectors.placement_list(organisation=request.organisation, current_only=current_only)
    return render(
        request,
        "involvement/placement_list.html",
        {
            "page": paginate(request, placements),
            "querystring": querystring_without_page(request),
            "current_only": current_only,
        },
    )


def _placement_form(request, instance=None):
    people = (
        person_list(organisation=request.organisation)
        .prefetch_related(None)
        .only("public_id", "full_name", "organisation_id")
    )
    return PlacementForm(
        request.POST or None,
        instance=instance,
        roles=selectors.volunteer_roles_for(organisation=request.organisation),
        people=people,
        organisation=request.organisation,
    )


@organisation_view(permission=permissions.can_manage_volunteers)
@require_http_methods(["GET", "POST"])
def placement_create(request: HttpRequest) -> HttpResponse:
    form = _placement_form(request)
    if request.method == "POST" and form.is_valid():
        data = {f: form.cleaned_data[f] for f in form.Meta.fields}
        try:
            placement = services.placement_create(
                organisation=request.organisation,
                actor=request.user,
                person=form.cleaned_data["person"],
                **data,
            )
        except ValidationError as error:
            add_validation_errors(form, error)
        else:
            messages.success(request, _("Placement added"))
            return redirect(placement)
    return render(request, "involvement/placement_form.html", {"form": form, "creating": True})


@organisation_view(permission=permissions.can_manage_volunteers)
@require_http_methods(["GET", "POST"])
def placement_edit(request: HttpRequest, placement) -> HttpResponse:
    placement = get_placement_for(request, placement)
    form = _placement_form(request, instance=type(placement).objects.get(pk=placement.pk))
    if request.method == "POST" and form.is_valid():
        try:
            services.placement_update(
                placement=placement, actor=request.user, **{f: form.cleaned_data[f] for f in form.Meta.fields}
            )
        except ValidationError as error:
            add_validation_errors(form, error)
        else:
            messages.success(request, _("Placement saved"))
            return redirect(placement)
    return render(request, "involvement/placement_form.html", {"form": form, "placement": placement})


@organisation_view(permission=permissions.can_manage_volunteers)
@require_http_methods(["GET", "POST"])
def placement_detail(request: HttpRequest, placement) -> HttpResponse:
    placement = get_placement_for(request, placement)
    form = VolunteerHoursForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.volunteer_hours_log(placement=placement, actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_validation_errors(form, error)
        else:
            messages.success(request, _("Hours logged"))
            return redirect(placement)
    required = set(placement.role.required_checks)
    checks = [row for row in checks_for(person=placement.person) if row["kind"] in required]
    return render(
        request,
        "involvement/placement_detail.html",
        {
            "placement": placement,
            "form": form,
            "checks": checks,
            "check_problems": [row for row in checks if row["status"] in ("expired", "missing")],
            "hours": placement.hours_logged.all()[:50],
        },
    )


__all__ = ["Attendance"]


MAX_SHEET_ROWS = 500


@organisation_view(permission=permissions.can_manage_activities)
@require_http_methods(["GET", "POST"])
def attendance_import(request: HttpRequest, activity) -> HttpResponse:
    """A paper sign-in sheet typed into a spreadsheet: check every row first, then save."""
    import json

    from coproduce.lib.forms import ImportConfirmForm
    from coproduce.people.imports.files import spreadsheet_from_json, spreadsheet_read

    from .attendance_import import sheet_check
    from .forms import AttendanceSheetForm

    activity = get_activity_for(request, activity)
    upload = (
        AttendanceSheetForm(request.POST or None, request.FILES or None)
        if "data" not in request.POST
        else None
    )
    confirm = ImportConfirmForm(request.POST) if "data" in request.POST else None
    spreadsheet = None
    if upload is not None and request.method == "POST" and upload.is_valid():
        try:
            spreadsheet = spreadsheet_read(upload.cleaned_data["sheet"])
        except ValidationError as error:
            upload.add_error("sheet", error)
        else:
            if len(spreadsheet.rows) > MAX_SHEET_ROWS:
                upload.add_error(
                    "sheet", _("A sign-in sheet can have %(max)s rows at most.") % {"max": MAX_SHEET_ROWS}
                )
                spreadsheet = None
    if confirm is not None and confirm.is_valid():
        spreadsheet = spreadsheet_from_json(confirm.cleaned_data["data"], max_rows=MAX_SHEET_ROWS)
    if spreadsheet is None:
        return render(
            request,
            "involvement/attendance_import.html",
            {"activity": activity, "form": upload or AttendanceSheetForm()},
        )
    rows, problems = sheet_check(activity=activity, spreadsheet=spreadsheet)
    if confirm is not None and confirm.is_valid():
        mode = confirm.cleaned_data["mode"]
        good = [r for r in rows if not r.problems]
        if mode == "all_or_none" and problems:
            messages.error(
                request,
                _("Nothing was saved: every row must be right first. Fix the sheet and upload it again."),
            )
        elif not good:
            messages.error(request, _("Nothing was saved: no row could be matched to the register."))
        else:
            try:
                services.attendance_record(
                    activity=activity,
                    rows=[
                        services.AttendanceRow(r.person, r.taking_part_as, r.status, r.hours) for r in good
                    ],
                    actor=request.user,
                )
            except ValidationError as error:
                problems = error.messages
            else:
                messages.success(
                    request,
                    _("Saved %(saved)s rows from the sign-in sheet. %(left)s rows were left out.")
                    % {"saved": len(good), "left": len(rows) - len(good)},
                )
                return redirect(activity)
    confirm_form = ImportConfirmForm(
        initial={
            "data": json.dumps({"header": spreadsheet.header, "rows": spreadsheet.rows}),
            "mode": "valid_only",
        }
    )
    return render(
        request,
        "involvement/attendance_import_preview.html",
        {"activity": activity, "rows": rows, "problems": problems, "form": confirm_form},
    )


@organisation_view
@require_POST
def my_volunteer_hours(request: HttpRequest, placement) -> HttpResponse:
    """A volunteer logs their own hours against their own current placement."""
    person = Person.objects.filter(
        organisation=request.organisation, user=request.user, erased_at__isnull=True
    ).first()
    placement = get_placement_for(request, placement)
    if person is None or placement.person_id != person.pk:
        raise Http404("No such placement")
    form = VolunteerHoursForm(request.POST)
    if form.is_valid():
        try:
            services.volunteer_hours_log(placement=placement, actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("Thank you. Your hours have been logged."))
    else:
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
    return redirect("involvement:my-involvement", org=request.organisation.slug)
