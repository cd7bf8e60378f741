"""Importing responses from a spreadsheet: paper forms typed up elsewhere, or another system's export.

The file is read by the people import's reader (``spreadsheet_read``) and previewed like the sign-in
sheet import: every row is checked first, with messages such as "Row 4: 'Grate' is not an answer to
...", and the lead chooses to save the good rows or nothing until every row is right. Columns are the
question's own words (or Q1, Q2 ...), so the survey's own response export can be imported back."""

import hashlib
import json
import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from coproduce.core.audit import audit_log
from coproduce.core.models import User
from coproduce.lib.exports import FORMULA_PREFIXES
from coproduce.lib.languages import language_from_text
from coproduce.people.imports.files import Spreadsheet
from coproduce.people.imports.mapping import column_name

from .models import CHOICE_KINDS, Question, QuestionKind, Response, Survey
from .services import _clean_answers, response_service, response_submit

MAX_IMPORT_ROWS = 1000
# Answers on paper can be a few years old; older than this is almost always a typing mistake.
OLDEST_YEARS = 10

HEADINGS = {
    "mode": {"how it was given", "mode", "how given", "route"},
    "sent": {"sent", "date", "date sent", "submitted", "submitted at", "date received", "received"},
    "service": {"service", "service or team", "team", "ward"},
    "contact_ok": {"happy to be contacted", "contact ok", "consent to contact", "may contact"},
    "contact_name": {"name", "contact name", "your name"},
    "contact_email": {"email", "email address", "e-mail", "contact email"},
    "contact_phone": {"phone", "phone number", "telephone", "contact phone"},
    "contact_language": {"language", "language to write in", "language to write to them in", "iaith"},
}
# Columns of our own export that describe the copy, not the answers: read past them.
IGNORED = {"response", "entered by"}
MODES = {
    "": Response.Mode.PAPER,
    "paper": Response.Mode.PAPER,
    "paper form": Response.Mode.PAPER,
    "post": Response.Mode.PAPER,
    "assisted": Response.Mode.ASSISTED,
    "assisted by staff": Response.Mode.ASSISTED,
    "phone": Response.Mode.ASSISTED,
    "online": Response.Mode.ONLINE,
    "online (public link)": Response.Mode.ONLINE,
    "public link": Response.Mode.ONLINE,
    "signed in": Response.Mode.SIGNED_IN,
    "signed_in": Response.Mode.SIGNED_IN,
    "online (signed in)": Response.Mode.SIGNED_IN,
}
YES = {"yes", "y", "true", "1", "ticked", "x"}
NO = {"", "no", "n", "false", "0"}
DATE_FORMATS = ["%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S", "%Y-%m-%d", "%d/%m/%Y %H:%M", "%d/%m/%Y"]


@dataclass
class ImportRow:
    number: int
    mode: str
    submitted_at: datetime | None
    service: str
    answers: dict[int, object]
    contact: dict
    problems: list[str] = field(default_factory=list)
    # From the survey, the row number and the row's values: the same row in a corrected file keeps it.
    key: str = ""

    @property
    def answered(self) -> int:
        return sum(1 for value in self.answers.values() if value)

    @property
    def mode_label(self) -> str:
        return Response.Mode(self.mode).label


@dataclass
class ImportCheck:
    rows: list[ImportRow]
    problems: list[str]
    key: str  # the file's fingerprint: the same file again finds its responses instead of adding more

    @property
    def good(self) -> list[ImportRow]:
        return [row for row in self.rows if not row.problems]


def _key(text: str) -> str:
    return " ".join(re.sub(r"[^\w']+", " ", text.casefold()).split())


def _columns(survey: Survey, questions: list[Question], header: list[str]) -> tuple[dict, dict, list[str]]:
    """Which column holds what: fields by name, questions by id, and problems with the headings."""
    by_text = {_key(q.text): q for q in questions}
    by_number = {}
    for number, question in enumerate(questions, start=1):
        for name in (f"q{number}", f"question {number}", str(number)):
            by_number[name] = question
    fields, question_columns, problems = {}, {}, []
    for index, heading in enumerate(header):
        key = _key(heading)
        if not key or key in IGNORED:
            continue
        question = by_text.get(key) or by_number.get(key)
        found = next((name for name, names in HEADINGS.items() if key in names), None)
        if question is not None and question.pk not in question_columns.values():
            question_columns[index] = question.pk
        elif found and found not in fields.values():
            fields[index] = found
        else:
            # Nothing typed may be dropped unseen: a column we cannot place stops the import.
            problems.append(
                _(
                    "The column '%(column)s' does not match a question of this survey. Head it with the "
                    "question's words (or Q1, Q2 ...), or remove the column."
                )
                % {"column": column_name(header, index)}
            )
    if not question_columns:
        problems.append(
            _("No column matches a question of this survey. Head each column with the question's words.")
        )
    return fields, question_columns, problems


def _choices(question: Question, value: str) -> tuple[list[str], str | None]:
    """The question's labels for what was typed, matched regardless of case; or a problem."""
    labels = {_key(c): c for c in question.choices}
    parts = [value] if question.kind != QuestionKind.MULTIPLE_CHOICE else re.split(r"[;\n]", value)
    chosen = []
    for part in parts:
        part = part.strip()
        if not part:
            continue
        label = labels.get(_key(part))
        if label is None:
            return [], _("'%(value)s' is not an answer to '%(question)s'. Use one of: %(choices)s") % {
                "value": part,
                "question": question.text,
                "choices": ", ".join(question.choices),
            }
        chosen.append(label)
    return chosen, None


def _moment(value: str, now: datetime) -> tuple[datetime | None, str | None]:
    if not value:
        return None, None
    for pattern in DATE_FORMATS:
        try:
            moment = timezone.make_aware(datetime.strptime(value, pattern))
        except ValueError:
            continue
        if moment > now:
            return None, _("the date '%(value)s' is in the future") % {"value": value}
        if moment < now - timedelta(days=366 * OLDEST_YEARS):
            return None, _("the date '%(value)s' is more than %(years)s years ago") % {
                "value": value,
                "years": OLDEST_YEARS,
            }
        return moment, None
    return None, _("'%(value)s' is not a date. Use 2026-03-31 or 31/03/2026, with a time if you have it") % {
        "value": value
    }


def _unescaped(value: str) -> str:
    """Our exports put an apostrophe before a cell that starts like a formula ('=, '-, '+ ...); an
    exported file imported back loses that one apostrophe again."""
    if value.startswith("'") and value[1:2] and value[1:].startswith(FORMULA_PREFIXES):
        return value[1:]
    return value


def _row_key(survey: Survey, number: int, values: list[str]) -> str:
    """The row's idempotency key: a row left as it was keeps its key when a corrected file is imported,
    so it is found, not saved again; a changed row is a new response."""
    cells = [value.strip() for value in values]
    while cells and not cells[-1]:
        cells.pop()  # a file saved again may gain or lose empty cells at the end
    digest = hashlib.sha256(json.dumps([str(survey.public_id), number, cells]).encode()).hexdigest()
    return f"import-{digest[:40]}"


def responses_check(*, survey: Survey, spreadsheet: Spreadsheet) -> ImportCheck:
    """Every row read and checked against the survey's questions, nothing saved."""
    questions = list(survey.questions.all())
    by_id = {q.pk: q for q in questions}
    fields, question_columns, problems = _columns(survey, questions, spreadsheet.header)
    key = hashlib.sha256(
        json.dumps([str(survey.public_id), spreadsheet.header, spreadsheet.rows]).encode()
    ).hexdigest()[:40]
    if problems:
        return ImportCheck(rows=[], problems=problems, key=key)
    now = timezone.now()
    rows = []
    for offset, values in enumerate(spreadsheet.rows):
        number = offset + 2  # the header is row 1
        if not any(v.strip() for v in values):
            continue

        def cell(index: int, values=values) -> str:
            return _unescaped(values[index].strip()) if index < len(values) else ""

        found = {name: cell(index) for index, name in fields.items()}
        row_problems = []
        mode = MODES.get(" ".join(found.get("mode", "").casefold().split()))
        if mode is None:
            row_problems.append(
                _("'%(value)s' is not a way of answering. Use paper, assisted, online or signed in")
                % {"value": found["mode"]}
            )
            mode = Response.Mode.PAPER
        submitted_at, problem = _moment(found.get("sent", ""), now)
        if problem:
            row_problems.append(problem)
        answers = {}
        for index, question_id in question_columns.items():
            question = by_id[question_id]
            value = cell(index)
            if question.kind in CHOICE_KINDS:
                chosen, problem = _choices(question, value)
                if problem:
                    row_problems.append(problem)
                answers[question_id] = chosen
            else:
                answers[question_id] = value
        if not row_problems:
            try:
                _clean_answers(questions, answers)
            except ValidationError as error:
                row_problems += [m for messages in error.message_dict.values() for m in messages]
        try:
            service = response_service(survey, found.get("service", ""))
        except ValidationError:
            row_problems.append(
                _("'%(value)s' is not one of this survey's services: %(services)s")
                % {
                    "value": found["service"],
                    "services": ", ".join([survey.about, *survey.service_choices]).strip(", ")
                    or _("it has none"),
                }
            )
            service = survey.about
        consent = found.get("contact_ok", "").casefold()
        language = language_from_text(found.get("contact_language", ""))
        contact = {
            "contact_ok": consent in YES,
            "contact_name": found.get("contact_name", "")[:200],
            "contact_email": found.get("contact_email", "")[:254],
            "contact_phone": found.get("contact_phone", "")[:40],
            "contact_language": language or "",
        }
        if language is None:
            row_problems.append(
                _("'%(value)s' in Language is not English or Welsh") % {"value": found["contact_language"]}
            )
        if consent not in YES | NO:
            row_problems.append(
                _("'%(value)s' in Happy to be contacted is not yes or no") % {"value": found["contact_ok"]}
            )
        elif not contact["contact_ok"] and any(
            contact[k] for k in ("contact_name", "contact_email", "contact_phone")
        ):
            row_problems.append(
                _(
                    "contact details are given without 'yes' in Happy to be contacted. Without consent they "
                    "cannot be kept: check the paper form, then put yes or remove them"
                )
            )
        elif contact["contact_ok"] and not (contact["contact_email"] or contact["contact_phone"]):
            row_problems.append(_("they are happy to be contacted, but there is no email address or phone"))
        if contact["contact_email"]:
            try:
                validate_email(contact["contact_email"])
            except ValidationError:
                row_problems.append(
                    _("'%(value)s' is not an email address in the correct format, like name@example.com")
                    % {"value": contact["contact_email"]}
                )
        rows.append(
            ImportRow(
                number=number,
                mode=mode,
                submitted_at=submitted_at,
                service=service,
                answers=answers,
                contact=contact,
                key=_row_key(survey, number, values),
                problems=[
                    _("Row %(n)s: %(problem)s") % {"n": number, "problem": problem}
                    for problem in row_problems
                ],
            )
        )
    if not rows:
        return ImportCheck(
            rows=[], problems=[_("The file has no rows of answers under its headings.")], key=key
        )
    return ImportCheck(rows=rows, problems=[p for row in rows for p in row.problems], key=key)


def responses_import(*, survey: Survey, check: ImportCheck, actor: User) -> tuple[int, int]:
    """Save the rows without problems, all or none. Each row's key comes from the survey, its row number
    and its values, so importing the same file twice (or pressing the button twice, or importing a
    corrected file) adds nothing for a row already saved. Answers (new, already there)."""
    from coproduce.themes.services import responses_recorded

    created = 0
    new_ids = []
    with transaction.atomic():
        for row in check.good:
            response, made = response_submit(
                survey=survey,
                mode=row.mode,
                idempotency_key=row.key,
                answers=row.answers,
                entered_by=actor,
                submitted_at=row.submitted_at,
                service=row.service,
                imported=True,
                themes_hook=False,
                **row.contact,
            )
            created += made
            if made:
                new_ids.append(response.pk)
        # One themes hook for the lot, after the commit: one risk notification, one suggestion task.
        responses_recorded(organisation=survey.organisation, response_ids=new_ids)
        audit_log(
            actor=actor,
            organisation=survey.organisation,
            action="survey.responses_imported",
            target=survey,
            details={"rows": len(check.good), "created": created},
        )
    return created, len(check.good) - created
