"""Checking every row as the register's own forms would, and finding duplicates."""

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.utils import translation
from django.utils.translation import gettext as _

from coproduce.core.models import Organisation
from coproduce.lib.languages import language_from_text
from coproduce.people.models import ContactMethod, InvolvementIdentity, Person
from coproduce.people.services import _validate_contact

from .mapping import TEXT_FIELDS, YES_NO_FIELDS, column_name

# How often a long check reports its progress, in rows.
PROGRESS_EVERY = 1000

YES = {"yes", "y", "true", "1"}
NO = {"no", "n", "false", "0", ""}
CONTACT_ALIASES = {
    "email": ["email", "e-mail", "e mail"],
    "sms": ["sms", "text", "texts", "text message", "text message (sms)"],
    "phone": ["phone", "phone call", "call", "telephone", "tel"],
    "post": ["post", "letter", "letters", "letter by post"],
}


@dataclass
class CheckedRow:
    """A row that passed every check: what the person's record would hold."""

    number: int
    fields: dict
    tags: list[str]
    # ("person", pk) for someone on the register, ("row", number) for an earlier row of the file.
    match: tuple[str, int] | None = None
    reason: str = ""


@dataclass
class RowsChecked:
    total: int = 0
    valid: list[CheckedRow] = field(default_factory=list)
    errors: list[dict] = field(default_factory=list)
    duplicates: list[dict] = field(default_factory=list)

    @property
    def invalid_rows(self) -> int:
        return len({error["row"] for error in self.errors})


def _choice_lookup(choices, aliases: dict[str, list[str]] | None = None) -> dict[str, str]:
    """Codes and labels (English and the current language), case-insensitively, to codes."""
    lookup: dict[str, str] = {}
    with translation.override("en-gb"):
        english = [(value, str(label)) for value, label in choices]
    for (value, label), (_same, english_label) in zip(choices, english, strict=True):
        for text in (value, value.replace("_", " "), str(label), english_label):
            lookup[" ".join(text.casefold().split())] = value
    for value, names in (aliases or {}).items():
        for name in names:
            lookup[name] = value
    return lookup


def _name_key(name: str) -> str:
    return " ".join(name.casefold().split())


def phone_key(phone: str) -> str:
    """Digits only, with +44 written as a leading 0, so 07700 900123 and +44 7700 900123 match."""
    digits = re.sub(r"\D", "", phone)
    if digits.startswith("0044"):
        digits = "0" + digits[4:]
    elif digits.startswith("44") and len(digits) == 12:
        digits = "0" + digits[2:]
    return digits


def tag_names(text: str) -> list[str]:
    return [" ".join(name.split())[:60] for name in re.split(r"[,;]", text) if name.strip()]


class _RowChecker:
    """Turns one row's cells into a person's fields, or into messages naming the row and the problem."""

    def __init__(self, organisation: Organisation, header: list[str], mapping: list[str]):
        self.organisation = organisation
        self.header = header
        self.columns = [(index, name) for index, name in enumerate(mapping) if name]
        self.column_of = {}
        for index, name in self.columns:
            self.column_of.setdefault(name, index)
        self.identities = _choice_lookup(
            InvolvementIdentity.choices,
            {
                InvolvementIdentity.LIVED_EXPERIENCE: ["lived experience", "service user", "patient"],
                InvolvementIdentity.BOTH: ["both"],
            },
        )
        self.contact_methods = _choice_lookup(ContactMethod.choices, CONTACT_ALIASES)
        yes, no = str(_("Yes")).casefold(), str(_("No")).casefold()
        self.yes, self.no = YES | {yes}, NO | {no}
        self.identity_list = ", ".join(str(label) for _value, label in InvolvementIdentity.choices)

    def column(self, name: str) -> str:
        index = self.column_of.get(name)
        return column_name(self.header, index) if index is not None else ""

    def check(self, number: int, cells: list[str]) -> tuple[dict, list[str], list[dict]]:
        fields: dict = {name: False for name in YES_NO_FIELDS}
        fields.update({name: "" for name in TEXT_FIELDS})
        tags: list[str] = []
        errors: list[dict] = []
        said_no: set[str] = set()
        first = last = ""

        def problem(column_index: int | None, message: str, **values) -> None:
            errors.append(
                {
                    "row": number,
                    "column": column_name(self.header, column_index) if column_index is not None else "",
                    "message": _("Row %(row)s: %(problem)s") % {"row": number, "problem": message % values},
                }
            )

        for index, name in self.columns:
            raw = cells[index] if index < len(cells) else ""
            if name in TEXT_FIELDS:
                fields[name] = raw
            elif name == "first_name":
                first = raw
            elif name == "last_name":
                last = raw
            elif name == "tags":
                tags.extend(tag_names(raw))
            elif name in YES_NO_FIELDS:
                answer = raw.casefold()
                if answer in self.yes:
                    fields[name] = True
                elif answer in self.no:
                    fields[name] = False
                    if answer:
                        said_no.add(name)
                else:
                    problem(
                        index,
                        _("'%(value)s' in %(column)s is not yes or no"),
                        value=raw,
                        column=column_name(self.header, index),
                    )
            elif name == "identity":
                if raw:
                    identity = self.identities.get(_name_key(raw))
                    if identity is None:
                        problem(
                            index,
                            _("'%(value)s' is not a way of being involved. Use one of: %(choices)s"),
                            value=raw,
                            choices=self.identity_list,
                        )
                    else:
                        fields["identity"] = identity
            elif name == "preferred_contact":
                if raw:
                    method = self.contact_methods.get(_name_key(raw))
                    if method is None:
                        problem(
                            index,
                            _("'%(value)s' is not a way to contact. Use email, text, phone or post"),
                            value=raw,
                        )
                    else:
                        fields["preferred_contact"] = method
            elif name == "language":
                if raw:
                    language = language_from_text(raw)
                    if language is None:
                        problem(
                            index,
                            _("'%(value)s' is not a language we write in. Use English or Welsh"),
                            value=raw,
                        )
                    else:
                        fields["language"] = language
            elif name == "contact_methods":
                for part in re.split(r"[,;/]| and ", raw):
                    if not part.strip():
                        continue
                    method = self.contact_methods.get(_name_key(part))
                    if method is None:
                        problem(
                            index,
                            _("'%(value)s' is not a way to contact. Use email, text, phone or post"),
                            value=part.strip(),
                        )
                    else:
                        fields[f"contact_by_{method}"] = True
        if first or last:
            fields["full_name"] = " ".join(part for part in (first, last) if part)
        # A preferred way to contact them is a way they may be contacted, unless a column says no.
        preferred = fields.get("preferred_contact")
        if preferred and f"contact_by_{preferred}" not in said_no:
            fields[f"contact_by_{preferred}"] = True
        fields["email"] = fields["email"].lower()
        if errors:
            return fields, tags, errors

        person = Person(organisation=self.organisation, **fields)
        try:
            # Excluding the organisation and uniqueness saves a query per row; emails are checked in bulk.
            person.full_clean(
                exclude=["organisation", "user"], validate_unique=False, validate_constraints=False
            )
        except ValidationError as error:
            for name, field_errors in error.error_dict.items():
                self._field_problem(problem, name, field_errors[0], fields)
            return fields, tags, errors
        try:
            _validate_contact(person)
        except ValidationError as error:
            for name in error.error_dict:
                self._contact_problem(problem, name, fields)
        return fields, tags, errors

    def _field_problem(self, problem, name: str, error: ValidationError, fields: dict) -> None:
        index = self.column_of.get(name)
        if name == "full_name" and index is None:
            index = self.column_of.get("first_name", self.column_of.get("last_name"))
        value = fields.get(name, "")
        if name == "email" and error.code != "max_length":
            problem(index, _("'%(value)s' is not an email address"), value=value)
        elif name == "full_name" and error.code in ("blank", "required"):
            problem(index, _("the full name is empty"))
        elif error.code == "max_length":
            problem(
                index,
                _(
                    "the text in %(column)s is too long: it has %(length)s characters, "
                    "and the most is %(limit)s"
                ),
                column=self._column_or_field(index, name),
                length=len(value),
                limit=Person._meta.get_field(name).max_length,
            )
        else:
            problem(
                index,
                _("the text in %(column)s is not right: %(message)s"),
                column=self._column_or_field(index, name),
                message=error.messages[0],
            )

    def _column_or_field(self, index: int | None, name: str) -> str:
        if name == "full_name" and self.column_of.get("full_name") is None:
            return str(_("the full name"))
        return (
            column_name(self.header, index)
            if index is not None
            else str(Person._meta.get_field(name).verbose_name)
        )

    def _contact_problem(self, problem, name: str, fields: dict) -> None:
        if name == "email":
            problem(
                self.column_of.get("email"),
                _("they may be contacted by email, but there is no email address"),
            )
        elif name == "phone":
            problem(
                self.column_of.get("phone"),
                _("they may be contacted by phone or text message, but there is no phone number"),
            )
        elif name == "address":
            problem(
                self.column_of.get("address"),
                _("they may be contacted by letter, but there is no postal address"),
            )
        else:
            problem(
                self.column_of.get("preferred_contact"),
                _("the preferred way to contact them is %(method)s, but another column says no to it"),
                method=ContactMethod(fields["preferred_contact"]).label,
            )


def rows_check(
    *,
    organisation: Organisation,
    header: list[str],
    rows: list[list[str]],
    mapping: list[str],
    progress: Callable[[int], None] | None = None,
    with_register: bool = True,
) -> RowsChecked:
    """Check every row as the register's forms would, and find duplicates of the register and of
    earlier rows: the same email address (in any case), or the same full name and phone number.
    ``with_register=False`` skips reading the register, for a quick look at a few rows."""
    checker = _RowChecker(organisation, header, mapping)
    result = RowsChecked()
    register = (
        Person.objects.filter(organisation=organisation)
        .values_list("pk", "public_id", "full_name", "email", "phone", "erased_at")
        .order_by("pk")
        if with_register
        else []
    )
    by_email: dict[str, tuple[str, int]] = {}
    by_name_phone: dict[tuple[str, str], tuple[str, int]] = {}
    erased_emails: set[str] = set()
    public_ids: dict[int, str] = {}
    for pk, public_id, full_name, email, phone, erased_at in register:
        if erased_at is not None:
            if email:
                erased_emails.add(email.lower())
            continue
        public_ids[pk] = str(public_id)
        if email:
            by_email.setdefault(email.lower(), ("person", pk))
        if phone_key(phone):
            by_name_phone.setdefault((_name_key(full_name), phone_key(phone)), ("person", pk))
    in_file: dict[tuple, tuple[str, int]] = {}

    for index, cells in enumerate(rows):
        if not any(cells):
            continue
        number = index + 2  # the header is row 1
        result.total += 1
        if progress is not None and result.total % PROGRESS_EVERY == 0:
            progress(result.total)
        fields, tags, errors = checker.check(number, cells)
        email = fields["email"]
        if not errors and email in erased_emails:
            errors.append(
                {
                    "row": number,
                    "column": checker.column("email"),
                    "message": _(
                        "Row %(row)s: someone on the register already has the email address %(email)s"
                    )
                    % {"row": number, "email": email},
                }
            )
        if errors:
            result.errors.extend(errors)
            continue
        row = CheckedRow(number=number, fields=fields, tags=tags)
        keys = []
        if email:
            keys.append(("email", email))
        if phone_key(fields["phone"]):
            keys.append(("name_phone", (_name_key(fields["full_name"]), phone_key(fields["phone"]))))
        for kind, key in keys:
            match = by_email.get(key) if kind == "email" else by_name_phone.get(key)
            if match is not None:
                row.match, row.reason = match, kind
                break
        else:
            for kind, key in keys:
                if (kind, key) in in_file:
                    row.match, row.reason = in_file[(kind, key)], kind
                    break
        for kind, key in keys:
            in_file.setdefault((kind, key), row.match or ("row", number))
        if row.match is not None:
            kind, target = row.match
            result.duplicates.append(
                {
                    "row": number,
                    "reason": row.reason,
                    "person": public_ids[target] if kind == "person" else "",
                    "other_row": target if kind == "row" else None,
                }
            )
        result.valid.append(row)
    if progress is not None:
        progress(result.total)
    return result
