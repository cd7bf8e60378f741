from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProjectsConfig(AppConfig):
    name = "coproduce.projects"
    label = "projects"
    verbose_name = _("Co-production projects")

    def ready(self):
        from . import permissions  # noqa: F401 - registers the checks templates ask about
