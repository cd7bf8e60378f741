"""Give every existing organisation the default theme framework (new ones get it when created)."""

from django.db import migrations


def add_default_themes(apps, schema_editor):
    from coproduce.themes.framework import DEFAULT_THEMES

    Organisation = apps.get_model("core", "Organisation")
    Theme = apps.get_model("themes", "Theme")
    for organisation in Organisation.objects.all():
        have = set(Theme.objects.filter(organisation=organisation).values_list("code", flat=True))
        names = set(Theme.objects.filter(organisation=organisation).values_list("name", flat=True))
        Theme.objects.bulk_create(
            Theme(
                organisation=organisation,
                code=theme.code,
                name=theme.name,
                description=theme.description,
                position=position,
            )
            for position, theme in enumerate(DEFAULT_THEMES, start=1)
            if theme.code not in have and theme.name not in names
        )


class Migration(migrations.Migration):
    dependencies = [("themes", "0002_classifier_comment_commenttheme_comment_themes_and_more")]

    operations = [migrations.RunPython(add_default_themes, migrations.RunPython.noop)]
