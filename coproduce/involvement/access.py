"""Fetch involvement objects for a request: scoped to its organisation; 404 for missing and forbidden."""

from django.http import Http404, HttpRequest

from .models import Activity, Attendance, Placement


def get_activity_for(request: HttpRequest, public_id) -> Activity:
    activity = (
        Activity.objects.filter(organisation=request.organisation, public_id=public_id)
        .select_related("organisation", "activity_type", "group")
        .first()
    )
    if activity is None:
        raise Http404("No such activity")
    return activity


def get_attendance_for(request: HttpRequest, activity: Activity, attendance_id: int) -> Attendance:
    attendance = (
        Attendance.objects.filter(activity=activity, pk=attendance_id)
        .select_related("person", "activity")
        .first()
    )
    if attendance is None:
        raise Http404("No such attendance")
    return attendance


def get_placement_for(request: HttpRequest, public_id) -> Placement:
    placement = (
        Placement.objects.filter(
            organisation=request.organisation, public_id=public_id, person__erased_at__isnull=True
        )
        .select_related("organisation", "person", "person__organisation", "role")
        .first()
    )
    if placement is None:
        raise Http404("No such placement")
    return placement
