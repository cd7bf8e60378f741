"""Reading an uploaded CSV or XLSX file into a header and rows of text, within safe limits."""

import codecs
import csv
import io
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from openpyxl import load_workbook

from coproduce.lib.exports import FORMULA_PREFIXES

MAX_UPLOAD_BYTES = 10 * 1024 * 1024
MAX_ROWS = 50_000
MAX_COLUMNS = 100
# A 10 MB workbook can unpack to far more text than that; stop before it fills the memory.
MAX_TEXT_CHARACTERS = 30_000_000


@dataclass
class Spreadsheet:
    header: list[str]
    rows: list[list[str]]  # blank rows kept as [], so that index + 2 is the spreadsheet's row number


def spreadsheet_from_json(data: str, *, max_rows: int) -> "Spreadsheet | None":
    """The checked spreadsheet a preview page carried in its confirm form; None if it was tampered with."""
    import json

    try:
        parsed = json.loads(data)
        return Spreadsheet(
            header=[str(h) for h in parsed["header"]],
            rows=[[str(v) for v in r] for r in parsed["rows"]][:max_rows],
        )
    except (ValueError, KeyError, TypeError):
        return None


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, datetime):
        if value.time() == time():
            return value.date().isoformat()
        return value.isoformat(sep=" ", timespec="minutes")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, time):
        return value.strftime("%H:%M")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    text = str(value).strip()
    # Our own exports put an apostrophe before text that a spreadsheet would run as a formula.
    if len(text) > 1 and text[0] == "'" and text[1] in FORMULA_PREFIXES:
        return text[1:]
    return text


class _Collector:
    """Collects rows, keeping blank rows in the middle but not at the end, within the limits."""

    def __init__(self):
        self.header: list[str] | None = None
        self.rows: list[list[str]] = []
        self.blank_run = 0
        self.characters = 0

    def add(self, values: Iterable) -> None:
        cells = [_cell_text(v) for v in values]
        while cells and not cells[-1]:
            cells.pop()
        if len(cells) > MAX_COLUMNS:
            raise ValidationError(
                _("The file has more than %(count)s columns. Remove the columns you do not need.")
                % {"count": MAX_COLUMNS}
            )
        self.characters += sum(len(c) for c in cells)
        if self.characters > MAX_TEXT_CHARACTERS:
            raise ValidationError(_("The file holds too much text. Split it into smaller files."))
        if self.header is None:
            self.header = cells
            return
        if not cells:
            self.blank_run += 1
            return
        self.rows.extend([] for _blank in range(self.blank_run))
        self.blank_run = 0
        self.rows.append(cells)
        if len(self.rows) > MAX_ROWS:
            raise ValidationError(
                _("The file has more than %(count)s rows. Split it into smaller files.")
                % {"count": f"{MAX_ROWS:,}"}
            )

    def spreadsheet(self) -> Spreadsheet:
        header = self.header or []
        if not any(header):
            raise ValidationError(
                _("The first row of the file is empty. Put the column headings in the first row.")
            )
        if not self.rows:
            raise ValidationError(_("The file has no rows of people under the column headings."))
        width = max(len(header), *(len(row) for row in self.rows))
        return Spreadsheet(header=header + [""] * (width - len(header)), rows=self.rows)


def _decode(data: bytes) -> str:
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8) :]
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return data.decode("utf-16")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        # What Excel on Windows saves as "CSV (Comma delimited)".
        return data.decode("cp1252")
    except UnicodeDecodeError as exc:
        raise ValidationError(
            _("The letters in the file could not be read. Save it as 'CSV UTF-8' and upload it again.")
        ) from exc


def _delimiter(text: str) -> str:
    """Comma, semicolon (Excel in much of Europe) or tab, whichever the heading row uses most."""
    first_line = text.split("\n", 1)[0]
    counts = {delimiter: first_line.count(delimiter) for delimiter in (",", ";", "\t")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


def _read_csv(data: bytes) -> Spreadsheet:
    text = _decode(data)
    collector = _Collector()
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text))
    try:
        for values in reader:
            collector.add(values)
    except csv.Error as exc:
        raise ValidationError(
            _("Row %(row)s of the file could not be read as CSV. Check it, or save the file again as CSV.")
            % {"row": reader.line_num}
        ) from exc
    return collector.spreadsheet()


def _read_xlsx(data: bytes) -> Spreadsheet:
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds of error for a damaged or disguised file
        raise ValidationError(
            _("The file could not be opened as an Excel workbook. Save it again as .xlsx or CSV.")
        ) from exc
    collector = _Collector()
    try:
        sheet = workbook.worksheets[0]
        # The size a workbook declares can be wrong (or a million rows of formatting): read what is there.
        sheet.reset_dimensions()
        for values in sheet.iter_rows(values_only=True):
            collector.add(values)
    except ValidationError:
        raise
    except Exception as exc:
        raise ValidationError(
            _("The file could not be opened as an Excel workbook. Save it again as .xlsx or CSV.")
        ) from exc
    finally:
        workbook.close()
    return collector.spreadsheet()


def spreadsheet_read(uploaded) -> Spreadsheet:
    """The header and rows of an uploaded CSV or XLSX file, as text; ValidationError says what is wrong."""
    name = (uploaded.name or "").lower()
    extension = name.rsplit(".", 1)[-1] if "." in name else ""
    if uploaded.size > MAX_UPLOAD_BYTES:
        raise ValidationError(
            _("The file is larger than %(size)s MB. Split it into smaller files.")
            % {"size": MAX_UPLOAD_BYTES // (1024 * 1024)}
        )
    if extension == "xls":
        raise ValidationError(
            _("Older Excel files (.xls) cannot be read. Save it as an Excel workbook (.xlsx) or CSV.")
        )
    if extension not in ("csv", "txt", "xlsx"):
        raise ValidationError(_("The file must be a CSV file or an Excel workbook (.xlsx)."))
    data = uploaded.read()
    if not data.strip():
        raise ValidationError(_("The file is empty. Choose a file with rows of people."))
    if extension == "xlsx":
        return _read_xlsx(data)
    if data.startswith(b"PK\x03\x04"):
        raise ValidationError(
            _("The file is named .csv but is an Excel workbook. Save it as CSV, or rename it to .xlsx.")
        )
    return _read_csv(data)
