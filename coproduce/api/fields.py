"""What every router's input shares: trimmed text that fits the database, dates within the years the
service can do arithmetic on, blank filters meaning "any", choices named after what they belong to,
and the error answers each route documents. One place, so every route refuses the same input with the
same readable message."""

from collections.abc import Callable
from datetime import UTC, date, datetime
from enum import StrEnum
from typing import Annotated

from django.conf import settings
from django.db.models import TextChoices
from ninja import Field
from pydantic import AfterValidator, BeforeValidator, StringConstraints

from .schemas import ErrorOut, ValidationErrorOut

SLUG_ERRORS = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut}
READ_ERRORS = {**SLUG_ERRORS, 422: ValidationErrorOut}
# 400 is ninja's answer to a body that is not JSON at all.
WRITE_ERRORS = {400: ErrorOut, **READ_ERRORS}

# Dates and times are kept within years the service and the report can do arithmetic on (the report
# looks back a period and twelve months before it), so an odd year answers 422, never 500.
FIRST_DAY, LAST_DAY = date(1900, 1, 1), date(2099, 12, 31)
_DAY = r"(19|20)\d\d-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])"
DAY_PATTERN = f"^{_DAY}$"
MOMENT_PATTERN = rf"^{_DAY}T([01]\d|2[0-3]):[0-5]\d:[0-5]\d(\.\d{{1,6}})?(Z|[+-]([01]\d|2[0-3]):[0-5]\d)$"

# Python's str.strip() also removes the separators \x1c-\x1f and \x85, which JSON Schema's \s does not
# name: the pattern names them, so clients (and schemathesis) know "\x1f" alone is not enough.
BLANK = "\\s\\x1c-\\x1f\\x85"
REQUIRED_PATTERN = f"^[{BLANK}]*[^{BLANK}\\x00][^\\x00]*$"


def blank_as_none(value):
    # "?identity=" is what an HTML form sends for "any".
    return value or None


def storable(value: str) -> str:
    # PostgreSQL cannot store or compare text with a NUL byte: answer 422 with what to do, not 500.
    # (Pydantic already refuses a lone surrogate such as JSON's "\ud800", which no database can store.)
    if "\x00" in value:
        raise ValueError("Remove the NUL character")
    return value


def text_field(max_length: int, description: str, **extra):
    """A trimmed string that fits its model field and the database, as the pages' form fields do."""
    return Annotated[
        str,
        StringConstraints(strip_whitespace=True, max_length=max_length),
        AfterValidator(storable),
        # Documents the rule for clients (and schemathesis); storable gives the readable message.
        Field(description=description, json_schema_extra={"pattern": "^[^\\x00]*$", **extra}),
    ]


def given(message: str) -> Callable[[str], str]:
    def check(value: str) -> str:
        if not value.strip():
            raise ValueError(message)
        return value

    return check


def required_text_field(max_length: int, description: str, message: str):
    # The pattern tells clients (and schemathesis) that spaces alone are not enough.
    return Annotated[
        text_field(max_length, description, minLength=1, pattern=REQUIRED_PATTERN),
        AfterValidator(given(message)),
    ]


def search_field(max_length: int, description: str):
    return Annotated[
        str,
        AfterValidator(storable),
        Field(
            "", max_length=max_length, description=description, json_schema_extra={"pattern": "^[^\\x00]*$"}
        ),
    ]


def no_defaults_in_schema(schema: dict) -> None:
    # A PATCH field left out is left alone; a "default" in the schema would wrongly suggest null is sent.
    for field in schema.get("properties", {}).values():
        field.pop("default", None)


def named_choices(choices: type[TextChoices], name: str) -> type[StrEnum]:
    # The models' nested Status classes would all be "Status" in the OpenAPI schema, one overwriting
    # another: the API names each after what it belongs to.
    return StrEnum(name, {member.name: member.value for member in choices})


def unique(values: list) -> list:
    return list(dict.fromkeys(values))


def within_our_years(value: date) -> date:
    day = value.date() if isinstance(value, datetime) else value
    if not FIRST_DAY <= day <= LAST_DAY:
        raise ValueError("Enter a date from 1900 to 2099, for example 2026-03-31")
    return value


def with_time_zone(value: datetime) -> datetime:
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(
            "Include the time zone, for example 2026-03-31T14:00:00+01:00 or 2026-03-31T13:00:00Z"
        )
    # RFC 3339 allows offsets up to 23:59; PostgreSQL refuses those beyond 15:59. The moment is the same.
    return value.astimezone(UTC)


def date_field(description: str):
    return Annotated[
        date,
        AfterValidator(within_our_years),
        Field(description=f"{description} (YYYY-MM-DD)", json_schema_extra={"pattern": DAY_PATTERN}),
    ]


def moment_field(description: str):
    return Annotated[
        datetime,
        AfterValidator(within_our_years),
        AfterValidator(with_time_zone),
        Field(
            description=f"{description}, with its time zone, for example 2026-03-31T14:00:00+01:00",
            json_schema_extra={"pattern": MOMENT_PATTERN},
        ),
    ]


FilterDay = Annotated[
    date | None,
    BeforeValidator(blank_as_none),
    AfterValidator(lambda value: value if value is None else within_our_years(value)),
    Field(json_schema_extra={"pattern": DAY_PATTERN}),
]


# The languages we write in, as codes ("en-gb", "cy").
MessageLanguage = StrEnum(
    "MessageLanguage", {code.replace("-", "_"): code for code, _name in settings.LANGUAGES}
)
Language = Annotated[
    MessageLanguage | None,
    BeforeValidator(blank_as_none),
    Field(description="The language to write to them in, or null for no preference"),
]
