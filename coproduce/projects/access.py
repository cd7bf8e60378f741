"""Fetch projects and their objects for a request: scoped to its organisation, 404 for missing and
forbidden alike. Within the organisation, ``ProjectAccess`` says what this person may do on this project."""

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest

from . import permissions
from .models import Decision, Project, ProjectActivity, TeamMember


@dataclass(frozen=True)
class ProjectAccess:
    """What the signed-in person may do on one project."""

    project: Project
    my_team_member: TeamMember | None
    can_manage: bool
    can_view_all: bool

    @property
    def is_team_member(self) -> bool:
        return self.my_team_member is not None

    @property
    def can_view(self) -> bool:
        """The whole project: team, ladder, decisions, scorecard, updates."""
        return self.can_view_all or self.is_team_member

    @property
    def can_view_summary(self) -> bool:
        return self.can_view or self.project.is_public

    @property
    def can_rate(self) -> bool:
        return self.is_team_member

    @property
    def can_post_update(self) -> bool:
        return self.can_manage or self.is_team_member


def my_team_member(project: Project, user) -> TeamMember | None:
    """The signed-in person's current place on the team, through the register person linked to them."""
    return (
        TeamMember.objects.filter(
            project=project, person__user=user, person__erased_at__isnull=True, left_on__isnull=True
        )
        .select_related("person")
        .first()
    )


def get_project_for(request: HttpRequest, public_id) -> Project:
    project = (
        Project.objects.filter(organisation=request.organisation, public_id=public_id)
        .select_related("organisation", "sponsor__user", "lead__user")
        .first()
    )
    if project is None:
        raise Http404("No such project")
    return project


def project_access(request: HttpRequest, project: Project) -> ProjectAccess:
    return ProjectAccess(
        project=project,
        my_team_member=my_team_member(project, request.user),
        can_manage=permissions.can_manage_projects(request.membership),
        can_view_all=permissions.can_view_all_projects(request.membership),
    )


def get_project_access(request: HttpRequest, public_id, *, need: str = "view") -> ProjectAccess:
    """The project (404 if not this organisation's) and what the person may do; 403 when they lack
    ``need`` (summary, view, manage, post_update)."""
    access = project_access(request, get_project_for(request, public_id))
    allowed = {
        "summary": access.can_view_summary,
        "view": access.can_view,
        "manage": access.can_manage,
        "post_update": access.can_post_update,
    }[need]
    if not allowed:
        raise PermissionDenied
    return access


def get_team_member_for(project: Project, public_id) -> TeamMember:
    member = (
        TeamMember.objects.filter(project=project, public_id=public_id)
        .select_related("person", "project", "project__organisation")
        .first()
    )
    if member is None:
        raise Http404("No such team member")
    return member


def get_decision_for(project: Project, public_id) -> Decision:
    decision = (
        Decision.objects.filter(project=project, public_id=public_id)
        .select_related("project", "project__organisation")
        .first()
    )
    if decision is None:
        raise Http404("No such decision")
    return decision


def get_activity_link_for(project: Project, activity_public_id) -> ProjectActivity:
    """The link between this project and one of its activities, by the activity's id."""
    link = (
        ProjectActivity.objects.filter(project=project, activity__public_id=activity_public_id)
        .select_related("activity", "project", "project__organisation")
        .first()
    )
    if link is None:
        raise Http404("No such activity on this project")
    return link
