from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PeopleConfig(AppConfig):
    name = "coproduce.people"
    label = "people"
    verbose_name = _("Involvement register")

    def ready(self):
        from . import permissions  # noqa: F401 - registers the register's checks for templates
