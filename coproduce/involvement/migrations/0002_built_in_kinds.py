from django.db import migrations

ACTIVITY_TYPES = [
    ("meeting", "Meeting"),
    ("audit_inspection", "Audit and inspection"),
    ("recruitment_selection", "Recruitment and selection panel"),
    ("training_delivered", "Training (delivered)"),
    ("training_received", "Training (received)"),
    ("event", "Event"),
    ("codesign_workshop", "Co-design workshop"),
    ("focus_group", "Focus group"),
    ("course_delivery", "Course delivery"),
    ("peer_mentoring", "Peer mentoring"),
    ("volunteering_shift", "Volunteering shift"),
]
VOLUNTEER_ROLES = [
    ("activity_assistant", "Activity assistant", ["dbs", "induction", "safeguarding"]),
    ("peer_mentor", "Peer mentor", ["dbs", "induction", "safeguarding", "confidentiality"]),
    ("befriender", "Befriender", ["dbs", "induction"]),
]


def add_built_ins(apps, schema_editor):
    ActivityType = apps.get_model("involvement", "ActivityType")
    VolunteerRole = apps.get_model("involvement", "VolunteerRole")
    for position, (code, name) in enumerate(ACTIVITY_TYPES):
        ActivityType.objects.get_or_create(
            organisation=None, code=code, defaults={"name": name, "position": position}
        )
    for code, name, checks in VOLUNTEER_ROLES:
        VolunteerRole.objects.get_or_create(
            organisation=None, code=code, defaults={"name": name, "required_checks": checks}
        )


class Migration(migrations.Migration):
    dependencies = [("involvement", "0001_initial")]

    operations = [migrations.RunPython(add_built_ins, migrations.RunPython.noop)]
