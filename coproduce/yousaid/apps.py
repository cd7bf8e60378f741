from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class YouSaidConfig(AppConfig):
    name = "coproduce.yousaid"
    label = "yousaid"
    verbose_name = _("You said, we did")

    def ready(self):
        from . import permissions  # noqa: F401 - registers the checks templates ask about
