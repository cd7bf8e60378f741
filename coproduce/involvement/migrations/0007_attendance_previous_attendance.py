from django.db import migrations, models

FIELDS = ("previous_attended_at", "previous_same_part_at", "previous_same_type_and_part_at")


def fill_previous_attendance(apps, schema_editor):
    """What `refresh_previous_attendance` keeps from now on, for the records already there: for each
    attended row, when its person last took part at all, the same way, and the same way in the same
    type of activity (oldest first, rows at the same moment by id)."""
    Attendance = apps.get_model("involvement", "Attendance")
    rows = (
        Attendance.objects.filter(status="attended")
        .order_by("activity__starts_at", "id")
        .values_list("id", "person_id", "taking_part_as", "activity__activity_type_id", "activity__starts_at")
    )
    last, updates = {}, []
    for pk, person_id, part, type_id, starts_at in rows.iterator(chunk_size=5000):
        keys = ((person_id,), (person_id, part), (person_id, part, type_id))
        previous = [last.get(key) for key in keys]
        for key in keys:
            last[key] = starts_at
        if any(previous):
            updates.append(Attendance(pk=pk, **dict(zip(FIELDS, previous, strict=True))))
        if len(updates) >= 5000:
            Attendance.objects.bulk_update(updates, FIELDS)
            updates = []
    Attendance.objects.bulk_update(updates, FIELDS)


def forget_stored_reports(apps, schema_editor):
    # Stored figures are now kept per period, in a new shape: they are computed again when next asked for.
    apps.get_model("involvement", "StoredReport").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [
        ("involvement", "0006_letter_to_contacts"),
    ]

    operations = [
        *[
            migrations.AddField(
                model_name="attendance",
                name=name,
                field=models.DateTimeField(blank=True, editable=False, null=True),
            )
            for name in FIELDS
        ],
        migrations.RunPython(fill_previous_attendance, migrations.RunPython.noop, elidable=True),
        migrations.RunPython(forget_stored_reports, migrations.RunPython.noop, elidable=True),
    ]
