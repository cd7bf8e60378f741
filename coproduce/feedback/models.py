"""Feedback: surveys, the questions in them, and the responses people give by any route.

Every response counts the same whichever way it came in (online, signed in, assisted or on paper);
the mode is recorded so reports can show that no route is being ignored."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


class Survey(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        OPEN = "open", _("Open")
        CLOSED = "closed", _("Closed")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organisation = models.ForeignKey("core.Organisation", on_delete=models.CASCADE, related_name="surveys")
    title = models.CharField(_("title"), max_length=200)
    about = models.CharField(
        _("service or team it is about"),
        max_length=200,
        blank=True,
        help_text=_("For example, Community mental health team, North"),
    )
    # When a survey covers several services, each respondent can say which one their answers are about.
    service_choices = models.JSONField(
        _("services people can choose from"),
        default=list,
        blank=True,
        help_text=_("Optional. One on each line. People then say which service their feedback is about."),
    )
    welcome = models.TextField(
        _("welcome text"), blank=True, help_text=_("Shown above the questions. Say why you are asking.")
    )
    thank_you = models.TextField(
        _("thank-you text"), blank=True, help_text=_("Shown after someone sends their answers.")
    )
    opens_on = models.DateField(_("opens on"), null=True, blank=True)
    closes_on = models.DateField(_("closes on"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    is_public = models.BooleanField(
        _("anyone with the link can answer, without signing in"),
        default=True,
        help_text=_("Answers are anonymous unless someone chooses to leave contact details."),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(opens_on__isnull=True)
                | Q(closes_on__isnull=True)
                | Q(closes_on__gte=models.F("opens_on")),
                name="survey_closes_after_opening",
            ),
        ]
        indexes = [models.Index(fields=["organisation", "status"], name="survey_org_status")]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse(
            "feedback:survey-detail", kwargs={"org": self.organisation.slug, "survey": self.public_id}
        )

    def public_url(self) -> str:
        return reverse(
            "public-survey", kwargs={"organisation_slug": self.organisation.slug, "survey": self.public_id}
        )

    def accepts_answers(self, today) -> bool:
        """Open, and today is within its dates (a survey without dates is open until it is closed)."""
        return (
            self.status == self.Status.OPEN
            and (self.opens_on is None or self.opens_on <= today)
            and (self.closes_on is None or today <= self.closes_on)
        )


class QuestionKind(models.TextChoices):
    SINGLE_CHOICE = "single_choice", _("Choose one answer")
    MULTIPLE_CHOICE = "multiple_choice", _("Choose one or more answers")
    RATING_SCALE = "rating_scale", _("Rating scale")
    YES_NO_NOT_SURE = "yes_no_not_sure", _("Yes, no or not sure")
    FREE_TEXT = "free_text", _("Written answer")


CHOICE_KINDS = {
    QuestionKind.SINGLE_CHOICE,
    QuestionKind.MULTIPLE_CHOICE,
    QuestionKind.RATING_SCALE,
    QuestionKind.YES_NO_NOT_SURE,
}


class Question(models.Model):
    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="questions")
    position = models.PositiveSmallIntegerField(default=0)
    kind = models.CharField(_("type of question"), max_length=20, choices=QuestionKind.choices)
    text = models.CharField(_("question"), max_length=500)
    help_text = models.CharField(_("hint"), max_length=500, blank=True)
    required = models.BooleanField(_("an answer is required"), default=False)
    # The answers people choose from, in the order shown. Answers store the chosen labels.
    choices = models.JSONField(_("answers to choose from"), default=list, blank=True)
    section = models.CharField(
        _("section title"), max_length=200, blank=True, help_text=_("Starts a new section with this heading.")
    )
    # Set on questions made from a template ("fft"), so results know the Friends and Family Test
    # whatever language or wording the survey was made in.
    code = models.SlugField(max_length=40, blank=True)

    class Meta:
        ordering = ["position", "id"]
        indexes = [models.Index(fields=["survey", "position"], name="question_survey_position")]

    def __str__(self) -> str:
        return self.text

    @property
    def has_choices(self) -> bool:
        return self.kind in CHOICE_KINDS


class Response(models.Model):
    class Mode(models.TextChoices):
        ONLINE = "online", _("Online (public link)")
        SIGNED_IN = "signed_in", _("Online (signed in)")
        ASSISTED = "assisted", _("Assisted by staff")
        PAPER = "paper", _("Paper form")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="responses")
    mode = models.CharField(_("how it was given"), max_length=10, choices=Mode.choices)
    submitted_at = models.DateTimeField(_("sent"), db_index=True)
    # Generated into the form when it is shown: a double click, a back-and-resubmit or a network
    # retry sends the same key, so it finds the first response instead of making a second.
    idempotency_key = models.CharField(max_length=64)
    # The member of staff or volunteer who typed in an assisted or paper response; never the
    # respondent, so that answers stay anonymous.
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # The service or team the answers are about: the one the respondent chose, else the survey's own.
    service = models.CharField(_("service or team"), max_length=200, blank=True)
    contact_ok = models.BooleanField(_("happy to be contacted about this feedback"), default=False)
    contact_name = models.CharField(_("name"), max_length=200, blank=True)
    contact_email = models.EmailField(_("email address"), blank=True)
    contact_phone = models.CharField(_("phone number"), max_length=40, blank=True)
    # The language of the pages the answers were given in: we write back to them in it.
    contact_language = models.CharField(max_length=10, blank=True, default="")

    class Meta:
        ordering = ["-submitted_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["survey", "idempotency_key"], name="response_once_per_key"),
            # Contact details are kept only with consent.
            models.CheckConstraint(
                condition=Q(contact_ok=True) | Q(contact_name="", contact_email="", contact_phone=""),
                name="response_contact_only_with_consent",
            ),
        ]
        indexes = [
            models.Index(fields=["survey", "submitted_at"], name="response_survey_sent"),
            models.Index(fields=["survey", "service"], name="response_survey_service"),
        ]

    def __str__(self) -> str:
        return f"Response {self.public_id} to {self.survey}"


class Answer(models.Model):
    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="answers")
    # The chosen labels, in the question's order, so identical answers group together in reports.
    choices = models.JSONField(default=list, blank=True)
    text = models.TextField(blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["response", "question"], name="answer_once_per_question")
        ]

    def __str__(self) -> str:
        return f"Answer to {self.question}"
