"""The involvement report as rows for CSV and XLSX: the same figures as the page, nothing recomputed."""

from .selectors import InvolvementReport


def report_rows(report: InvolvementReport) -> tuple[list[str], list[list]]:
    header = [
        "Measure",
        "Activity type or role",
        f"{report.start} to {report.end}",
        f"{report.previous_start} to {report.previous_end}",
        "Change",
    ]
    rows = []

    def add(measure, subject, figure):
        rows.append([measure, subject, figure.current, figure.previous, figure.change])

    add("Unique people with lived experience involved", "All", report.lived_experience)
    add("Unique carers involved", "All", report.carers)
    add("Unique people involved", "All", report.people)
    add("New voices (not involved in the 12 months before)", "All", report.new_voices)
    add("Sessions", "All", report.sessions)
    add("Hours", "All", report.hours)
    for row in report.by_type:
        name = str(row.activity_type)
        add("Unique people with lived experience involved", name, row.lived_experience)
        add("Unique carers involved", name, row.carers)
        add("Sessions", name, row.sessions)
        add("Hours", name, row.hours)
    add("Active volunteers", "All", report.volunteers)
    for role, figure in report.volunteers_by_role:
        add("Active volunteers", str(role), figure)
    return header, rows
