"""Themes: an organisation's framework of themes for free-text feedback (staff attitude,
communication, ...), and what each comment is about."""

import uuid

from django.conf import settings
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


class Sentiment(models.TextChoices):
    POSITIVE = "positive", _("Positive")
    NEUTRAL = "neutral", _("Neutral or mixed")
    NEGATIVE = "negative", _("Negative")


class RiskAction(models.TextChoices):
    SAFEGUARDING = "safeguarding", _("Referred to the safeguarding team")
    CLINICAL = "clinical", _("Passed to the clinical team")
    CONTACTED = "contacted", _("Contacted the person")
    EMERGENCY = "emergency", _("Contacted emergency services")
    NO_RISK = "no_risk", _("Read it carefully: no risk to act on")


class Comment(models.Model):
    """A written answer to a survey question, with the themes and sentiment it is about.

    Labels start as the model's suggestions and become the staff member's choice when confirmed. A
    possible risk is flagged for a person to act on; it is never cleared automatically."""

    class Status(models.TextChoices):
        WAITING = "waiting", _("Waiting for suggestions")
        SUGGESTED = "suggested", _("Suggested, not checked")
        CONFIRMED = "confirmed", _("Checked by staff")

    class Risk(models.TextChoices):
        NONE = "none", _("No risk flagged")
        FLAGGED = "flagged", _("Possible risk: needs a person to act")
        ACTIONED = "actioned", _("Possible risk: acted on")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organisation = models.ForeignKey("core.Organisation", on_delete=models.CASCADE, related_name="+")
    survey = models.ForeignKey("feedback.Survey", on_delete=models.CASCADE, related_name="+")
    answer = models.OneToOneField("feedback.Answer", on_delete=models.CASCADE, related_name="theme_comment")
    themes = models.ManyToManyField(Theme, through="CommentTheme", related_name="comments")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.WAITING)
    sentiment = models.CharField(_("sentiment"), max_length=10, choices=Sentiment.choices, blank=True)
    # What the model suggested, kept after staff confirm, so agreement can be measured.
    suggested = models.JSONField(default=dict, blank=True)
    suggested_at = models.DateTimeField(null=True, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    confirmed_at = models.DateTimeField(null=True, blank=True, db_index=True)
    risk = models.CharField(max_length=10, choices=Risk.choices, default=Risk.NONE)
    risk_reasons = models.JSONField(default=list, blank=True)
    risk_flagged_at = models.DateTimeField(null=True, blank=True)
    # Blank when the words of the comment raised the flag; the person otherwise.
    risk_flagged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    risk_action = models.CharField(_("what you did"), max_length=20, choices=RiskAction.choices, blank=True)
    risk_note = models.TextField(_("notes"), blank=True)
    risk_actioned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    risk_actioned_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [
            models.Index(fields=["organisation", "risk", "status"], name="comment_org_queue"),
            models.Index(fields=["survey", "status"], name="comment_survey_status"),
        ]

    def __str__(self) -> str:
        return f"Comment {self.public_id}"


class CommentTheme(models.Model):
    """A theme a comment is about: a suggestion (with the model's score) until staff confirm."""

    comment = models.ForeignKey(Comment, on_delete=models.CASCADE, related_name="labels")
    theme = models.ForeignKey(Theme, on_delete=models.CASCADE, related_name="labels")
    score = models.FloatField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["comment", "theme"], name="comment_theme_once")]

    def __str__(self) -> str:
        return f"{self.theme} on {self.comment}"


class Classifier(models.Model):
    """A trained theme and sentiment model, stored in the database because app servers keep nothing.

    The starter model (no organisation) is trained from the shipped NHS comments; an organisation's
    own model adds the labels its staff confirmed."""

    organisation = models.ForeignKey(
        "core.Organisation", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    data = models.BinaryField()
    # Label keys: theme codes for the starter model, theme ids for an organisation's model.
    labels = models.JSONField(default=list)
    trained_at = models.DateTimeField(db_index=True)
    example_count = models.PositiveIntegerField(default=0)
    confirmed_count = models.PositiveIntegerField(default=0)
    train_seconds = models.FloatField(default=0)
    scores = models.JSONField(default=dict, blank=True)
    source = models.CharField(max_length=64, blank=True)  # checksum of the starter data

    class Meta:
        ordering = ["-trained_at", "-id"]

    def __str__(self) -> str:
        return f"Theme model trained {self.trained_at:%Y-%m-%d %H:%M}"
