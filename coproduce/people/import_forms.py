"""Forms for importing people from a spreadsheet: upload, map columns, then choose how to import."""

from django import forms
from django.utils.translation import gettext_lazy as _

from . import imports
from .models import PersonImport

EXAMPLE_ROWS = 50
EXAMPLE_LENGTH = 40


class ImportUploadForm(forms.Form):
    file = forms.FileField(
        label=_("Spreadsheet file"),
        help_text=_(
            "A CSV file or an Excel workbook (.xlsx), up to 10 MB and 50,000 rows. "
            "Put the column headings in the first row, and one person on each row below."
        ),
        error_messages={
            "required": _("Choose a CSV or Excel file to upload"),
            "empty": _("The file is empty. Choose a file with rows of people."),
            "invalid": _("Choose a CSV or Excel file to upload"),
        },
    )

    def clean_file(self):
        uploaded = self.cleaned_data["file"]
        self.spreadsheet = imports.spreadsheet_read(uploaded)
        return uploaded


def _examples(rows: list[list[str]], index: int) -> list[str]:
    found: list[str] = []
    for row in rows[:EXAMPLE_ROWS]:
        value = row[index] if index < len(row) else ""
        if value and value not in found:
            found.append(value if len(value) <= EXAMPLE_LENGTH else value[: EXAMPLE_LENGTH - 1] + "…")
        if len(found) == 3:
            break
    return found


class ImportMappingForm(forms.Form):
    """One choice per spreadsheet column: which register field it fills, or none."""

    def __init__(self, *args, person_import: PersonImport, **kwargs):
        super().__init__(*args, **kwargs)
        self.header = person_import.header
        choices = [("", _("Do not import")), *imports.IMPORT_FIELDS.items()]
        mapping = person_import.mapping
        for index in range(len(self.header)):
            examples = _examples(person_import.rows, index)
            self.fields[f"column_{index}"] = forms.ChoiceField(
                label=imports.column_label(self.header, index),
                choices=choices,
                required=False,
                initial=mapping[index] if index < len(mapping) else "",
                help_text=(
                    _("For example: %(examples)s") % {"examples": ", ".join(examples)}
                    if examples
                    else _("This column is empty in the first rows.")
                ),
            )

    def clean(self):
        data = super().clean()
        if not self.errors:
            for index, message in imports.mapping_problems(self.mapping(), self.header).items():
                self.add_error(f"column_{index}" if index is not None else None, message)
        return data

    def mapping(self) -> list[str]:
        return [self.cleaned_data.get(f"column_{index}", "") for index in range(len(self.header))]


class ImportRunForm(forms.Form):
    """How to import, and merge or skip for the duplicates shown on the page.

    The same form saves the duplicate choices alone (``for_import=False``) when the lead moves between
    pages of duplicates, so choices made on a page are never lost.
    """

    mode = forms.ChoiceField(
        label=_("How do you want to import?"),
        choices=PersonImport.Mode.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Choose how to import: all valid rows, or only if every row is valid"),
        },
    )

    def __init__(
        self,
        *args,
        person_import: PersonImport,
        duplicates: list[dict],
        people: dict,
        for_import: bool = True,
        **kwargs,
    ):
        super().__init__(*args, **kwargs)
        self.person_import = person_import
        self.fields["mode"].required = for_import
        self.duplicate_rows = []
        decisions = person_import.duplicate_decisions
        for duplicate in duplicates:
            row = duplicate["row"]
            cells = person_import.rows[row - 2] if row - 2 < len(person_import.rows) else []
            name = f"row_{row}"
            self.fields[name] = forms.ChoiceField(
                label=_("Row %(row)s: %(name)s") % {"row": row, "name": _row_name(person_import, cells)},
                choices=[
                    (imports.MERGE, _("Merge into the existing record")),
                    (imports.SKIP, _("Skip this row")),
                ],
                widget=forms.RadioSelect,
                initial=decisions.get(str(row), imports.MERGE),
                help_text=_duplicate_hint(duplicate, people),
                error_messages={"required": _("Choose to merge or skip row %(row)s") % {"row": row}},
            )
            self.duplicate_rows.append(row)

    def clean(self):
        data = super().clean()
        if self.fields["mode"].required and not self.errors:
            if self.person_import.valid_rows == 0:
                raise forms.ValidationError(
                    _("No rows are ready to import. Fix the spreadsheet and upload it again.")
                )
            if data.get("mode") == PersonImport.Mode.ALL_OR_NONE and self.person_import.invalid_rows:
                self.add_error(
                    "mode",
                    _(
                        "Nothing would be imported, because some rows have problems. Choose "
                        "'Import all valid rows', or fix the spreadsheet and upload it again."
                    ),
                )
        return data

    def duplicate_fields(self):
        return [self[f"row_{row}"] for row in self.duplicate_rows]

    def decisions(self) -> dict[int, str]:
        return {
            row: self.cleaned_data[f"row_{row}"]
            for row in self.duplicate_rows
            if self.cleaned_data.get(f"row_{row}")
        }


def _row_name(person_import: PersonImport, cells: list[str]) -> str:
    parts = {"full_name": "", "first_name": "", "last_name": ""}
    for index, name in enumerate(person_import.mapping):
        if name in parts and index < len(cells):
            parts[name] = cells[index]
    return parts["full_name"] or " ".join(p for p in (parts["first_name"], parts["last_name"]) if p)


def _duplicate_hint(duplicate: dict, people: dict) -> str:
    same = (
        _("the same email address") if duplicate["reason"] == "email" else _("the same name and phone number")
    )
    if duplicate["other_row"]:
        return _("It has %(same)s as row %(row)s of this file.") % {
            "same": same,
            "row": duplicate["other_row"],
        }
    person = people.get(duplicate["person"])
    if person is None:
        return _("It has %(same)s as someone on the register.") % {"same": same}
    return _("It has %(same)s as %(name)s, who is already on the register.") % {
        "same": same,
        "name": person.full_name,
    }
