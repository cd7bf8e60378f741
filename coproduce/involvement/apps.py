from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InvolvementConfig(AppConfig):
    name = "coproduce.involvement"
    label = "involvement"
    verbose_name = _("Involvement")

    def ready(self):
        from . import permissions  # noqa: F401 - registers the checks templates ask about
