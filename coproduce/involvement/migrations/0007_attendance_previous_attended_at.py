from django.db import migrations, models


def fill_previous_attended_at(apps, schema_editor):
    """What `refresh_previous_attendance` keeps from now on, for the records already there."""
    Attendance = apps.get_model("involvement", "Attendance")
    rows = (
        Attendance.objects.filter(status="attended")
        .order_by("person_id", "activity__starts_at", "id")
        .values_list("id", "person_id", "activity__starts_at")
    )
    updates, person, previous = [], None, None
    for pk, person_id, starts_at in rows.iterator(chunk_size=5000):
        if person_id != person:
            person, previous = person_id, None
        if previous is not None:
            updates.append(Attendance(id=pk, previous_attended_at=previous))
        previous = starts_at
        if len(updates) >= 5000:
            Attendance.objects.bulk_update(updates, ["previous_attended_at"])
            updates = []
    Attendance.objects.bulk_update(updates, ["previous_attended_at"])


def forget_stored_reports(apps, schema_editor):
    # Stored figures are now kept per period, in a new shape: they are computed again when next asked for.
    apps.get_model("involvement", "StoredReport").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [
        ("involvement", "0006_letter_to_contacts"),
    ]

    operations = [
        migrations.AddField(
            model_name="attendance",
            name="previous_attended_at",
            field=models.DateTimeField(blank=True, editable=False, null=True),
        ),
        migrations.RunPython(fill_previous_attended_at, migrations.RunPython.noop, elidable=True),
        migrations.RunPython(forget_stored_reports, migrations.RunPython.noop, elidable=True),
    ]
