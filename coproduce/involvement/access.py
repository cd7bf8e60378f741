"""Fetch involvement objects for a request: scoped to its organisation; 404 for missing and forbidden."""

from django.http import Http404, HttpRequest

from . import permissions
from .models import Activity, Attendance, Opportunity, Placement


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


def get_opportunity_for(request: HttpRequest, public_id) -> Opportunity:
    opportunities = Opportunity.objects.filter(organisation=request.organisation, public_id=public_id)
    if not permissions.can_manage_activities(request.membership):
        # Drafts are the team's work in progress.
        opportunities = opportunities.exclude(status=Opportunity.Status.DRAFT)
    opportunity = opportunities.select_related("organisation", "activity_type").first()
    if opportunity is None:
        raise Http404("No such opportunity")
    return opportunity
