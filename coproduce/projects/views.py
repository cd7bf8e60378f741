"""Project pages. Thin: access helpers fetch, services write, selectors and integrity compute."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from coproduce.core.models import Organisation
from coproduce.core.scoping import organisation_view
from coproduce.involvement.models import Activity
from coproduce.lib.charts import horizontal_bar_chart
from coproduce.lib.exports import csv_response, xlsx_response
from coproduce.lib.forms import add_validation_errors
from coproduce.lib.pagination import paginate, querystring_without_page
from coproduce.people.selectors import people_with_consent, person_list

from . import integrity, permissions, selectors, services
from .access import (
    ProjectAccess,
    get_activity_link_for,
    get_decision_for,
    get_project_access,
    get_team_member_for,
)
from .forms import (
    ActivityLinkForm,
    DecisionForm,
    DeclareForm,
    LeaveForm,
    ProjectFilterForm,
    ProjectForm,
    RateForm,
    StagesForm,
    TeamMemberForm,
    UpdateForm,
)
from .models import RUNG_DESCRIPTIONS, Project, ProjectStage, Rung, TeamRole


def _page(request, template: str, access: ProjectAccess, tab: str, **context) -> HttpResponse:
    return render(
        request, f"projects/{template}", {"project": access.project, "access": access, "tab": tab, **context}
    )


def _project_form(request, instance=None) -> ProjectForm:
    return ProjectForm(
        request.POST or None,
        instance=instance,
        sponsors=selectors.sponsor_choices(organisation=request.organisation),
        leads=selectors.lead_choices(organisation=request.organisation),
    )


@organisation_view
@require_GET
def project_list(request: HttpRequest) -> HttpResponse:
    form = ProjectFilterForm(request.GET or None)
    filters = form.filters()
    view_all = permissions.can_view_all_projects(request.membership)
    projects = selectors.project_list(
        organisation=request.organisation,
        membership=request.membership,
        status=filters["status"],
        stage=filters["stage"],
    )
    flag = filters["flag"] if view_all else ""
    if flag:
        # Flags are computed, not stored: work them out for every project, in a fixed number of queries.
        everything = list(projects)
        cards = selectors.scorecards_for(everything)
        projects = [
            p for p in everything if (cards[p.pk].flags if flag == "any" else flag in cards[p.pk].flag_kinds)
        ]
    page = paginate(request, projects)
    cards = selectors.scorecards_for(list(page.object_list)) if view_all else {}
    rows = [{"project": p, "flags": cards[p.pk].flags if view_all else None} for p in page.object_list]
    return render(
        request,
        "projects/project_list.html",
        {
            "form": form,
            "page": page,
            "rows": rows,
            "view_all": view_all,
            "querystring": querystring_without_page(request),
            "filtered": any(filters.values()),
        },
    )


@organisation_view(permission=permissions.can_manage_projects)
@require_http_methods(["GET", "POST"])
def project_create(request: HttpRequest) -> HttpResponse:
    form = _project_form(request)
    if request.method == "POST" and form.is_valid():
        try:
            project = services.project_create(
                organisation=request.organisation,
                actor=request.user,
                **{f: form.cleaned_data[f] for f in form.Meta.fields},
            )
        except ValidationError as error:
            add_validation_errors(form, error)
        else:
            messages.success(request, _("Project added. Now add the team and the stages' dates."))
            return redirect(project)
    return render(request, "projects/project_form.html", {"form": form, "creating": True})


@organisation_view
@require_GET
def project_detail(request: HttpRequest, project) -> HttpResponse:
    access = get_project_access(request, project, need="summary")
    project = access.project
    context = {
        "stages": ProjectStage.objects.filter(project=project).order_by("id"),
        "counts": selectors.team_counts(project=project),
        "rung_description": RUNG_DESCRIPTIONS.get(project.declared_rung),
    }
    if access.can_view:
        context["updates"] = selectors.updates_for(project=project)[:3]
        context["scorecard"] = selectors.project_scorecard(project=project)
    return _page(request, "project_detail.html", access, "overview", **context)


@organisation_view(permission=permissions.can_manage_projects)
@require_http_methods(["GET", "POST"])
def project_edit(request: HttpRequest, project) -> HttpResponse:
    access = get_project_access(request, project, need="manage")
    form = _project_form(request, instance=Project.objects.get(pk=access.project.pk))
    if request.method == "POST" and form.is_valid():
        try:
            services.project_update(
                project=access.project,
                actor=request.user,
                **{f: form.cleaned_data[f] for f in form.Meta.fields},
            )
        except ValidationError as error:
            add_validation_errors(form, error)
        else:
            messages.success(request, _("Project saved"))
            return redirect(access.project)
    return _page(request, "project_form.html", access, "overview", form=form)


@organisation_view(permission=permissions.can_manage_projects)
@require_http_methods(["GET", "POST"])
def project_stages(request: HttpRequest, project) -> HttpResponse:
    access = get_project_access(request, project, need="manage")
    stages = ProjectStage.objects.filter(project=access.project).order_by("id")
    form = StagesForm(request.POST or None, stages=stages)
    if request.method == "POST" and form.is_valid():
        try:
            services.project_stages_update(project=access.project, actor=request.user, stages=form.stages())
        except ValidationError as error:
            add_validation_errors(form, error)
        else:
            messages.success(request, _("Stages saved"))
            return redirect(access.project)
    return _page(request, "stages_form.html", access, "overview", form=form)


@organisation_view
@require_http_methods(["GET", "POST"])
def team(request: HttpRequest, project) -> HttpResponse:
    access = get_project_access(request, project, need="view")
    form = None
    if access.can_manage:
        people = person_list(organisation=request.organisation).prefetch_related(None)
        form = TeamMemberForm(request.POST or None, people=people, organisation=request.organisation)
    if request.method == "POST":
        if form is None:
            raise PermissionDenied
        if form.is_valid():
            try:
                services.team_member_add(project=access.project, actor=request.user, **form.cleaned_data)
            except ValidationError as error:
                add_validation_errors(form, error)
            else:
                messages.success(
                    request,
                    _("%(name)s added to the team") % {"name": form.cleaned_data["person"].display_name},
                )
                return redirect(
                    "projects:team", org=request.organisation.slug, project=access.project.public_id
                )
    return _page(
        request, "team.html", access, "team", members=selectors.team_for(project=access.project), form=form
    )


@organisation_view(permission=permissions.can_manage_projects)
@require_http_methods(["GET", "POST"])
def team_member_leave(request: HttpRequest, project, team_member) -> HttpResponse:
    access = get_project_access(request, project, need="manage")
    member = get_team_member_for(access.project, team_member)
    form = LeaveForm(request.POST or None, initial={"left_on": timezone.localdate()})
    if member.left_on is None and request.method == "POST" and form.is_valid():
        try:
            services.team_member_leave(
                team_member=member, left_on=form.cleaned_data["left_on"], actor=request.user
            )
        except ValidationError as error:
            add_validation_errors(form, error)
        else:
            messages.success(request, _("%(name)s has left the team") % {"name": member.person.display_name})
            return redirect("projects:team", org=request.organisation.slug, project=access.project.public_id)
    return _page(request, "team_leave.html", access, "team", member=member, form=form)


@organisation_view
@require_http_methods(["GET", "POST"])
def activities(request: HttpRequest, project) -> HttpResponse:
    access = get_project_access(request, project, need="view")
    form = None
    if access.can_manage:
        available = Activity.objects.filter(
            organisation=request.organisation, project_link__isnull=True
        ).order_by("-starts_at")[:200]
        form = ActivityLinkForm(
            request.POST or None,
            activities=Activity.objects.filter(pk__in=[a.pk for a in available]).order_by("-starts_at"),
        )
    if request.method == "POST":
        if form is None:
            raise PermissionDenied
        if form.is_valid():
            try:
                services.project_activity_link(
                    project=access.project, actor=request.user, **form.cleaned_data
                )
            except ValidationError as error:
                add_validation_errors(form, error)
            else:
                messages.success(request, _("Activity linked to the project"))
                return redirect(
                    "projects:activities", org=request.organisation.slug, project=access.project.public_id
                )
    return _page(
        request,
        "activities.html",
        access,
        "activities",
        links=selectors.linked_activities(project=access.project),
        form=form,
    )


@organisation_view(permission=permissions.can_manage_projects)
@require_http_methods(["GET", "POST"])
def activity_unlink(request: HttpRequest, project, linked_activity) -> HttpResponse:
    access = get_project_access(request, project, need="manage")
    link = get_activity_link_for(access.project, linked_activity)
    if request.method == "POST":
        services.project_activity_unlink(link=link, actor=request.user)
        messages.success(
            request, _("%(title)s is no longer linked to the project") % {"title": link.activity.title}
        )
        return redirect(
            "projects:activities", org=request.organisation.slug, project=access.project.public_id
        )
    return _page(request, "activity_unlink.html", access, "activities", link=link)


def _ladder_context(access: ProjectAccess) -> dict:
    return {
        "result": selectors.ladder_result(project=access.project),
        "rungs": [(value, label, RUNG_DESCRIPTIONS[value]) for value, label in reversed(Rung.choices)],
        "declared_description": RUNG_DESCRIPTIONS.get(access.project.declared_rung),
        "my_rating": selectors.my_latest_rating(team_member=access.my_team_member)
        if access.my_team_member
        else None,
        "not_enough": integrity.NOT_ENOUGH_RATINGS,
        "threshold": integrity.K_ANONYMITY,
    }


@organisation_view
@require_GET
def ladder(request: HttpRequest, project) -> HttpResponse:
    access = get_project_access(request, project, need="view")
    return _page(
        request,
        "ladder.html",
        access,
        "ladder",
        declarations=selectors.declarations_for(project=access.project)[:10],
        trend=selectors.ladder_trend(project=access.project, today=timezone.localdate()),
        **_ladder_context(access),
    )


@organisation_view(permission=permissions.can_manage_projects)
@require_http_methods(["GET", "POST"])
def ladder_declare(request: HttpRequest, project) -> HttpResponse:
    access = get_project_access(request, project, need="manage")
    form = DeclareForm(request.POST or None, initial={"rung": access.project.declared_rung})
    if request.method == "POST" and form.is_valid():
        try:
            services.ladder_declare(project=access.project, actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_validation_errors(form, error)
        else:
            messages.success(request, _("Rung declared"))
            return redirect(
                "projects:ladder", org=request.organisation.slug, project=access.project.public_id
            )
    return _page(request, "ladder_declare.html", access, "ladder", form=form)


@organisation_view
@require_http_methods(["GET", "POST"])
def ladder_rate(request: HttpRequest, project) -> HttpResponse:
    access = get_project_access(request, project, need="view")
    if not access.can_rate:
        messages.info(request, _("Only members of the project team rate the project."))
        return redirect("projects:ladder", org=request.organisation.slug, project=access.project.public_id)
    form = RateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.ladder_rate(
                project=access.project,
                team_member=access.my_team_member,
                rung=form.cleaned_data["rung"],
                actor=request.user,
            )
        except ValidationError as error:
            add_validation_errors(form, error)
        else:
            messages.success(request, _("Thank you. Your rating is saved and stays anonymous."))
            return redirect(
                "projects:ladder", org=request.organisation.slug, project=access.project.public_id
            )
    return _page(request, "ladder_rate.html", access, "ladder", form=form, **_ladder_context(access))


@organisation_view
@require_GET
def decision_list(request: HttpRequest, project) -> HttpResponse:
    access = get_project_access(request, project, need="view")
    decisions = selectors.decision_list(project=access.project)
    return _page(
        request,
        "decision_list.html",
        access,
        "decisions",
        page=paginate(request, decisions),
        querystring="",
        measure=selectors.project_scorecard(project=access.project).measure("decision_share"),
    )


@organisation_view(permission=permissions.can_manage_projects)
@require_http_methods(["GET", "POST"])
def decision_create(request: HttpRequest, project) -> HttpResponse:
    access = get_project_access(request, project, need="manage")
    team_members = selectors.team_for(project=access.project)
    form = DecisionForm(
        request.POST or None,
        team=team_members,
        initial={"decided_on": timezone.localdate(), "stage": access.project.current_stage},
    )
    if request.method == "POST" and form.is_valid():
        try:
            decision = services.decision_record(
                project=access.project, actor=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            add_validation_errors(form, error)
        else:
            messages.success(request, _("Decision recorded"))
            return redirect(decision)
    return _page(request, "decision_form.html", access, "decisions", form=form)


@organisation_view(permission=permissions.can_manage_projects)
@require_http_methods(["GET", "POST"])
def decision_edit(request: HttpRequest, project, decision) -> HttpResponse:
    access = get_project_access(request, project, need="manage")
    decision = get_decision_for(access.project, decision)
    form = DecisionForm(
        request.POST or None,
        instance=decision,
        team=selectors.team_for(project=access.project),
        initial={"present": list(decision.present.all()), "deciding": list(decision.deciding.all())},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.decision_update(decision=decision, actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_validation_errors(form, error)
        else:
            messages.success(request, _("Decision saved"))
            return redirect(decision)
    return _page(request, "decision_form.html", access, "decisions", form=form, decision=decision)


@organisation_view
@require_GET
def decision_detail(request: HttpRequest, project, decision) -> HttpResponse:
    access = get_project_access(request, project, need="view")
    decision = get_decision_for(access.project, decision)
    decision = selectors.decision_list(project=access.project).get(pk=decision.pk)
    return _page(
        request,
        "decision_detail.html",
        access,
        "decisions",
        decision=decision,
        present=decision.present.select_related("person").order_by("person__full_name"),
        deciding_ids=set(decision.deciding.values_list("pk", flat=True)),
    )


@organisation_view(permission=permissions.can_manage_projects)
@require_POST
def decision_publish(request: HttpRequest, project, decision) -> HttpResponse:
    access = get_project_access(request, project, need="manage")
    decision = get_decision_for(access.project, decision)
    publish = request.POST.get("publish") == "yes"
    services.decision_set_published(decision=decision, is_published=publish, actor=request.user)
    messages.success(request, _("Decision published") if publish else _("Decision no longer published"))
    return redirect(decision)


@organisation_view
@require_GET
def scorecard(request: HttpRequest, project) -> HttpResponse:
    access = get_project_access(request, project, need="view")
    return _page(
        request,
        "scorecard.html",
        access,
        "scorecard",
        scorecard=selectors.project_scorecard(project=access.project),
    )


@organisation_view
@require_http_methods(["GET", "POST"])
def updates(request: HttpRequest, project) -> HttpResponse:
    access = get_project_access(request, project, need="view")
    form = UpdateForm(request.POST or None) if access.can_post_update else None
    if request.method == "POST":
        if form is None:
            raise PermissionDenied
        if form.is_valid():
            try:
                services.project_update_post(project=access.project, author=request.user, **form.cleaned_data)
            except ValidationError as error:
                add_validation_errors(form, error)
            else:
                messages.success(request, _("Update posted"))
                return redirect(
                    "projects:updates", org=request.organisation.slug, project=access.project.public_id
                )
    return _page(
        request,
        "updates.html",
        access,
        "updates",
        page=paginate(request, selectors.updates_for(project=access.project)),
        querystring="",
        form=form,
    )


@organisation_view(permission=permissions.can_view_integrity_overview)
@require_GET
def integrity_overview(request: HttpRequest) -> HttpResponse:
    rows = selectors.integrity_overview(organisation=request.organisation, membership=request.membership)
    for row in rows:
        card = row["scorecard"]
        row["coverage"] = card.measure("stage_coverage")
        row["ladder"] = card.measure("power_gap")
        row["decisions"] = card.measure("decision_share")
        row["equity"] = card.measure("voice_equity")
    flag_counts = {kind: 0 for kind in integrity.FLAG_KINDS}
    for row in rows:
        for kind in row["scorecard"].flag_kinds:
            flag_counts[kind] += 1

    def percent(measure, numerator: str, denominator: str):
        if not measure.enough_data or not measure.values.get(denominator):
            return ""
        return round(100 * measure.values[numerator] / measure.values[denominator])

    chart = horizontal_bar_chart(
        title=_("Lived-experience members present at stages and deciding, by project (per cent)"),
        categories=[row["project"].title for row in rows],
        series={
            _("Stages with lived-experience members present (%)"): [
                percent(r["coverage"], "present", "stages_with_records") for r in rows
            ],
            _("Decisions with lived-experience members deciding (%)"): [
                percent(r["decisions"], "with_deciding", "total") for r in rows
            ],
        },
    )
    return render(
        request,
        "projects/integrity_overview.html",
        {
            "rows": rows,
            "chart": chart,
            "flag_counts": [(integrity.FLAG_KINDS[k], n) for k, n in flag_counts.items()],
            "not_enough": integrity.NOT_ENOUGH_RATINGS,
        },
    )


def _integrity_filename(request: HttpRequest, extension: str) -> str:
    return f"co-production-integrity-{request.organisation.slug}-{timezone.localdate():%Y-%m-%d}.{extension}"


@organisation_view(permission=permissions.can_view_integrity_overview)
@require_GET
def integrity_export_csv(request: HttpRequest) -> HttpResponse:
    header, rows = selectors.integrity_overview_table(
        organisation=request.organisation, membership=request.membership
    )
    return csv_response(_integrity_filename(request, "csv"), header, rows)


@organisation_view(permission=permissions.can_view_integrity_overview)
@require_GET
def integrity_export_xlsx(request: HttpRequest) -> HttpResponse:
    header, rows = selectors.integrity_overview_table(
        organisation=request.organisation, membership=request.membership
    )
    return xlsx_response(_integrity_filename(request, "xlsx"), _("Integrity"), header, rows)


@require_GET
def public_project(request: HttpRequest, organisation_slug: str, project) -> HttpResponse:
    """A project's public page, with no sign-in, only when the project has chosen to have one."""
    organisation = Organisation.objects.filter(slug=organisation_slug).first()
    if organisation is None:
        raise Http404("No such organisation")
    project = (
        Project.objects.filter(organisation=organisation, public_id=project, is_public=True)
        .select_related("organisation")
        .first()
    )
    if project is None:
        raise Http404("No such project")
    named = (
        people_with_consent(organisation=organisation, purpose="story")
        .filter(project_roles__project=project, project_roles__left_on__isnull=True)
        .values_list("full_name", "preferred_name", "project_roles__role")
        .order_by("full_name")
    )
    roles = dict(TeamRole.choices)
    return render(
        request,
        "projects/public_project.html",
        {
            "public_organisation": organisation,
            "project": project,
            "stages": ProjectStage.objects.filter(project=project).order_by("id"),
            "counts": selectors.team_counts(project=project),
            "named": [(preferred or full, roles[role]) for full, preferred, role in named],
            "decisions": selectors.decision_list(project=project, published_only=True),
            "result": selectors.ladder_result(project=project),
            "not_enough": integrity.NOT_ENOUGH_RATINGS,
            "rung_description": RUNG_DESCRIPTIONS.get(project.declared_rung),
        },
    )
