"""Reading a paper sign-in sheet typed into a spreadsheet: who came, as what, and for how long.

Every row is checked before anything is saved, with the same kind of messages as the people import
("Row 4: 'Pat Smyth' is not on the register")."""

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

from coproduce.people.imports.files import Spreadsheet
from coproduce.people.models import InvolvementIdentity, Person

from .models import MAX_HOURS, Activity, AttendanceStatus, TakingPartAs

HEADINGS = {
    "name": {"name", "full name", "person", "enw"},
    "email": {"email", "email address", "e-mail", "e-bost"},
    "taking_part_as": {"taking part as", "role", "as", "type"},
    "status": {"attendance", "attended", "status", "present"},
    "hours": {"hours", "hrs", "time", "oriau"},
}
TAKING_PART = {
    "lived experience": TakingPartAs.LIVED_EXPERIENCE,
    "lived_experience": TakingPartAs.LIVED_EXPERIENCE,
    "service user": TakingPartAs.LIVED_EXPERIENCE,
    "expert by experience": TakingPartAs.LIVED_EXPERIENCE,
    "carer": TakingPartAs.CARER,
    "staff": TakingPartAs.STAFF,
    "volunteer": TakingPartAs.VOLUNTEER,
}
STATUS = {
    "": AttendanceStatus.ATTENDED,
    "attended": AttendanceStatus.ATTENDED,
    "yes": AttendanceStatus.ATTENDED,
    "y": AttendanceStatus.ATTENDED,
    "present": AttendanceStatus.ATTENDED,
    "apologies": AttendanceStatus.APOLOGIES,
    "sent apologies": AttendanceStatus.APOLOGIES,
    "did not attend": AttendanceStatus.DID_NOT_ATTEND,
    "dna": AttendanceStatus.DID_NOT_ATTEND,
    "no": AttendanceStatus.DID_NOT_ATTEND,
}


@dataclass
class SheetRow:
    number: int
    person: Person | None
    taking_part_as: str
    status: str
    hours: Decimal
    problems: list[str]

    @property
    def taking_part_label(self) -> str:
        return TakingPartAs(self.taking_part_as).label

    @property
    def status_label(self) -> str:
        return AttendanceStatus(self.status).label


def _default_taking_part(person: Person) -> str:
    if person.identity == InvolvementIdentity.CARER:
        return TakingPartAs.CARER
    if person.identity == InvolvementIdentity.STAFF:
        return TakingPartAs.STAFF
    return TakingPartAs.LIVED_EXPERIENCE


def columns_of(header: list[str]) -> dict[str, int]:
    found = {}
    for index, heading in enumerate(header):
        key = " ".join(heading.lower().replace("_", " ").split())
        for field, names in HEADINGS.items():
            if key in names and field not in found:
                found[field] = index
    return found


def sheet_check(*, activity: Activity, spreadsheet: Spreadsheet) -> tuple[list[SheetRow], list[str]]:
    """Each row read and matched to the register, and the problems that stop a row being saved."""
    columns = columns_of(spreadsheet.header)
    if "name" not in columns and "email" not in columns:
        return [], [_("The sheet needs a column headed 'Name' or 'Email' so we can tell who took part.")]
    people = list(
        Person.objects.filter(organisation=activity.organisation, erased_at__isnull=True).only(
            "public_id", "full_name", "email", "identity", "organisation_id"
        )
    )
    by_email = {p.email.lower(): p for p in people if p.email}
    by_name: dict[str, list[Person]] = {}
    for p in people:
        by_name.setdefault(" ".join(p.full_name.lower().split()), []).append(p)
    default_hours = activity.duration_hours

    def cell(values: list[str], field: str) -> str:
        index = columns.get(field)
        return values[index].strip() if index is not None and index < len(values) else ""

    rows, seen = [], {}
    for offset, values in enumerate(spreadsheet.rows):
        number = offset + 2  # the header is row 1
        if not any(v.strip() for v in values):
            continue
        problems = []
        name, email = cell(values, "name"), cell(values, "email")
        person = by_email.get(email.lower()) if email else None
        if person is None and name:
            matches = by_name.get(" ".join(name.lower().split()), [])
            if len(matches) == 1:
                person = matches[0]
            elif len(matches) > 1:
                problems.append(
                    _(
                        "Row %(n)s: more than one person on the register is called '%(name)s'. "
                        "Add their email."
                    )
                    % {"n": number, "name": name}
                )
        if person is None and not problems:
            problems.append(
                _("Row %(n)s: '%(who)s' is not on the register. Add them first, or check the spelling.")
                % {"n": number, "who": email or name}
            )
        if person is not None and person.pk in seen:
            problems.append(
                _("Row %(n)s: %(name)s is already on row %(first)s. Record each person once.")
                % {"n": number, "name": person.full_name, "first": seen[person.pk]}
            )
        elif person is not None:
            seen[person.pk] = number
        status_text = " ".join(cell(values, "status").lower().split())
        status = STATUS.get(status_text)
        if status is None:
            problems.append(
                _("Row %(n)s: '%(value)s' is not an attendance. Use attended, apologies or did not attend.")
                % {"n": number, "value": cell(values, "status")}
            )
            status = AttendanceStatus.ATTENDED
        as_text = " ".join(cell(values, "taking_part_as").lower().split())
        taking_part = (
            TAKING_PART.get(as_text) if as_text else (_default_taking_part(person) if person else "")
        )
        if as_text and taking_part is None:
            problems.append(
                _(
                    "Row %(n)s: '%(value)s' is not a way of taking part. "
                    "Use lived experience, carer, staff or volunteer."
                )
                % {"n": number, "value": cell(values, "taking_part_as")}
            )
        hours_text = cell(values, "hours")
        if hours_text:
            try:
                hours = Decimal(hours_text.replace(",", "."))
            except InvalidOperation:
                hours = None
            if hours is None or not Decimal("0") <= hours <= MAX_HOURS:
                problems.append(
                    _("Row %(n)s: '%(value)s' is not a number of hours from 0 to 24, for example 2.5")
                    % {"n": number, "value": hours_text}
                )
                hours = Decimal("0")
        else:
            hours = default_hours if status == AttendanceStatus.ATTENDED else Decimal("0")
        rows.append(
            SheetRow(
                number=number,
                person=person,
                taking_part_as=taking_part or TakingPartAs.LIVED_EXPERIENCE,
                status=status,
                hours=hours.quantize(Decimal("0.01")),
                problems=problems,
            )
        )
    if not rows:
        return [], [_("The sheet has no rows of people under its headings.")]
    return rows, [p for row in rows for p in row.problems]
