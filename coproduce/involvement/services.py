"""Writes for activities, attendance and volunteering. Each audits itself."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from functools import partial

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from coproduce.core.audit import audit_log
from coproduce.core.models import Organisation, User
from coproduce.notifications.services import Message
from coproduce.people.models import Person

from .models import (
    Activity,
    ActivityType,
    Attendance,
    Letter,
    Opportunity,
    Placement,
    VolunteerHours,
    VolunteerRole,
    refresh_previous_attendance,
)


def _check_times(activity: Activity) -> None:
    if activity.starts_at and activity.ends_at and activity.ends_at < activity.starts_at:
        raise ValidationError({"ends_at": _("The end must be the same as or after the start")})


def _forget_reports_around(organisation: Organisation, *moments) -> None:
    """Stored report figures for the days of these activity times are out of date now."""
    from .reports import forget_stored_reports

    days = [timezone.localtime(moment).date() for moment in moments if moment is not None]
    # A day either side: the report's periods are local days, the times may cross midnight in UTC.
    forget_stored_reports(organisation, min(days) - timedelta(days=1), max(days) + timedelta(days=1))


def _check_belongs_to_organisation(activity: Activity) -> None:
    """A type, group or opportunity of another organisation can never be attached, whichever form or
    API call sent it: the forms only offer the organisation's own, but the service is the door."""
    organisation_id = activity.organisation_id
    if activity.activity_type.organisation_id not in (None, organisation_id):
        raise ValidationError({"activity_type": _("Choose one of your organisation's activity types")})
    if activity.group_id is not None and activity.group.organisation_id != organisation_id:
        raise ValidationError({"group": _("Choose one of your organisation's groups")})


def activity_create(*, organisation: Organisation, actor: User, **fields) -> Activity:
    activity = Activity(organisation=organisation, created_by=actor, **fields)
    _check_belongs_to_organisation(activity)
    _check_times(activity)
    activity.full_clean(validate_constraints=False)
    with transaction.atomic():
        activity.save()
        _forget_reports_around(organisation, activity.starts_at)
        audit_log(actor=actor, organisation=organisation, action="activity.created", target=activity)
    return activity


def activity_update(*, activity: Activity, actor: User, **fields) -> Activity:
    was_at, was_type = activity.starts_at, activity.activity_type_id
    for name, value in fields.items():
        setattr(activity, name, value)
    _check_belongs_to_organisation(activity)
    _check_times(activity)
    activity.full_clean(validate_constraints=False)
    with transaction.atomic():
        activity.save()
        if activity.starts_at != was_at or activity.activity_type_id != was_type:
            refresh_previous_attendance(person_ids=activity.attendances.values_list("person_id", flat=True))
        _forget_reports_around(activity.organisation, was_at, activity.starts_at)
        audit_log(
            actor=actor,
            organisation=activity.organisation,
            action="activity.updated",
            target=activity,
            details={"fields": sorted(fields)},
        )
    return activity


def activity_type_create(*, organisation: Organisation, actor: User, name: str) -> ActivityType:
    from django.utils.text import slugify

    name = " ".join(name.split())
    visible = ActivityType.objects.filter(Q(organisation=organisation) | Q(organisation__isnull=True))
    if visible.filter(name__iexact=name).exists():
        raise ValidationError(
            {"name": _("There is already an activity type called %(name)s") % {"name": name}}
        )
    # Codes identify built-in types in reports, so an organisation's own type never takes one, even
    # when its name only differs by punctuation ("Meeting!" is not the built-in "meeting").
    base = slugify(name)[:34] or "type"
    taken = set(visible.filter(code__startswith=base).values_list("code", flat=True))
    code, suffix = base, 2
    while code in taken:
        code, suffix = f"{base}-{suffix}", suffix + 1
    with transaction.atomic():
        activity_type = ActivityType.objects.create(organisation=organisation, code=code, name=name)
        audit_log(
            actor=actor, organisation=organisation, action="activity_type.created", target=activity_type
        )
    return activity_type


@dataclass
class AttendanceRow:
    person: Person
    taking_part_as: str
    status: str
    hours: Decimal


def attendance_record(*, activity: Activity, rows: Iterable[AttendanceRow], actor: User) -> list[Attendance]:
    """Record the register for an activity in one go: new people are added, existing rows updated.

    A person can appear once per activity; the whole register is saved or, on any problem, none of it.
    """
    rows = list(rows)
    errors = []
    seen = set()
    for number, row in enumerate(rows, start=1):
        if row.person.organisation_id != activity.organisation_id:
            errors.append(_("Row %(n)s: that person is not on your register") % {"n": number})
        if row.person.pk in seen:
            errors.append(
                _("Row %(n)s: %(name)s is already in this register. Record each person once.")
                % {"n": number, "name": row.person.full_name}
            )
        seen.add(row.person.pk)
        if row.hours is None or row.hours < 0 or row.hours > Decimal("24"):
            errors.append(_("Row %(n)s: enter hours from 0 to 24, for example 2.5") % {"n": number})
    if errors:
        raise ValidationError(errors)
    existing = {a.person_id: a for a in Attendance.objects.filter(activity=activity, person_id__in=seen)}
    saved = []
    with transaction.atomic():
        for row in rows:
            attendance = existing.get(row.person.pk) or Attendance(activity=activity, person=row.person)
            attendance.taking_part_as = row.taking_part_as
            attendance.status = row.status
            attendance.hours = row.hours
            attendance.recorded_by = actor
            attendance.full_clean(validate_constraints=False)
            attendance.save()
            saved.append(attendance)
        refresh_previous_attendance(person_ids=seen)
        _forget_reports_around(activity.organisation, activity.starts_at)
        audit_log(
            actor=actor,
            organisation=activity.organisation,
            action="attendance.recorded",
            target=activity,
            details={"rows": len(saved)},
        )
    return saved


def attendance_remove(*, attendance: Attendance, actor: User) -> None:
    with transaction.atomic():
        audit_log(
            actor=actor,
            organisation=attendance.activity.organisation,
            action="attendance.removed",
            target=attendance.activity,
            details={"person": str(attendance.person.public_id)},
        )
        attendance.delete()
        refresh_previous_attendance(person_ids=[attendance.person_id])
        _forget_reports_around(attendance.activity.organisation, attendance.activity.starts_at)


def _forget_reports_for_placement(placement: Placement) -> None:
    from .reports import forget_stored_reports

    forget_stored_reports(placement.organisation, placement.starts_on, placement.ends_on)


def placement_create(
    *, organisation: Organisation, actor: User, person: Person, role: VolunteerRole, **fields
) -> Placement:
    if person.organisation_id != organisation.pk:
        raise ValidationError({"person": _("That person is not on your register")})
    if role.organisation_id not in (None, organisation.pk):
        raise ValidationError({"role": _("Choose one of your organisation's volunteer roles")})
    placement = Placement(organisation=organisation, person=person, role=role, **fields)
    if placement.ends_on and placement.ends_on < placement.starts_on:
        raise ValidationError({"ends_on": _("The end date must be the same as or after the start date")})
    placement.full_clean(validate_constraints=False)
    with transaction.atomic():
        placement.save()
        _forget_reports_for_placement(placement)
        audit_log(actor=actor, organisation=organisation, action="placement.created", target=placement)
    return placement


def placement_update(*, placement: Placement, actor: User, **fields) -> Placement:
    was = Placement(
        organisation=placement.organisation, starts_on=placement.starts_on, ends_on=placement.ends_on
    )
    for name, value in fields.items():
        setattr(placement, name, value)
    if placement.ends_on and placement.ends_on < placement.starts_on:
        raise ValidationError({"ends_on": _("The end date must be the same as or after the start date")})
    placement.full_clean(validate_constraints=False)
    with transaction.atomic():
        placement.save()
        _forget_reports_for_placement(was)
        _forget_reports_for_placement(placement)
        audit_log(
            actor=actor, organisation=placement.organisation, action="placement.updated", target=placement
        )
    return placement


def volunteer_hours_log(*, placement: Placement, actor: User, worked_on, hours: Decimal) -> VolunteerHours:
    entry = VolunteerHours(placement=placement, worked_on=worked_on, hours=hours, logged_by=actor)
    if placement.starts_on and worked_on < placement.starts_on:
        raise ValidationError({"worked_on": _("The date must be on or after the placement started")})
    if placement.ends_on and worked_on > placement.ends_on:
        raise ValidationError({"worked_on": _("The date must be on or before the placement ended")})
    entry.full_clean(validate_constraints=False)
    with transaction.atomic():
        entry.save()
        audit_log(
            actor=actor,
            organisation=placement.organisation,
            action="volunteer_hours.logged",
            target=placement,
            details={"hours": str(hours), "date": worked_on.isoformat()},
        )
    return entry


# Opportunities, expressions of interest and fair selection.


def tell_person(*, person: Person, message: Message, url: str = "") -> str:
    """Tell someone something by the channel they prefer: in-app and email for account holders, email
    for people with only an address, a letter on the lead's print list for people contacted by post,
    and a call (or text) on the same list for people who prefer the phone. It is written in the
    language they chose on their account, else the one on the register, else the one in use now."""
    from coproduce.notifications.services import language_for

    with translation.override(person.language_to_write_in() or language_for(None)):
        return _tell_person(person, message, url)


def _tell_person(person: Person, message: Message, url: str) -> str:
    from coproduce.notifications.services import notify
    from coproduce.notifications.tasks import send_email

    def on_the_list(channel: str) -> str:
        subject, body = message()
        Letter.objects.create(
            organisation=person.organisation, person=person, channel=channel, subject=subject, body=body
        )
        return "letter" if channel == Letter.Channel.POST else channel

    def by_email() -> str:
        subject, body = message()
        transaction.on_commit(partial(send_email.enqueue, subject=subject, body=body, to=[person.email]))
        return "email"

    def in_the_app() -> str:
        notify(organisation=person.organisation, recipients=[person.user], message=message, url=url)
        return "notification"

    can_post = person.contact_by_post and person.address.strip()
    phone_ways = [m for m in ("phone", "sms") if getattr(person, f"contact_by_{m}") and person.phone.strip()]
    # Account holders are told in the app (and by email) unless they asked for post, as before.
    if person.user_id and person.preferred_contact != "post":
        return in_the_app()
    if person.preferred_contact == "post" and can_post:
        return on_the_list(Letter.Channel.POST)
    if person.preferred_contact in phone_ways:
        return on_the_list(person.preferred_contact)
    if person.email and person.contact_by_email:
        return by_email()
    if can_post:
        return on_the_list(Letter.Channel.POST)
    if phone_ways:
        return on_the_list(phone_ways[0])
    if person.user_id:  # prefers a way we cannot use: the app still reaches them
        return in_the_app()
    return "none"


def opportunity_create(*, organisation: Organisation, actor: User, **fields) -> Opportunity:
    opportunity = Opportunity(organisation=organisation, **fields)
    if opportunity.activity_type.organisation_id not in (None, organisation.pk):
        raise ValidationError({"activity_type": _("Choose one of your organisation's activity types")})
    opportunity.full_clean()
    with transaction.atomic():
        opportunity.save()
        audit_log(actor=actor, organisation=organisation, action="opportunity.created", target=opportunity)
    return opportunity


def opportunity_update(*, opportunity: Opportunity, actor: User, **fields) -> Opportunity:
    for name, value in fields.items():
        setattr(opportunity, name, value)
    opportunity.full_clean()
    with transaction.atomic():
        opportunity.save()
        audit_log(
            actor=actor,
            organisation=opportunity.organisation,
            action="opportunity.updated",
            target=opportunity,
            details={"fields": sorted(fields)},
        )
    return opportunity


def opportunity_announce(*, opportunity: Opportunity, actor: User) -> int:
    """Tell the people who agreed to hear about opportunities. Anyone who withdrew that consent is
    never contacted: the consent check runs now, not when they signed up."""
    from coproduce.people.selectors import people_with_consent

    if opportunity.status != Opportunity.Status.OPEN:
        raise ValidationError(_("Open the opportunity before telling people about it"))
    audience = people_with_consent(
        organisation=opportunity.organisation, purpose="opportunities"
    ).select_related("organisation", "user")
    if opportunity.for_whom == "lived_experience":
        audience = audience.exclude(identity="carer")
    elif opportunity.for_whom == "carers":
        audience = audience.filter(identity__in=["carer", "both"])

    def announcement() -> tuple[str, str]:
        return (
            _("A new opportunity: %(title)s") % {"title": opportunity.title},
            _("%(title)s. %(commitment)s. Closing date: %(date)s.")
            % {
                "title": opportunity.title,
                "commitment": opportunity.commitment,
                "date": date_format(opportunity.closes_on, "j F Y"),
            },
        )

    told = 0
    with transaction.atomic():
        for person in audience:
            channel = tell_person(person=person, message=announcement, url=opportunity.get_absolute_url())
            told += channel != "none"
        audit_log(
            actor=actor,
            organisation=opportunity.organisation,
            action="opportunity.announced",
            target=opportunity,
            details={"told": told},
        )
    return told


def interest_submit(
    *, opportunity: Opportunity, person: Person, actor: User, why="", availability="", needs=""
):
    from .models import ExpressionOfInterest

    if person.organisation_id != opportunity.organisation_id:
        raise ValidationError(_("That person is not on this organisation's register"))
    today = timezone.localdate()
    if not opportunity.accepts_interest(today):
        if opportunity.status == Opportunity.Status.DRAFT:
            message = _("This opportunity is not open yet.")
        elif opportunity.closes_on < today:
            message = _(
                "This opportunity closed on %(date)s, so it is no longer taking expressions of interest."
            ) % {"date": date_format(opportunity.closes_on, "j F Y")}
        else:
            # Closed or filled before its closing date: that date would be wrong here.
            message = _("This opportunity has closed, so it is no longer taking expressions of interest.")
        raise ValidationError(message)
    existing = ExpressionOfInterest.objects.filter(opportunity=opportunity, person=person).first()
    if existing is not None and existing.status != ExpressionOfInterest.Status.WITHDRAWN:
        raise ValidationError(
            _("You have already said you are interested. You can withdraw it if you change your mind.")
        )
    interest = existing or ExpressionOfInterest(opportunity=opportunity, person=person)
    interest.why, interest.availability, interest.needs = why.strip(), availability.strip(), needs.strip()
    interest.status = ExpressionOfInterest.Status.SUBMITTED
    interest.submitted_by = actor
    interest.on_behalf = person.user_id != actor.pk
    with transaction.atomic():
        interest.save()
        audit_log(
            actor=actor,
            organisation=opportunity.organisation,
            action="interest.submitted",
            target=opportunity,
            details={"person": str(person.public_id), "on_behalf": interest.on_behalf},
        )
    return interest


def interest_withdraw(*, interest, actor: User):
    from .models import ExpressionOfInterest

    if interest.status != ExpressionOfInterest.Status.SUBMITTED:
        raise ValidationError(
            _("Only an expression of interest that is waiting for a decision can be withdrawn.")
        )
    with transaction.atomic():
        interest.status = ExpressionOfInterest.Status.WITHDRAWN
        interest.save(update_fields=["status"])
        audit_log(
            actor=actor,
            organisation=interest.opportunity.organisation,
            action="interest.withdrawn",
            target=interest.opportunity,
            details={"person": str(interest.person.public_id)},
        )
    return interest


def _selection_message(opportunity: Opportunity, selected: bool) -> tuple[str, str]:
    if selected:
        return (
            _("You have a place: %(title)s") % {"title": opportunity.title},
            _(
                "Thank you for your interest. We are pleased to offer you a place. "
                "We will be in touch with the details."
            ),
        )
    return (
        _("About your interest in %(title)s") % {"title": opportunity.title},
        _(
            "Thank you for your interest. There were more people than places, and this time "
            "we offered the places to others, giving priority to people who have not been "
            "involved recently. Please do apply for other opportunities: your voice matters."
        ),
    )


def selection_confirm(
    *, opportunity: Opportunity, chosen: list, candidates: list, seed: int, reason: str, actor: User
):
    """Record who was selected and why, and tell everyone kindly by the channel they prefer."""

    from .models import ExpressionOfInterest

    eligible = {c.interest.pk for c in candidates if c.eligible}
    chosen_ids = {i.pk for i in chosen}
    if not chosen_ids:
        raise ValidationError({"chosen": _("Choose at least one person")})
    if chosen_ids - eligible:
        raise ValidationError({"chosen": _("Someone you chose has an expired or missing required check")})
    if len(chosen_ids) > opportunity.places:
        raise ValidationError(
            {
                "chosen": _("Choose %(places)s people at most: there are %(places)s places")
                % {"places": opportunity.places}
            }
        )
    now = timezone.now()
    with transaction.atomic():
        for candidate in candidates:
            interest = candidate.interest
            selected = interest.pk in chosen_ids
            interest.status = (
                ExpressionOfInterest.Status.SELECTED if selected else ExpressionOfInterest.Status.NOT_SELECTED
            )
            interest.decided_at = now
            interest.save(update_fields=["status", "decided_at"])
            tell_person(
                person=interest.person,
                message=partial(_selection_message, opportunity, selected),
                url=opportunity.get_absolute_url(),
            )
        opportunity.selection_seed = seed
        opportunity.selection_reason = reason.strip()
        if len(chosen_ids) >= opportunity.places:
            opportunity.status = Opportunity.Status.FILLED
        opportunity.save(update_fields=["selection_seed", "selection_reason", "status"])
        audit_log(
            actor=actor,
            organisation=opportunity.organisation,
            action="opportunity.selection_confirmed",
            target=opportunity,
            details={
                "selected": len(chosen_ids),
                "not_selected": len(candidates) - len(chosen_ids),
                "seed": seed,
            },
        )


def letters_mark_printed(*, organisation: Organisation, actor: User, calls: bool = False) -> int:
    """Mark the letters as printed, or (calls=True) the calls and texts as made."""
    channels = [Letter.Channel.PHONE, Letter.Channel.SMS] if calls else [Letter.Channel.POST]
    with transaction.atomic():
        count = Letter.objects.filter(
            organisation=organisation, printed_at__isnull=True, channel__in=channels
        ).update(printed_at=timezone.now())
        audit_log(
            actor=actor,
            organisation=organisation,
            action="calls.made" if calls else "letters.printed",
            details={"count": count},
        )
    return count
