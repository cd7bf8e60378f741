"""The import's steps as services, and the background tasks that run them for big files."""

import logging
from datetime import timedelta
from functools import partial

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.tasks import task
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from coproduce.core.audit import audit_log
from coproduce.core.models import Organisation, User
from coproduce.people.models import AccessNeeds, ContactMethod, Person, PersonImport, Tag
from coproduce.people.services import _validate_contact

from .files import Spreadsheet
from .mapping import mapping_guess
from .rows import CheckedRow, RowsChecked, rows_check

logger = logging.getLogger(__name__)

# Bigger files are checked and imported by a background task, with a progress page.
BACKGROUND_ROWS = 500
BATCH_SIZE = 1000

MERGE = "merge"
SKIP = "skip"
CONTACT_FIELDS = [f"contact_by_{method}" for method in ContactMethod.values]
# What a merge may fill in on an existing record, when it is empty there.
MERGE_TEXT_FIELDS = ["preferred_name", "pronouns", "email", "phone", "address", "language", "times_to_avoid"]


# An import's rows are a second copy of people's details: kept only while a lead is working on it.
KEEP_ROWS_FOR = timedelta(days=7)


def person_imports_purge(*, now=None) -> int:
    """Delete the rows (and the row problems, which quote cells) of imports started more than
    KEEP_ROWS_FOR ago. An import not finished by then is marked as not imported. Run daily by
    `python manage.py purge_imports`, and whenever someone uploads a new spreadsheet."""
    now = now or timezone.now()
    stale = PersonImport.objects.filter(created_at__lt=now - KEEP_ROWS_FOR)
    unfinished = stale.exclude(status__in=[PersonImport.Status.DONE, PersonImport.Status.FAILED])
    unfinished.update(
        status=PersonImport.Status.FAILED,
        failure=_(
            "Not finished within 7 days, so its rows were deleted. Upload the file again to import it."
        ),
        finished_at=now,
    )
    return stale.exclude(rows=[], errors=[], duplicates=[]).update(
        rows=[], errors=[], duplicates=[], duplicate_decisions={}
    )


def person_imports_forget(*, person: Person) -> int:
    """Blank the rows of unfinished imports that hold this person's email, phone or name (erasure).
    The row stays as [] so the others keep their row numbers."""
    values = {value.strip().casefold() for value in (person.email, person.phone, person.full_name) if value}
    changed = 0
    for person_import in PersonImport.objects.filter(organisation=person.organisation).exclude(rows=[]):
        rows = [
            [] if any(cell.strip().casefold() in values for cell in row) else row
            for row in person_import.rows
        ]
        errors = [
            error
            for error in person_import.errors
            if not any(v in error.get("message", "").casefold() for v in values)
        ]
        if rows != person_import.rows or errors != person_import.errors:
            PersonImport.objects.filter(pk=person_import.pk).update(rows=rows, errors=errors)
            changed += 1
    return changed


def person_import_create(
    *, organisation: Organisation, actor: User, filename: str, spreadsheet: Spreadsheet
) -> PersonImport:
    person_imports_purge()
    return PersonImport.objects.create(
        organisation=organisation,
        uploaded_by=actor,
        filename=filename[:255],
        header=spreadsheet.header,
        rows=spreadsheet.rows,
        mapping=mapping_guess(spreadsheet.header),
        total_rows=sum(1 for row in spreadsheet.rows if row),
    )


def _store_check(person_import: PersonImport, checked: RowsChecked) -> None:
    person_import.errors = checked.errors
    person_import.duplicates = checked.duplicates
    person_import.total_rows = checked.total
    person_import.valid_rows = len(checked.valid)
    person_import.invalid_rows = checked.invalid_rows
    person_import.duplicate_rows = len(checked.duplicates)
    person_import.progress = checked.total


def _set_progress(person_import: PersonImport, rows_done: int) -> None:
    # Its own small write, outside any transaction, so the progress page sees it straight away.
    PersonImport.objects.filter(pk=person_import.pk).update(progress=rows_done)


def person_import_check(*, person_import: PersonImport) -> PersonImport:
    """Check every row with the chosen mapping, and keep the problems and duplicates to show the lead."""
    checked = rows_check(
        organisation=person_import.organisation,
        header=person_import.header,
        rows=person_import.rows,
        mapping=person_import.mapping,
        progress=partial(_set_progress, person_import),
    )
    _store_check(person_import, checked)
    known = {d["row"] for d in checked.duplicates}
    person_import.duplicate_decisions = {
        row: decision for row, decision in person_import.duplicate_decisions.items() if int(row) in known
    }
    person_import.status = PersonImport.Status.VALIDATED
    person_import.save()
    return person_import


def person_import_map(*, person_import: PersonImport, mapping: list[str]) -> PersonImport:
    """Save the lead's mapping and check the rows: here for a small file, in the background for a big one."""
    person_import.mapping = mapping
    person_import.status = PersonImport.Status.MAPPED
    person_import.progress = 0
    person_import.failure = ""
    person_import.save()
    if len(person_import.rows) <= BACKGROUND_ROWS:
        try:
            return person_import_check(person_import=person_import)
        except Exception as error:
            _fail(person_import.pk, error)
            raise
    transaction.on_commit(
        partial(
            person_import_check_task.enqueue, import_id=person_import.pk, language=translation.get_language()
        )
    )
    return person_import


def person_import_decide(*, person_import: PersonImport, decisions: dict[int, str]) -> PersonImport:
    """Record merge or skip for duplicates, by row number."""
    known = {d["row"] for d in person_import.duplicates}
    for row, decision in decisions.items():
        if row in known and decision in (MERGE, SKIP):
            person_import.duplicate_decisions[str(row)] = decision
    person_import.save(update_fields=["duplicate_decisions"])
    return person_import


def person_import_start(*, person_import: PersonImport, actor: User, mode: str) -> PersonImport:
    """Start the import the lead chose: here for a small file, by a background task for a big one."""
    started = PersonImport.objects.filter(pk=person_import.pk, status=PersonImport.Status.VALIDATED).update(
        status=PersonImport.Status.IMPORTING, mode=mode, progress=0, failure=""
    )
    person_import.refresh_from_db()
    if not started:
        return person_import  # already started, say by a second click: never run it twice
    if len(person_import.rows) <= BACKGROUND_ROWS:
        try:
            return person_import_run(person_import=person_import, actor=actor)
        except Exception as error:
            # Never leave it "importing" for ever: the progress page would poll with no end.
            _fail(person_import.pk, error)
            raise
    transaction.on_commit(
        partial(
            person_import_run_task.enqueue,
            import_id=person_import.pk,
            actor_id=actor.pk,
            language=translation.get_language(),
        )
    )
    return person_import


def _duplicate_keys(duplicates: list[dict]) -> set[tuple]:
    return {(d["row"], d["person"], d["other_row"]) for d in duplicates}


def _contact_preferences(person: Person) -> tuple:
    return tuple(getattr(person, name) for name in CONTACT_FIELDS) + (person.preferred_contact,)


def _merge_into(person: Person, row: CheckedRow, emails_in_use: set[str]) -> None:
    """Fill the record's empty fields from the row. Contact preferences are copied only when the
    record has none: a "no" on the register may be a withdrawal the spreadsheet does not know about."""
    for name in MERGE_TEXT_FIELDS:
        value = row.fields.get(name, "")
        if getattr(person, name) or not value:
            continue
        if name == "email":
            if value in emails_in_use:
                continue
            emails_in_use.add(value)
        setattr(person, name, value)
    if not any(_contact_preferences(person)):
        for name in [*CONTACT_FIELDS, "preferred_contact"]:
            setattr(person, name, row.fields.get(name, getattr(person, name)))
        try:
            _validate_contact(person)
        except ValidationError:
            for name in CONTACT_FIELDS:
                setattr(person, name, False)
            person.preferred_contact = ""


def _tags_for(organisation: Organisation, names: list[str]) -> dict[str, Tag]:
    """The organisation's tags by lower-case name, creating the ones the import brings; of two
    spellings ("Art", "art") the first in the file is kept."""
    existing = {tag.name.lower(): tag for tag in Tag.objects.filter(organisation=organisation)}
    new = {}
    for name in names:
        if name.lower() not in existing:
            new.setdefault(name.lower(), Tag(organisation=organisation, name=name))
    if new:
        # Another import or form may add the same tag meanwhile: theirs is as good as ours.
        Tag.objects.bulk_create(new.values(), batch_size=BATCH_SIZE, ignore_conflicts=True)
        existing = {tag.name.lower(): tag for tag in Tag.objects.filter(organisation=organisation)}
    return existing


def _write(person_import: PersonImport, checked: RowsChecked) -> dict[str, int]:
    """Create the new people and merge the chosen duplicates, in bulk. Runs inside a transaction."""
    organisation = person_import.organisation
    decisions = person_import.duplicate_decisions
    counts = {"created": 0, "merged": 0, "skipped": 0}
    new_people: dict[int, Person] = {}
    new_tags: dict[int, list[str]] = {}
    merges: dict[int, list[CheckedRow]] = {}
    emails_in_use = {
        email.lower()
        for email in Person.objects.filter(organisation=organisation).values_list("email", flat=True)
    }
    in_file_merges = []
    all_tag_names: list[str] = []  # in file order, so the first spelling of a new tag is kept
    for row in checked.valid:
        if row.match is None or decisions.get(str(row.number), MERGE) == MERGE:
            all_tag_names.extend(row.tags)
        if row.match is None:
            new_people[row.number] = Person(organisation=organisation, **row.fields)
            new_tags[row.number] = list(row.tags)
            if row.fields["email"]:
                emails_in_use.add(row.fields["email"])
            continue
        if decisions.get(str(row.number), MERGE) == SKIP:
            counts["skipped"] += 1
            continue
        counts["merged"] += 1
        kind, target = row.match
        if kind == "row":
            in_file_merges.append((target, row))
        else:
            merges.setdefault(target, []).append(row)
    for target, row in in_file_merges:
        _merge_into(new_people[target], row, emails_in_use)
        new_tags[target].extend(row.tags)

    tags = _tags_for(organisation, all_tag_names) if all_tag_names else {}
    through = Person.tags.through
    links = []

    people = list(new_people.values())
    for start in range(0, len(people), BATCH_SIZE):
        batch = people[start : start + BATCH_SIZE]
        Person.objects.bulk_create(batch)
        if any(person.pk is None for person in batch):  # databases that do not return new keys
            keys = dict(
                Person.objects.filter(public_id__in=[p.public_id for p in batch]).values_list(
                    "public_id", "pk"
                )
            )
            for person in batch:
                person.pk = keys[person.public_id]
        # Every person has an access-needs record; the register's pages rely on it.
        AccessNeeds.objects.bulk_create([AccessNeeds(person=person) for person in batch])
    counts["created"] = len(people)
    for number, person in new_people.items():
        for tag_id in {tags[name.lower()].pk for name in new_tags[number]}:
            links.append(through(person_id=person.pk, tag_id=tag_id))

    if merges:
        existing = Person.objects.select_for_update().filter(pk__in=merges)
        changed = []
        now = timezone.now()
        for person in existing:
            for row in merges[person.pk]:
                _merge_into(person, row, emails_in_use)
                for tag_id in {tags[name.lower()].pk for name in row.tags}:
                    links.append(through(person_id=person.pk, tag_id=tag_id))
            person.updated_at = now
            changed.append(person)
        Person.objects.bulk_update(
            changed,
            [*MERGE_TEXT_FIELDS, *CONTACT_FIELDS, "preferred_contact", "updated_at"],
            batch_size=BATCH_SIZE,
        )
    through.objects.bulk_create(links, batch_size=BATCH_SIZE, ignore_conflicts=True)
    return counts


def person_import_run(*, person_import: PersonImport, actor: User | None) -> PersonImport:
    """Import the checked rows: every valid row, or nothing unless every row is valid, as the lead chose.

    The rows are checked again first, because the register may have changed since the lead looked; if
    the duplicates are no longer the ones they decided about, nothing is imported and they look again.
    """
    checked = rows_check(
        organisation=person_import.organisation,
        header=person_import.header,
        rows=person_import.rows,
        mapping=person_import.mapping,
        progress=partial(_set_progress, person_import),
    )
    if _duplicate_keys(checked.duplicates) != _duplicate_keys(person_import.duplicates):
        _store_check(person_import, checked)
        person_import.status = PersonImport.Status.VALIDATED
        person_import.failure = _(
            "The register changed after the file was checked, so nothing was imported yet. "
            "Look at the duplicates again, then import."
        )
        person_import.save()
        return person_import
    if person_import.mode == PersonImport.Mode.ALL_OR_NONE and checked.errors:
        _store_check(person_import, checked)
        person_import.status = PersonImport.Status.FAILED
        person_import.failure = ngettext(
            "Nothing was imported, because %(count)s row has a problem.",
            "Nothing was imported, because %(count)s rows have problems.",
            checked.invalid_rows,
        ) % {"count": checked.invalid_rows}
        person_import.finished_at = timezone.now()
        person_import.save()
        return person_import
    try:
        with transaction.atomic():
            counts = _write(person_import, checked)
            _store_check(person_import, checked)
            person_import.created_count = counts["created"]
            person_import.merged_count = counts["merged"]
            person_import.skipped_count = counts["skipped"]
            person_import.status = PersonImport.Status.DONE
            person_import.finished_at = timezone.now()
            # The register now holds these people; a second copy of their details has no purpose.
            person_import.rows = []
            person_import.save()
            # Counts only: no names or emails, because the audit log outlives erasure.
            audit_log(
                actor=actor,
                organisation=person_import.organisation,
                action="people.imported",
                target=person_import,
                details={
                    "mode": person_import.mode,
                    "rows": checked.total,
                    "created": counts["created"],
                    "merged": counts["merged"],
                    "skipped": counts["skipped"],
                    "invalid": checked.invalid_rows,
                },
            )
    except IntegrityError:
        logger.warning("Import %s clashed with a change to the register", person_import.public_id)
        person_import.refresh_from_db()
        person_import.status = PersonImport.Status.FAILED
        person_import.failure = _(
            "Someone was added to the register with the same email address during the import, "
            "so nothing was imported. Check the file again."
        )
        person_import.finished_at = timezone.now()
        person_import.save()
    return person_import


def _fail(import_id: int, error: BaseException) -> None:
    logger.exception("Import %s failed", import_id, exc_info=error)
    PersonImport.objects.filter(pk=import_id).update(
        status=PersonImport.Status.FAILED,
        failure=_("Something went wrong and nothing was imported. Check the file again, or ask for help."),
        finished_at=timezone.now(),
    )


@task()
def person_import_check_task(*, import_id: int, language: str = "") -> None:
    person_import = (
        PersonImport.objects.select_related("organisation")
        .filter(pk=import_id, status=PersonImport.Status.MAPPED)
        .first()
    )
    if person_import is None:
        return
    with translation.override(language or None):
        try:
            person_import_check(person_import=person_import)
        except Exception as error:
            _fail(import_id, error)
            raise


@task()
def person_import_run_task(*, import_id: int, actor_id: int | None, language: str = "") -> None:
    person_import = (
        PersonImport.objects.select_related("organisation")
        .filter(pk=import_id, status=PersonImport.Status.IMPORTING)
        .first()
    )
    if person_import is None:
        return
    actor = User.objects.filter(pk=actor_id).first() if actor_id else None
    with translation.override(language or None):
        try:
            person_import_run(person_import=person_import, actor=actor)
        except Exception as error:
            _fail(import_id, error)
            raise
