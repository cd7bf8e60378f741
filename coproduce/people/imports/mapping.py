"""Which register field each spreadsheet column fills: the choices, a guess from the headings, checks."""

import re

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl.utils import get_column_letter

# The register fields a column can fill, in the order the mapping page offers them.
IMPORT_FIELDS = {
    "full_name": gettext_lazy("Full name"),
    "first_name": gettext_lazy("First name"),
    "last_name": gettext_lazy("Last name (surname)"),
    "preferred_name": gettext_lazy("Preferred name"),
    "pronouns": gettext_lazy("Pronouns"),
    "identity": gettext_lazy("How they are involved"),
    "email": gettext_lazy("Email address"),
    "phone": gettext_lazy("Phone number"),
    "address": gettext_lazy("Postal address"),
    "tags": gettext_lazy("Skills and interests (separated by commas)"),
    "contact_methods": gettext_lazy("Ways to contact them (a list, such as: email, text, phone, post)"),
    "contact_by_email": gettext_lazy("May contact by email (yes or no)"),
    "contact_by_sms": gettext_lazy("May contact by text message (yes or no)"),
    "contact_by_phone": gettext_lazy("May contact by phone call (yes or no)"),
    "contact_by_post": gettext_lazy("May contact by letter (yes or no)"),
    "preferred_contact": gettext_lazy("Preferred way to contact"),
    "language": gettext_lazy("Language to write to them in (English or Welsh)"),
    "times_to_avoid": gettext_lazy("Times to avoid contacting"),
    "is_managed": gettext_lazy("Managed by the involvement team (yes or no)"),
}
TEXT_FIELDS = ["full_name", "preferred_name", "pronouns", "email", "phone", "address", "times_to_avoid"]
YES_NO_FIELDS = ["contact_by_email", "contact_by_sms", "contact_by_phone", "contact_by_post", "is_managed"]
# Skills can come from several columns ("Skills", "Interests"); every other field from one.
MANY_COLUMN_FIELDS = {"tags"}

# Spreadsheet headings, lower-case with punctuation as spaces, and the field each one means.
HEADER_NAMES = {
    "full_name": "name, full name, fullname, person, person name, participant, participant name, "
    "contact name, member name, volunteer name, your name",
    "first_name": "first name, firstname, forename, forenames, given name, first",
    "last_name": "last name, lastname, surname, family name, last",
    "preferred_name": "preferred name, known as, nickname, preferred first name",
    "pronouns": "pronouns, pronoun",
    "identity": "how they are involved, how involved, identity, involvement, involvement type, involved as",
    "email": "email, email address, e mail, e mail address, emailaddress, email addresses",
    "phone": "phone, phone number, telephone, telephone number, tel, mobile, mobile number, mobile phone, "
    "contact number",
    "address": "address, postal address, home address, full address",
    "tags": "skills and interests, skills, interests, skills interests and experience, "
    "skills interests experience, tags, experience",
    "contact_methods": "ways to contact, ways to contact them, contact methods, how to contact",
    "contact_by_email": "contact by email, may contact by email, may email, ok to email, email ok, "
    "email consent",
    "contact_by_sms": "contact by sms, contact by text, may contact by text message, ok to text, sms ok, "
    "text ok, sms consent",
    "contact_by_phone": "contact by phone, may contact by phone call, may phone, ok to phone, ok to call, "
    "phone ok, phone consent",
    "contact_by_post": "contact by post, contact by letter, may contact by letter, ok to post, post ok, "
    "letter ok, post consent",
    "preferred_contact": "preferred contact, preferred way to contact, preferred contact method, "
    "contact preference, preferred method of contact",
    "language": "language, language to write in, language to write to them in, preferred language, "
    "language preference, iaith",
    "times_to_avoid": "times to avoid, times to avoid contacting, do not contact times, times not to contact",
    "is_managed": "managed, managed by the team, managed by the involvement team, managed by team",
}
HEADER_GUESSES = {
    name.strip(): field_name for field_name, names in HEADER_NAMES.items() for name in names.split(",")
}
# Second chance, for headings such as "Work email" or "Mobile (best)": a word inside the heading.
HEADER_WORDS = [("email", "email"), ("phone", "phone"), ("mobile", "phone"), ("surname", "last_name")]


def _heading_key(heading: str) -> str:
    return " ".join(re.sub(r"[^0-9a-z]+", " ", heading.casefold()).split())


def mapping_guess(header: list[str]) -> list[str]:
    """The register field each column probably holds ("" for none), each field used once at most."""
    mapping = [HEADER_GUESSES.get(_heading_key(heading), "") for heading in header]
    used: set[str] = set()
    for index, field_name in enumerate(mapping):
        if field_name in used and field_name not in MANY_COLUMN_FIELDS:
            mapping[index] = ""
        used.add(field_name)
    for index, heading in enumerate(header):
        if mapping[index]:
            continue
        words = _heading_key(heading).split()
        for word, field_name in HEADER_WORDS:
            if word in words and field_name not in used:
                mapping[index] = field_name
                used.add(field_name)
                break
    names = set(mapping)
    if "full_name" in names and names & {"first_name", "last_name"}:
        # "Name" next to "First name" and "Surname" is usually a title or an ID: prefer the two parts.
        mapping = ["" if f == "full_name" else f for f in mapping]
    return mapping


def column_label(header: list[str], index: int) -> str:
    heading = header[index] if index < len(header) else ""
    if heading:
        return _("Column %(letter)s: %(heading)s") % {
            "letter": get_column_letter(index + 1),
            "heading": heading,
        }
    return _("Column %(letter)s (no heading)") % {"letter": get_column_letter(index + 1)}


def column_name(header: list[str], index: int) -> str:
    """How a message names a column: its heading, or its letter when it has none."""
    heading = header[index] if index < len(header) else ""
    return heading or _("column %(letter)s") % {"letter": get_column_letter(index + 1)}


def mapping_problems(mapping: list[str], header: list[str]) -> dict[int | None, str]:
    """What is wrong with a mapping: by column index, or None for the mapping as a whole."""
    problems: dict[int | None, str] = {}
    chosen = {name for name in mapping if name}
    if "full_name" not in chosen and not {"first_name", "last_name"} <= chosen:
        problems[None] = _(
            "Choose the column that holds each person's full name, "
            "or the columns for first name and last name"
        )
    elif "full_name" in chosen and chosen & {"first_name", "last_name"}:
        problems[None] = _("Choose either a full name column, or first name and last name columns, not both")
    seen: dict[str, int] = {}
    for index, name in enumerate(mapping):
        if not name or name in MANY_COLUMN_FIELDS:
            continue
        if name in seen:
            problems[index] = _(
                "%(field)s is already chosen for %(first)s. Choose it for one column only, "
                "or choose 'Do not import'"
            ) % {
                "field": IMPORT_FIELDS[name],
                "first": column_name(header, seen[name]),
            }
        else:
            seen[name] = index
    return problems
