"""Themes: an organisation's framework of themes for free-text feedback (staff attitude,
communication, ...), and what each comment is about."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Theme(models.Model):
    organisation = models.ForeignKey("core.Organisation", on_delete=models.CASCADE, related_name="themes")
    name = models.CharField(_("name"), max_length=100)
    description = models.TextField(_("what it covers"), blank=True)
    # Set on the default framework's themes, so the starter model's labels find them whatever the
    # organisation renames them to; blank for themes an organisation adds.
    code = models.SlugField(max_length=60, blank=True)
    position = models.PositiveSmallIntegerField(default=0)
    is_active = models.BooleanField(_("in use"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["position", "name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "name"], name="theme_name_once_per_organisation"),
        ]

    def __str__(self) -> str:
        return self.name
