from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "coproduce.core"
    label = "core"
    verbose_name = _("Organisations and accounts")

    def ready(self) -> None:
        from . import signals  # noqa: F401 - connects the receivers
