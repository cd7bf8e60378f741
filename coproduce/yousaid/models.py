"""You said, we did: what people told us, what we did about it, and telling them.

A ``YouSaid`` item is one thing people told the organisation, in plain words, with where it came from.
Each ``WeDid`` is an answer to it (we did, we will, we could not), owned by a member of staff; an answer
reaches the public board only once a lead has approved it. Every move people should hear about is a
``Change``; a ``DigestSubscription`` is someone who hears about the moves of the items behind them, in a
daily or weekly digest, never one message per change. Each digest sent is a ``DigestDelivery``."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

# An item with no published answer this many days after it was raised is overdue and escalated.
RESPOND_WITHIN_DAYS = 28


class Source(models.TextChoices):
    THEME = "theme", _("A theme in comments")
    COMMENTS = "comments", _("Comments")
    SURVEY = "survey", _("A survey result")
    GROUP = "group", _("A group or forum")
    PROJECT = "project", _("A project")
    DIRECT = "direct", _("Written directly")


class YouSaid(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organisation = models.ForeignKey(
        "core.Organisation", on_delete=models.CASCADE, related_name="you_said_items"
    )
    summary = models.TextField(
        _("what people told us"),
        max_length=1000,
        help_text=_(
            "In plain words, as people said it, for example: 'It is hard to get through on the phone'. "
            "This is shown on the public board once an answer is approved."
        ),
    )
    service = models.CharField(
        _("service it is about"),
        max_length=200,
        blank=True,
        help_text=_("For example, Community mental health team, North"),
    )
    source = models.CharField(_("where it came from"), max_length=20, choices=Source.choices)
    theme = models.ForeignKey(
        "themes.Theme",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="you_said_items",
        verbose_name=_("theme"),
    )
    # The comments behind it. They stay private: only their number is ever shown publicly.
    comments = models.ManyToManyField(
        "feedback.Answer", blank=True, related_name="you_said_items", verbose_name=_("comments")
    )
    survey = models.ForeignKey(
        "feedback.Survey",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="you_said_items",
        verbose_name=_("survey"),
    )
    question = models.ForeignKey(
        "feedback.Question",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="you_said_items",
        verbose_name=_("survey question"),
    )
    group = models.ForeignKey(
        "people.Group",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="you_said_items",
        verbose_name=_("group or forum"),
    )
    # The group's connector who raised it, when a group raised it.
    raised_by = models.ForeignKey(
        "people.Person", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    project = models.ForeignKey(
        "projects.Project",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="you_said_items",
        verbose_name=_("project"),
    )
    raised_on = models.DateField(_("date people told us"), default=timezone.localdate)
    respond_by = models.DateField(
        _("answer by"),
        help_text=_("If no answer is published by then, the item is escalated to the responsible executive."),
    )
    executive = models.ForeignKey(
        "core.Membership",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="you_said_items_answerable",
        verbose_name=_("responsible executive"),
        help_text=_(
            "Overdue items are escalated to them. If you choose nobody, the project's sponsor is "
            "responsible, or else every executive."
        ),
    )
    # Kept on the item (set when its first answer is published) for the board's order and loop closure.
    first_published_at = models.DateTimeField(null=True, blank=True)
    escalated_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-raised_on", "-id"]
        verbose_name = _("you said item")
        indexes = [
            models.Index(fields=["organisation", "-raised_on"], name="yousaid_org_raised"),
            models.Index(fields=["organisation", "first_published_at"], name="yousaid_org_published"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(respond_by__gte=models.F("raised_on")),
                name="yousaid_respond_after_raised",
                violation_error_message=_(
                    "The answer-by date must be the same as or after the date people told us"
                ),
            ),
        ]

    def __str__(self) -> str:
        return self.summary[:80]

    def get_absolute_url(self) -> str:
        return reverse("yousaid:item-detail", kwargs={"org": self.organisation.slug, "item": self.public_id})

    @property
    def is_published(self) -> bool:
        return self.first_published_at is not None


class WeDid(models.Model):
    """An answer to a "you said": we did, we will (by a date), or we could not, because ..."""

    class Kind(models.TextChoices):
        DID = "did", _("We did")
        WILL = "will", _("We will")
        COULD_NOT = "could_not", _("We could not")

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        IN_PROGRESS = "in_progress", _("In progress")
        DONE = "done", _("Done")
        COULD_NOT = "could_not", _("Could not")

    class Publication(models.TextChoices):
        DRAFT = "draft", _("Draft")
        AWAITING = "awaiting", _("Waiting for a lead's approval")
        PUBLISHED = "published", _("Published")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    item = models.ForeignKey(YouSaid, on_delete=models.CASCADE, related_name="responses")
    kind = models.CharField(_("answer"), max_length=20, choices=Kind.choices)
    action = models.TextField(
        _("what we did, will do or could not do"),
        max_length=2000,
        help_text=_("In plain words, for example: 'We added a second phone line on Monday mornings'."),
    )
    reason = models.TextField(
        _("because"),
        max_length=2000,
        blank=True,
        help_text=_("Only for 'we could not': say why, honestly and plainly."),
    )
    due_on = models.DateField(_("by when"), null=True, blank=True, help_text=_("Needed for 'we will'."))
    owner = models.ForeignKey(
        "core.Membership",
        null=True,
        on_delete=models.SET_NULL,
        related_name="you_said_responses",
        verbose_name=_("owner"),
    )
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.OPEN)
    publication = models.CharField(
        _("publication"), max_length=20, choices=Publication.choices, default=Publication.DRAFT
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    published_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("we did answer")
        indexes = [models.Index(fields=["item", "publication"], name="wedid_item_publication")]
        constraints = [
            models.CheckConstraint(
                condition=~Q(kind="will") | Q(due_on__isnull=False),
                name="wedid_will_has_due_date",
                violation_error_message=_("Enter the date by which we will do it, for example 31 3 2027"),
            ),
            models.CheckConstraint(
                condition=~Q(publication="published") | Q(published_at__isnull=False),
                name="wedid_published_has_date",
                violation_error_message=_("A published answer needs the date it was published"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.action[:60]}"

    @property
    def is_published(self) -> bool:
        return self.publication == self.Publication.PUBLISHED


class Change(models.Model):
    """A move of an item that the people behind it should hear about, in their next digest."""

    class Kind(models.TextChoices):
        RAISED = "raised", _("Recorded")
        PUBLISHED = "published", _("Answer published")
        STATUS = "status", _("Status changed")
        UPDATED = "updated", _("Answer changed")

    organisation = models.ForeignKey("core.Organisation", on_delete=models.CASCADE, related_name="+")
    item = models.ForeignKey(YouSaid, on_delete=models.CASCADE, related_name="changes")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    message = models.CharField(max_length=500)
    # The same line in every language we write in (code -> text), so each digest reads in its reader's
    # language whoever made the change. Changes made before this was kept have only `message`.
    messages = models.JSONField(default=dict, blank=True)
    # Public changes (about approved answers) go to everyone behind the item; the others (such as the
    # item being recorded) only to the group that raised it.
    public = models.BooleanField(default=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["id"]
        indexes = [models.Index(fields=["organisation", "id"], name="yousaid_change_org_id")]

    def __str__(self) -> str:
        return self.message

    def message_in(self, language: str) -> str:
        return self.messages.get(language) or self.message


class Frequency(models.TextChoices):
    DAILY = "daily", _("Once a day, when something has changed")
    WEEKLY = "weekly", _("Once a week, when something has changed")


class DigestSubscription(models.Model):
    """Someone who is told about the items behind them. Who follows which items is worked out from the
    records each time (their comments, their group), so joining a group or leaving one needs no upkeep."""

    class Kind(models.TextChoices):
        # Left contact details, with consent, on a survey response behind an item.
        CONTACT = "contact", _("Someone who left contact details")
        # A current member of a group that raised an item; told by their preferred channel.
        PERSON = "person", _("A group member")
        # An executive answering for overdue items: a weekly digest until they are answered.
        EXECUTIVE = "executive", _("An executive")

    token = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organisation = models.ForeignKey("core.Organisation", on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    email = models.EmailField(blank=True)
    # A contact who left a phone number and no email: told through the lead's call list.
    phone = models.CharField(max_length=40, blank=True)
    # A contact's language, from the response they left their details on; people with accounts are
    # written to in the language they chose (User.language).
    language = models.CharField(max_length=10, blank=True, default="")
    person = models.ForeignKey(
        "people.Person", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    membership = models.ForeignKey(
        "core.Membership", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    frequency = models.CharField(
        _("how often"), max_length=10, choices=Frequency.choices, default=Frequency.WEEKLY
    )
    active = models.BooleanField(default=True)
    # The last change already told: the next digest tells only later ones.
    last_change_id = models.BigIntegerField(default=0)
    last_sent_on = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "email"],
                condition=Q(kind="contact") & ~Q(email=""),
                name="digest_contact_once",
            ),
            models.UniqueConstraint(
                fields=["organisation", "phone"],
                condition=Q(kind="contact", email=""),
                name="digest_phone_contact_once",
            ),
            models.UniqueConstraint(fields=["person"], condition=Q(kind="person"), name="digest_person_once"),
            models.UniqueConstraint(
                fields=["membership"], condition=Q(kind="executive"), name="digest_executive_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.get_frequency_display()})"


class DigestDelivery(models.Model):
    """One digest sent. At most one per subscription per day, whoever runs the command how often."""

    subscription = models.ForeignKey(DigestSubscription, on_delete=models.CASCADE, related_name="deliveries")
    sent_on = models.DateField()
    sent_at = models.DateTimeField(default=timezone.now)
    channel = models.CharField(max_length=20)
    items = models.PositiveIntegerField(default=0)
    changes = models.PositiveIntegerField(default=0)
    up_to_change_id = models.BigIntegerField(default=0)

    class Meta:
        ordering = ["-sent_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["subscription", "sent_on"], name="digest_once_a_day"),
        ]

    def __str__(self) -> str:
        return f"Digest of {self.sent_on}"
