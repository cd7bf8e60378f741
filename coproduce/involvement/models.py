"""Involvement: activities people take part in, who attended and for how long, and volunteer placements.

The quarterly figures ("317 service users and 80 carers were involved ...") are computed from these
records, never typed in."""

import uuid
from collections.abc import Iterable
from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext, gettext_noop
from django.utils.translation import gettext_lazy as _


class ActivityType(models.Model):
    """A kind of activity. Built-in kinds have no organisation; an organisation may add its own."""

    organisation = models.ForeignKey(
        "core.Organisation", null=True, blank=True, on_delete=models.CASCADE, related_name="activity_types"
    )
    code = models.SlugField(max_length=40)
    name = models.CharField(_("name"), max_length=80)
    position = models.PositiveSmallIntegerField(default=100)

    class Meta:
        ordering = ["position", "name"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "code"], name="activity_type_unique_code"),
            models.UniqueConstraint(
                fields=["code"],
                condition=Q(organisation__isnull=True),
                name="activity_type_unique_builtin_code",
            ),
        ]

    def __str__(self) -> str:
        # Built-in names are in the translation catalogue; an organisation's own are shown as typed.
        return gettext(self.name) if self.organisation_id is None else self.name


# The built-in kinds (created by migration 0002); listed here so their names are translated.
BUILT_IN_ACTIVITY_TYPES = [
    ("meeting", gettext_noop("Meeting")),
    ("audit_inspection", gettext_noop("Audit and inspection")),
    ("recruitment_selection", gettext_noop("Recruitment and selection panel")),
    ("training_delivered", gettext_noop("Training (delivered)")),
    ("training_received", gettext_noop("Training (received)")),
    ("event", gettext_noop("Event")),
    ("codesign_workshop", gettext_noop("Co-design workshop")),
    ("focus_group", gettext_noop("Focus group")),
    ("course_delivery", gettext_noop("Course delivery")),
    ("peer_mentoring", gettext_noop("Peer mentoring")),
    ("volunteering_shift", gettext_noop("Volunteering shift")),
]


class Activity(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organisation = models.ForeignKey("core.Organisation", on_delete=models.CASCADE, related_name="activities")
    activity_type = models.ForeignKey(
        ActivityType, on_delete=models.PROTECT, related_name="activities", verbose_name=_("type")
    )
    title = models.CharField(_("title"), max_length=200)
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    place = models.CharField(
        _("place"), max_length=200, blank=True, help_text=_("An address, a room, or 'online'")
    )
    facilitators = models.CharField(_("facilitators"), max_length=300, blank=True)
    group = models.ForeignKey(
        "people.Group",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="activities",
        verbose_name=_("group"),
    )
    notes = models.TextField(_("notes"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-starts_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gte=F("starts_at")), name="activity_ends_after_start"
            ),
        ]
        indexes = [models.Index(fields=["organisation", "starts_at"], name="activity_org_start")]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse(
            "involvement:activity-detail", kwargs={"org": self.organisation.slug, "activity": self.public_id}
        )

    @property
    def duration_hours(self) -> Decimal:
        seconds = (self.ends_at - self.starts_at).total_seconds()
        return (Decimal(seconds) / Decimal(3600)).quantize(Decimal("0.01"))


class TakingPartAs(models.TextChoices):
    LIVED_EXPERIENCE = "lived_experience", _("Lived experience (service user)")
    CARER = "carer", _("Carer")
    STAFF = "staff", _("Staff")
    VOLUNTEER = "volunteer", _("Volunteer")


class AttendanceStatus(models.TextChoices):
    ATTENDED = "attended", _("Attended")
    APOLOGIES = "apologies", _("Sent apologies")
    DID_NOT_ATTEND = "did_not_attend", _("Did not attend")


MAX_HOURS = Decimal("24")


class Attendance(models.Model):
    """One person's part in one activity. Claims (later) are derived from this, never typed twice."""

    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="attendances")
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="attendances")
    taking_part_as = models.CharField(_("taking part as"), max_length=20, choices=TakingPartAs.choices)
    status = models.CharField(
        _("attendance"), max_length=20, choices=AttendanceStatus.choices, default=AttendanceStatus.ATTENDED
    )
    hours = models.DecimalField(
        _("hours"),
        max_digits=4,
        decimal_places=2,
        default=Decimal("0"),
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(MAX_HOURS)],
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now=True)
    # When this person last took part before this activity: at all, taking part the same way (lived
    # experience, carer...), and the same way in the same type of activity. Attended rows only; None if
    # never. Kept by `refresh_previous_attendance`. A person's first row in a period is the only one
    # dated before the period began, so the report counts unique people and new voices by counting rows,
    # with no DISTINCT and no pass over the year before (selectors.period_figures).
    previous_attended_at = models.DateTimeField(null=True, blank=True, editable=False)
    previous_same_part_at = models.DateTimeField(null=True, blank=True, editable=False)
    previous_same_type_and_part_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["person__full_name"]
        constraints = [
            models.UniqueConstraint(fields=["activity", "person"], name="attendance_once_per_activity"),
            models.CheckConstraint(
                condition=Q(hours__gte=0) & Q(hours__lte=24), name="attendance_hours_range"
            ),
        ]
        indexes = [models.Index(fields=["person", "status"], name="attendance_person_status")]

    def __str__(self) -> str:
        return f"{self.person} at {self.activity}"


PREVIOUS_FIELDS = ("previous_attended_at", "previous_same_part_at", "previous_same_type_and_part_at")


class PreviousAttendance:
    """Walks attended rows oldest first (rows at the same moment by id) and gives each row the times its
    person last took part: at all, the same way, and the same way in the same type of activity."""

    def __init__(self):
        self.last: dict[tuple, object] = {}

    def next(self, person_id: int, taking_part_as: str, type_id: int, starts_at) -> tuple:
        keys = ((person_id,), (person_id, taking_part_as), (person_id, taking_part_as, type_id))
        previous = tuple(self.last.get(key) for key in keys)
        for key in keys:
            self.last[key] = starts_at
        return previous


def refresh_previous_attendance(*, person_ids: Iterable[int] | None = None, organisation=None) -> int:
    """Bring the `PREVIOUS_FIELDS` of these people's rows (or a whole organisation's, after bulk inserts)
    up to date. Called by every service that records or removes attendance or moves an activity or
    changes its type. Returns how many rows changed."""
    rows = Attendance.objects.all()
    if person_ids is not None:
        rows = rows.filter(person_id__in=list(person_ids))
    if organisation is not None:
        rows = rows.filter(activity__organisation=organisation)
    walk = PreviousAttendance()
    updates = []
    ordered = rows.order_by("activity__starts_at", "id").values_list(
        "id",
        "person_id",
        "status",
        "taking_part_as",
        "activity__activity_type_id",
        "activity__starts_at",
        *PREVIOUS_FIELDS,
    )
    for pk, person_id, status, part, type_id, starts_at, *kept in ordered.iterator(chunk_size=5000):
        now = (None, None, None)
        if status == AttendanceStatus.ATTENDED:
            now = walk.next(person_id, part, type_id, starts_at)
        if tuple(kept) != now:
            updates.append(Attendance(pk=pk, **dict(zip(PREVIOUS_FIELDS, now, strict=True))))
    Attendance.objects.bulk_update(updates, PREVIOUS_FIELDS, batch_size=500)
    return len(updates)


class VolunteerRole(models.Model):
    """Activity assistant, peer mentor, befriender, or an organisation's own role."""

    organisation = models.ForeignKey(
        "core.Organisation", null=True, blank=True, on_delete=models.CASCADE, related_name="volunteer_roles"
    )
    code = models.SlugField(max_length=40)
    name = models.CharField(_("name"), max_length=80)
    required_checks = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "code"], name="volunteer_role_unique_code")
        ]

    def __str__(self) -> str:
        return gettext(self.name) if self.organisation_id is None else self.name


BUILT_IN_VOLUNTEER_ROLES = [
    ("activity_assistant", gettext_noop("Activity assistant"), ["dbs", "induction", "safeguarding"]),
    ("peer_mentor", gettext_noop("Peer mentor"), ["dbs", "induction", "safeguarding", "confidentiality"]),
    ("befriender", gettext_noop("Befriender"), ["dbs", "induction"]),
]


class Placement(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organisation = models.ForeignKey("core.Organisation", on_delete=models.CASCADE, related_name="placements")
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="placements")
    role = models.ForeignKey(
        VolunteerRole, on_delete=models.PROTECT, related_name="placements", verbose_name=_("role")
    )
    team = models.CharField(_("team or service"), max_length=200)
    starts_on = models.DateField(_("start date"))
    ends_on = models.DateField(
        _("end date"), null=True, blank=True, help_text=_("Leave empty while it continues.")
    )
    supervisor = models.CharField(_("supervisor"), max_length=200, blank=True)

    class Meta:
        ordering = ["-starts_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=F("starts_on")),
                name="placement_ends_after_start",
            )
        ]
        indexes = [models.Index(fields=["organisation", "starts_on"], name="placement_org_start")]

    def __str__(self) -> str:
        return f"{self.person} as {self.role}"

    def get_absolute_url(self) -> str:
        return reverse(
            "involvement:placement-detail",
            kwargs={"org": self.organisation.slug, "placement": self.public_id},
        )


class VolunteerHours(models.Model):
    placement = models.ForeignKey(Placement, on_delete=models.CASCADE, related_name="hours_logged")
    worked_on = models.DateField(_("date"))
    hours = models.DecimalField(
        _("hours"),
        max_digits=4,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0.25")), MaxValueValidator(MAX_HOURS)],
    )
    logged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    logged_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-worked_on"]
        constraints = [
            models.CheckConstraint(condition=Q(hours__gt=0) & Q(hours__lte=24), name="volunteer_hours_range")
        ]

    def __str__(self) -> str:
        return f"{self.hours}h on {self.worked_on}"


class ForWhom(models.TextChoices):
    LIVED_EXPERIENCE = "lived_experience", _("People with lived experience")
    CARERS = "carers", _("Carers")
    ANYONE = "anyone", _("Anyone")


class Opportunity(models.Model):
    """A chance to get involved: paid, vouchered or voluntary, with fair selection for its places."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        OPEN = "open", _("Open")
        CLOSED = "closed", _("Closed")
        FILLED = "filled", _("Filled")

    class Location(models.TextChoices):
        IN_PERSON = "in_person", _("In person")
        ONLINE = "online", _("Online")
        BOTH = "both", _("In person or online")

    class Reward(models.TextChoices):
        PAID = "paid", _("Paid")
        VOUCHER = "voucher", _("Vouchers")
        VOLUNTARY = "voluntary", _("Voluntary (expenses paid)")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organisation = models.ForeignKey(
        "core.Organisation", on_delete=models.CASCADE, related_name="opportunities"
    )
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("what it involves"))
    easy_read = models.TextField(
        _("easy read summary"),
        blank=True,
        help_text=_("Short sentences and everyday words. One idea per sentence."),
    )
    activity_type = models.ForeignKey(
        ActivityType,
        on_delete=models.PROTECT,
        related_name="opportunities",
        verbose_name=_("type of activity"),
    )
    for_whom = models.CharField(
        _("who it is for"), max_length=20, choices=ForWhom.choices, default=ForWhom.ANYONE
    )
    places = models.PositiveSmallIntegerField(
        _("places"), validators=[MinValueValidator(1), MaxValueValidator(500)]
    )
    commitment = models.CharField(
        _("dates or commitment"),
        max_length=300,
        help_text=_("For example, 'Tuesday 3 March, 10am to 1pm' or 'two hours a month for a year'"),
    )
    location = models.CharField(
        _("where"), max_length=20, choices=Location.choices, default=Location.IN_PERSON
    )
    location_detail = models.CharField(_("place"), max_length=300, blank=True)
    accessibility = models.TextField(
        _("accessibility"),
        blank=True,
        help_text=_("Step-free access, hearing loop, breaks, what support is available."),
    )
    required_checks = models.JSONField(default=list, blank=True)
    reward = models.CharField(_("payment"), max_length=20, choices=Reward.choices, default=Reward.VOLUNTARY)
    reward_detail = models.CharField(
        _("payment details"),
        max_length=200,
        blank=True,
        help_text=_("For example, '£25 an hour' or '£20 shopping voucher'"),
    )
    closes_on = models.DateField(_("closing date"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    is_public = models.BooleanField(
        _("show on the public page"), default=False, help_text=_("Anyone can see it without signing in.")
    )
    selection_seed = models.BigIntegerField(null=True, blank=True)
    selection_reason = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["closes_on", "title"]
        indexes = [
            models.Index(fields=["organisation", "status", "closes_on"], name="opportunity_org_status")
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse(
            "involvement:opportunity-detail",
            kwargs={"org": self.organisation.slug, "opportunity": self.public_id},
        )

    def accepts_interest(self, today) -> bool:
        return self.status == self.Status.OPEN and self.closes_on >= today


class ExpressionOfInterest(models.Model):
    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("Waiting for a decision")
        WITHDRAWN = "withdrawn", _("Withdrawn")
        SELECTED = "selected", _("Selected")
        NOT_SELECTED = "not_selected", _("Not selected this time")

    opportunity = models.ForeignKey(Opportunity, on_delete=models.CASCADE, related_name="interests")
    person = models.ForeignKey("people.Person", on_delete=models.CASCADE, related_name="interests")
    why = models.TextField(_("why you are interested"), blank=True)
    availability = models.CharField(_("when you are available"), max_length=300, blank=True)
    needs = models.TextField(_("what you need to take part"), blank=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.SUBMITTED)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    on_behalf = models.BooleanField(default=False)
    submitted_at = models.DateTimeField(auto_now_add=True)
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["submitted_at"]
        constraints = [
            models.UniqueConstraint(fields=["opportunity", "person"], name="interest_once_per_opportunity")
        ]

    def __str__(self) -> str:
        return f"{self.person} for {self.opportunity}"


class Letter(models.Model):
    """Something the lead tells someone by hand: a letter to print and post, or a call (or a text
    message) to make, for people who are not contacted by email or in the app."""

    class Channel(models.TextChoices):
        POST = "post", _("Letter by post")
        PHONE = "phone", _("Phone call")
        SMS = "sms", _("Text message (SMS)")

    organisation = models.ForeignKey("core.Organisation", on_delete=models.CASCADE, related_name="letters")
    # Someone on the register; or, for a call only, someone who left a name and number with their
    # feedback (and agreed to be contacted) without being on the register.
    person = models.ForeignKey(
        "people.Person", null=True, blank=True, on_delete=models.CASCADE, related_name="letters"
    )
    name = models.CharField(max_length=200, blank=True)
    phone = models.CharField(max_length=40, blank=True)
    channel = models.CharField(max_length=10, choices=Channel.choices, default=Channel.POST)
    subject = models.CharField(max_length=200)
    body = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)
    printed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(person__isnull=False) | (~Q(phone="") & ~Q(channel="post")),
                name="letter_to_someone_we_can_reach",
            )
        ]

    def __str__(self) -> str:
        return self.subject

    @property
    def who(self) -> str:
        return self.person.full_name if self.person_id else (self.name or self.phone)

    @property
    def number(self) -> str:
        return self.person.phone if self.person_id else self.phone


class StoredReport(models.Model):
    """One period's involvement figures (`selectors.PeriodFigures`), kept once the period has ended so
    the report opens at once; a report reads two of them, the period and the one before.

    Computed from the records on first use, never typed in. Every service that changes activities,
    attendance or placements forgets the stored figures whose records it touched (`depends_from` to
    `end`: the period and the twelve months before it, whose records decide its new voices)."""

    organisation = models.ForeignKey("core.Organisation", on_delete=models.CASCADE, related_name="+")
    start = models.DateField()
    end = models.DateField()
    depends_from = models.DateField()
    figures = models.JSONField()
    computed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organisation", "start", "end"], name="stored_report_once"),
        ]

    def __str__(self) -> str:
        return f"Involvement {self.start} to {self.end}"


class InvolvementChanged(models.Model):
    """When an organisation's involvement records last changed: figures computed before then are not
    stored, so a change made while a report was being computed can never leave stale figures behind."""

    organisation = models.OneToOneField("core.Organisation", on_delete=models.CASCADE, related_name="+")
    at = models.DateTimeField()

    def __str__(self) -> str:
        return f"Involvement changed at {self.at}"
