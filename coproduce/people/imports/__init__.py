"""Import people into the register from a spreadsheet (CSV or XLSX).

Four steps: read the file (``files.spreadsheet_read``), guess which column holds what
(``mapping.mapping_guess``), check every row against the register's own rules and find duplicates
(``rows.rows_check``), then import (``services.person_import_run``). Nothing reaches the register
before the lead has seen every problem and chosen what to do with each duplicate. Files of more than
BACKGROUND_ROWS rows are checked and imported by background tasks while the lead watches a progress page.
"""

from .files import MAX_COLUMNS, MAX_ROWS, MAX_UPLOAD_BYTES, Spreadsheet, spreadsheet_read
from .mapping import IMPORT_FIELDS, column_label, column_name, mapping_guess, mapping_problems
from .rows import CheckedRow, RowsChecked, phone_key, rows_check, tag_names
from .services import (
    BACKGROUND_ROWS,
    MERGE,
    SKIP,
    person_import_check,
    person_import_check_task,
    person_import_create,
    person_import_decide,
    person_import_map,
    person_import_run,
    person_import_run_task,
    person_import_start,
)

__all__ = [
    "BACKGROUND_ROWS",
    "IMPORT_FIELDS",
    "MAX_COLUMNS",
    "MAX_ROWS",
    "MAX_UPLOAD_BYTES",
    "MERGE",
    "SKIP",
    "CheckedRow",
    "RowsChecked",
    "Spreadsheet",
    "column_label",
    "column_name",
    "mapping_guess",
    "mapping_problems",
    "person_import_check",
    "person_import_check_task",
    "person_import_create",
    "person_import_decide",
    "person_import_map",
    "person_import_run",
    "person_import_run_task",
    "person_import_start",
    "phone_key",
    "rows_check",
    "spreadsheet_read",
    "tag_names",
]
