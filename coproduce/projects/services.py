"""Writes for projects. Each validates, saves inside a transaction and audits itself.

Ladder ratings are audited without the rung: the audit log is read by admins, and nobody may see an
individual's rating.
"""

from collections.abc import Iterable
from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from coproduce.core.audit import audit_log
from coproduce.core.models import Membership, Organisation, Role, User
from coproduce.involvement.models import Activity
from coproduce.people.models import Person

from .models import (
    STAGE_ORDER,
    Decision,
    LadderDeclaration,
    LadderRating,
    Project,
    ProjectActivity,
    ProjectStage,
    ProjectUpdate,
    Stage,
    TeamMember,
    side_for_role,
)


def _day(value: date) -> str:
    return formats.date_format(value, "j F Y")


def _check_people(project: Project, sponsor: Membership | None, lead: Membership | None) -> None:
    errors = {}
    if sponsor is not None and (
        sponsor.organisation_id != project.organisation_id or not sponsor.has_role(Role.EXECUTIVE)
    ):
        errors["sponsor"] = _("Choose an executive of your organisation as the sponsor")
    if lead is not None and lead.organisation_id != project.organisation_id:
        errors["lead"] = _("Choose a lead from your organisation")
    if errors:
        raise ValidationError(errors)


def project_create(*, organisation: Organisation, actor: User | None, **fields) -> Project:
    project = Project(organisation=organisation, created_by=actor, **fields)
    _check_people(project, project.sponsor, project.lead)
    project.full_clean()
    with transaction.atomic():
        project.save()
        ProjectStage.objects.bulk_create(
            [ProjectStage(project=project, stage=stage) for stage in STAGE_ORDER]
        )
        audit_log(actor=actor, organisation=organisation, action="project.created", target=project)
    return project


def project_update(*, project: Project, actor: User, **fields) -> Project:
    for name, value in fields.items():
        setattr(project, name, value)
    _check_people(project, project.sponsor, project.lead)
    project.full_clean()
    with transaction.atomic():
        project.save()
        audit_log(
            actor=actor,
            organisation=project.organisation,
            action="project.updated",
            target=project,
            details={"fields": sorted(fields)},
        )
    return project


def project_stages_update(*, project: Project, actor: User, stages: dict[str, dict]) -> list[ProjectStage]:
    """Dates and a short record for each stage. Stages keep their order: a later stage cannot start
    before an earlier one, and each ends on or after it starts. Errors are keyed '<stage>_<field>'."""
    rows = {s.stage: s for s in ProjectStage.objects.filter(project=project)}
    for stage in STAGE_ORDER:
        row = rows.get(stage) or ProjectStage(project=project, stage=stage)
        for name, value in stages.get(stage, {}).items():
            setattr(row, name, value)
        rows[stage] = row
    errors = {}
    previous = None
    for stage in STAGE_ORDER:
        row = rows[stage]
        label = str(Stage(stage).label)
        if row.starts_on and row.ends_on and row.ends_on < row.starts_on:
            errors[f"{stage}_ends_on"] = _("%(stage)s must end on or after the day it starts") % {
                "stage": label
            }
        if row.starts_on and previous is not None and row.starts_on < previous.starts_on:
            errors[f"{stage}_starts_on"] = _(
                "%(stage)s cannot start before %(earlier)s starts (%(date)s). Change one of the dates."
            ) % {
                "stage": label,
                "earlier": str(Stage(previous.stage).label).lower(),
                "date": _day(previous.starts_on),
            }
        if row.starts_on:
            previous = row
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        for row in rows.values():
            row.full_clean(validate_constraints=False)
            row.save()
        audit_log(
            actor=actor, organisation=project.organisation, action="project.stages_updated", target=project
        )
    return [rows[s] for s in STAGE_ORDER]


def team_member_add(
    *, project: Project, person: Person, role: str, joined_on: date, actor: User | None
) -> TeamMember:
    if person.organisation_id != project.organisation_id or person.erased_at is not None:
        raise ValidationError({"person": _("Choose a person from your organisation's register")})
    if TeamMember.objects.filter(project=project, person=person, left_on__isnull=True).exists():
        raise ValidationError(
            {
                "person": _(
                    "%(name)s is already on the team. To change their role, record them leaving first, "
                    "then add them again."
                )
                % {"name": person.display_name}
            }
        )
    member = TeamMember(project=project, person=person, role=role, joined_on=joined_on)
    member.full_clean(validate_constraints=False)
    with transaction.atomic():
        member.save()
        audit_log(
            actor=actor,
            organisation=project.organisation,
            action="project.team_member_added",
            target=project,
            details={"person": str(person.public_id), "role": role},
        )
    return member


def team_member_leave(*, team_member: TeamMember, left_on: date, actor: User) -> TeamMember:
    if team_member.left_on is not None:
        raise ValidationError(_("This person has already left the team"))
    if left_on < team_member.joined_on:
        raise ValidationError(
            {
                "left_on": _("The leaving date must be on or after they joined (%(date)s)")
                % {"date": _day(team_member.joined_on)}
            }
        )
    with transaction.atomic():
        team_member.left_on = left_on
        team_member.save(update_fields=["left_on"])
        audit_log(
            actor=actor,
            organisation=team_member.project.organisation,
            action="project.team_member_left",
            target=team_member.project,
            details={"person": str(team_member.person.public_id)},
        )
    return team_member


def project_activity_link(
    *, project: Project, activity: Activity, stage: str, actor: User
) -> ProjectActivity:
    if activity.organisation_id != project.organisation_id:
        raise ValidationError({"activity": _("Choose one of your organisation's activities")})
    existing = ProjectActivity.objects.filter(activity=activity).select_related("project").first()
    if existing is not None and existing.project_id != project.pk:
        raise ValidationError(
            {
                "activity": _("That activity already belongs to the project %(title)s")
                % {"title": existing.project.title}
            }
        )
    link = existing or ProjectActivity(project=project, activity=activity)
    link.stage = stage
    link.full_clean(validate_unique=False, validate_constraints=False)
    with transaction.atomic():
        link.save()
        audit_log(
            actor=actor,
            organisation=project.organisation,
            action="project.activity_linked",
            target=project,
            details={"activity": str(activity.public_id), "stage": stage},
        )
    return link


def project_activity_unlink(*, link: ProjectActivity, actor: User) -> None:
    with transaction.atomic():
        audit_log(
            actor=actor,
            organisation=link.project.organisation,
            action="project.activity_unlinked",
            target=link.project,
            details={"activity": str(link.activity.public_id)},
        )
        link.delete()


def _check_rung(rung) -> int:
    try:
        value = int(rung)
    except (TypeError, ValueError):
        value = 0
    if not 1 <= value <= 7 or str(rung).strip() != str(value):
        raise ValidationError(
            {"rung": _("Choose one of the seven rungs, from 1 (coercion) to 7 (co-production)")}
        )
    return value


def ladder_declare(*, project: Project, rung, reason: str, actor: User) -> LadderDeclaration:
    rung = _check_rung(rung)
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the project works at this rung, in a sentence or two")})
    declaration = LadderDeclaration(project=project, rung=rung, reason=reason.strip(), declared_by=actor)
    declaration.full_clean()
    with transaction.atomic():
        declaration.save()
        project.declared_rung = rung
        project.save(update_fields=["declared_rung", "updated_at"])
        audit_log(
            actor=actor,
            organisation=project.organisation,
            action="project.rung_declared",
            target=project,
            details={"rung": rung},
        )
    return declaration


def ladder_rate(*, project: Project, team_member: TeamMember, rung, actor: User) -> LadderRating:
    """A team member's own rating. The side comes from their role now; the rung is never audited."""
    rung = _check_rung(rung)
    if team_member.project_id != project.pk or team_member.left_on is not None:
        raise ValidationError(_("Only current members of the team can rate this project"))
    rating = LadderRating(project=project, rater=team_member, side=side_for_role(team_member.role), rung=rung)
    rating.full_clean()
    with transaction.atomic():
        rating.save()
        audit_log(
            actor=actor, organisation=project.organisation, action="project.ladder_rated", target=project
        )
    return rating


def _check_provenance(
    project: Project, decided_on: date, present: list[TeamMember], deciding: list[TeamMember]
) -> None:
    """Everyone present must have been on the team that day; everyone deciding must have been present."""
    errors = {}
    not_members = [m for m in present if m.project_id != project.pk or not m.was_member_on(decided_on)]
    if not_members:
        errors["present"] = ngettext(
            "%(names)s was not on the team on %(date)s. Choose only people who were team members "
            "that day, or change the team's dates.",
            "%(names)s were not on the team on %(date)s. Choose only people who were team members "
            "that day, or change the team's dates.",
            len(not_members),
        ) % {"names": ", ".join(m.person.display_name for m in not_members), "date": _day(decided_on)}
    present_ids = {m.pk for m in present}
    absent_deciders = [m for m in deciding if m.pk not in present_ids]
    if absent_deciders:
        errors["deciding"] = _(
            "Everyone who took part in deciding must also be ticked as present: %(names)s"
        ) % {"names": ", ".join(m.person.display_name for m in absent_deciders)}
    if errors:
        raise ValidationError(errors)


def decision_record(
    *,
    project: Project,
    actor: User,
    summary: str,
    method: str,
    decided_on: date,
    stage: str,
    present: Iterable[TeamMember],
    deciding: Iterable[TeamMember],
    options: str = "",
    is_published: bool = False,
) -> Decision:
    """A decision with its provenance. Everyone present must have been on the team that day, and
    everyone who took part in deciding must have been present."""
    present, deciding = list(present), list(deciding)
    decision = Decision(
        project=project,
        summary=summary.strip(),
        options=options.strip(),
        method=method,
        decided_on=decided_on,
        stage=stage,
        is_published=is_published,
        recorded_by=actor,
    )
    decision.full_clean()
    _check_provenance(project, decided_on, present, deciding)
    with transaction.atomic():
        decision.save()
        decision.present.set(present)
        decision.deciding.set(deciding)
        audit_log(
            actor=actor,
            organisation=project.organisation,
            action="project.decision_recorded",
            target=decision,
        )
    return decision


DECISION_FIELDS = ("summary", "options", "method", "decided_on", "stage", "is_published")


def decision_update(
    *,
    decision: Decision,
    actor: User,
    present: Iterable[TeamMember] | None = None,
    deciding: Iterable[TeamMember] | None = None,
    **fields,
) -> Decision:
    """Correct a decision's record with the same checks as recording it. Only the fields given change
    (present and deciding, when given, replace the lists); the audit row names what changed."""
    unknown = set(fields) - set(DECISION_FIELDS)
    if unknown:
        raise TypeError(f"decision_update() got unexpected fields: {sorted(unknown)}")
    project = decision.project
    for name in ("summary", "options"):
        if name in fields:
            fields[name] = fields[name].strip()
    # Compared with what is stored (a form may already have changed the object in memory).
    stored = Decision.objects.filter(pk=decision.pk).values(*DECISION_FIELDS).get()
    before = {
        "present": set(decision.present.values_list("pk", flat=True)),
        "deciding": set(decision.deciding.values_list("pk", flat=True)),
    }
    for name, value in fields.items():
        setattr(decision, name, value)
    present = list(decision.present.select_related("person")) if present is None else list(present)
    deciding = list(decision.deciding.select_related("person")) if deciding is None else list(deciding)
    decision.full_clean()
    # Checked again even when only the date changes: people present must have been on the team that day.
    _check_provenance(project, decision.decided_on, present, deciding)
    changed = sorted(
        [name for name in DECISION_FIELDS if getattr(decision, name) != stored[name]]
        + [
            name
            for name, members in (("present", present), ("deciding", deciding))
            if {m.pk for m in members} != before[name]
        ]
    )
    if not changed:
        return decision
    with transaction.atomic():
        decision.save()
        decision.present.set(present)
        decision.deciding.set(deciding)
        audit_log(
            actor=actor,
            organisation=project.organisation,
            action="project.decision_updated",
            target=decision,
            details={"fields": changed},
        )
    return decision


def decision_set_published(*, decision: Decision, is_published: bool, actor: User) -> Decision:
    with transaction.atomic():
        decision.is_published = is_published
        decision.save(update_fields=["is_published"])
        audit_log(
            actor=actor,
            organisation=decision.project.organisation,
            action="project.decision_published" if is_published else "project.decision_unpublished",
            target=decision,
        )
    return decision


def project_update_post(*, project: Project, author: User, body: str) -> ProjectUpdate:
    update = ProjectUpdate(project=project, author=author, author_name=str(author), body=body.strip())
    if not update.body:
        raise ValidationError({"body": _("Write the update, for example what the team did this week")})
    update.full_clean()
    with transaction.atomic():
        update.save()
        audit_log(
            actor=author, organisation=project.organisation, action="project.update_posted", target=project
        )
    return update
