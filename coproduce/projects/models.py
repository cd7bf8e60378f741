"""Co-production projects: stages, a team, the Ladder of Co-production rated from both sides, and
decisions with provenance. The integrity scorecard is computed from these records, never typed in."""

import uuid

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Stage(models.TextChoices):
    CO_DESIGN = "co_design", _("Co-design")
    CO_DECISION = "co_decision", _("Co-decision")
    CO_DELIVERY = "co_delivery", _("Co-delivery")
    CO_EVALUATION = "co_evaluation", _("Co-evaluation")


# Stages keep this order: a later stage cannot start before an earlier one.
STAGE_ORDER = [Stage.CO_DESIGN, Stage.CO_DECISION, Stage.CO_DELIVERY, Stage.CO_EVALUATION]


class ProjectStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    ACTIVE = "active", _("Active")
    PAUSED = "paused", _("Paused")
    FINISHED = "finished", _("Finished")


class Rung(models.IntegerChoices):
    """The Think Local Act Personal Ladder of Co-production."""

    COERCION = 1, _("Coercion")
    EDUCATING = 2, _("Educating")
    INFORMING = 3, _("Informing")
    CONSULTATION = 4, _("Consultation")
    ENGAGEMENT = 5, _("Engagement")
    CO_DESIGN = 6, pgettext_lazy("ladder rung", "Co-design")
    CO_PRODUCTION = 7, _("Co-production")


RUNG_DESCRIPTIONS = {
    1: _("Doing to: people are made to take part and have no say in what happens."),
    2: _("Doing to: people are told about services so that they will use them as planned."),
    3: _("Doing for: people are told what has already been decided."),
    4: _("Doing for: people are asked what they think, but may not be listened to."),
    5: _("Doing for: people have more of a say, but the organisation keeps the power to decide."),
    6: _("Doing with: people help design the service, but do not share every decision about it."),
    7: _("Doing with: an equal partnership. People share power to design, decide, deliver and evaluate."),
}

RUNG_VALIDATORS = [
    MinValueValidator(1, message=_("Choose one of the seven rungs, from 1 (coercion) to 7 (co-production)")),
    MaxValueValidator(7, message=_("Choose one of the seven rungs, from 1 (coercion) to 7 (co-production)")),
]


class Project(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organisation = models.ForeignKey("core.Organisation", on_delete=models.CASCADE, related_name="projects")
    title = models.CharField(_("title"), max_length=200)
    aim = models.TextField(
        _("what it is trying to change"),
        help_text=_(
            "In a sentence or two, in plain words. For example: shorter waits for a first appointment."
        ),
    )
    service_area = models.CharField(
        _("service or area"), max_length=200, blank=True, help_text=_("For example, community mental health")
    )
    sponsor = models.ForeignKey(
        "core.Membership",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="sponsored_projects",
        verbose_name=_("sponsor"),
        help_text=_("The executive who answers for the project."),
    )
    lead = models.ForeignKey(
        "core.Membership",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="led_projects",
        verbose_name=_("lead"),
    )
    status = models.CharField(
        _("status"), max_length=20, choices=ProjectStatus.choices, default=ProjectStatus.PLANNED
    )
    current_stage = models.CharField(
        _("current stage"), max_length=20, choices=Stage.choices, default=Stage.CO_DESIGN
    )
    # The latest declaration, kept here for lists and filters; the history is in LadderDeclaration.
    declared_rung = models.PositiveSmallIntegerField(
        _("declared rung"), null=True, blank=True, choices=Rung.choices, validators=RUNG_VALIDATORS
    )
    is_public = models.BooleanField(
        _("show a public page"),
        default=False,
        help_text=_(
            "Anyone can read a summary without signing in. Names are shown only for people who agreed "
            "to share their story."
        ),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["title"]
        indexes = [models.Index(fields=["organisation", "status"], name="project_org_status")]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("projects:detail", kwargs={"org": self.organisation.slug, "project": self.public_id})

    def get_public_url(self) -> str:
        return reverse(
            "public-project", kwargs={"organisation_slug": self.organisation.slug, "project": self.public_id}
        )


class ProjectStage(models.Model):
    """One of the four stages of a project, with its dates and a short record of what happened."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="stages")
    stage = models.CharField(_("stage"), max_length=20, choices=Stage.choices)
    starts_on = models.DateField(_("start date"), null=True, blank=True)
    ends_on = models.DateField(_("end date"), null=True, blank=True)
    summary = models.TextField(_("what happened"), blank=True)

    class Meta:
        ordering = ["project", "id"]
        constraints = [
            models.UniqueConstraint(fields=["project", "stage"], name="project_stage_once"),
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True)
                | Q(starts_on__isnull=True)
                | Q(ends_on__gte=F("starts_on")),
                name="project_stage_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_stage_display()} of {self.project}"

    @property
    def position(self) -> int:
        return STAGE_ORDER.index(self.stage)


class TeamRole(models.TextChoices):
    LIVED_EXPERIENCE = "lived_experience", _("Lived-experience member")
    CARER = "carer", _("Carer member")
    STAFF = "staff", _("Staff member")
    LEAD = "lead", _("Lead")
    SPONSOR = "sponsor", _("Sponsor")


# The two sides of the ladder: people who use services and carers, and people paid to provide them.
LIVED_EXPERIENCE_ROLES = (TeamRole.LIVED_EXPERIENCE, TeamRole.CARER)


class RatingSide(models.TextChoices):
    LIVED_EXPERIENCE = "lived_experience", _("Lived-experience and carer members")
    STAFF = "staff", _("Staff")


def side_for_role(role: str) -> str:
    return RatingSide.LIVED_EXPERIENCE if role in LIVED_EXPERIENCE_ROLES else RatingSide.STAFF


class TeamMember(models.Model):
    """A person's time on a project team. Leaving keeps the row; rejoining adds a new one."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="team_members")
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="project_roles")
    role = models.CharField(_("role"), max_length=20, choices=TeamRole.choices)
    joined_on = models.DateField(_("joined on"))
    left_on = models.DateField(_("left on"), null=True, blank=True)

    class Meta:
        ordering = ["person__full_name", "joined_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["project", "person"],
                condition=Q(left_on__isnull=True),
                name="team_member_one_current",
            ),
            models.CheckConstraint(
                condition=Q(left_on__isnull=True) | Q(left_on__gte=F("joined_on")),
                name="team_member_leaves_after_joining",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person} on {self.project}"

    @property
    def is_lived_experience(self) -> bool:
        return self.role in LIVED_EXPERIENCE_ROLES

    def was_member_on(self, day) -> bool:
        return self.joined_on <= day and (self.left_on is None or self.left_on >= day)


class ProjectActivity(models.Model):
    """Links an involvement activity (a meeting, a workshop) to a project and the stage it served."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="activity_links")
    activity = models.OneToOneField(
        "involvement.Activity",
        on_delete=models.CASCADE,
        related_name="project_link",
        verbose_name=_("activity"),
    )
    stage = models.CharField(_("stage"), max_length=20, choices=Stage.choices)

    class Meta:
        ordering = ["activity__starts_at"]

    def __str__(self) -> str:
        return f"{self.activity} ({self.get_stage_display()})"


class ProjectUpdate(models.Model):
    """A short post on the project's timeline, written for everyone to read."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="updates")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    author_name = models.CharField(max_length=200, blank=True)
    body = models.TextField(_("update"), max_length=2000)
    posted_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-posted_at", "-id"]

    def __str__(self) -> str:
        return f"Update on {self.project}"


class LadderDeclaration(models.Model):
    """The rung the lead says the project is working at, and why. Kept as history."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="declarations")
    rung = models.PositiveSmallIntegerField(_("rung"), choices=Rung.choices, validators=RUNG_VALIDATORS)
    reason = models.TextField(_("why this rung"))
    declared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    declared_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-declared_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(rung__gte=1) & Q(rung__lte=7), name="declaration_rung_range")
        ]

    def __str__(self) -> str:
        return f"{self.project} declared at rung {self.rung}"


class LadderRating(models.Model):
    """A team member's own, anonymous view of the rung. Their latest counts; earlier ones are the trend.

    Never shown one by one: selectors return only aggregates, and only above the k-anonymity threshold.
    """

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="ladder_ratings")
    rater = models.ForeignKey(TeamMember, on_delete=models.CASCADE, related_name="ladder_ratings")
    # From the member's role when they rated, so a later change of role does not rewrite history.
    side = models.CharField(max_length=20, choices=RatingSide.choices)
    rung = models.PositiveSmallIntegerField(_("rung"), choices=Rung.choices, validators=RUNG_VALIDATORS)
    rated_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-rated_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(rung__gte=1) & Q(rung__lte=7), name="rating_rung_range")
        ]
        indexes = [models.Index(fields=["rater", "-rated_at"], name="rating_latest")]

    def __str__(self) -> str:
        # Deliberately without the rung: this text can end up in logs.
        return f"A ladder rating on {self.project}"


class DecisionMethod(models.TextChoices):
    CONSENSUS = "consensus", _("Consensus")
    VOTE = "vote", _("Vote")
    LEAD = "lead", _("Lead's decision")
    EXECUTIVE = "executive", _("Executive decision")


class Decision(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="decisions")
    summary = models.TextField(_("what was decided"))
    options = models.TextField(_("options considered"), blank=True)
    method = models.CharField(_("how it was decided"), max_length=20, choices=DecisionMethod.choices)
    decided_on = models.DateField(_("date decided"))
    stage = models.CharField(_("stage"), max_length=20, choices=Stage.choices)
    present = models.ManyToManyField(
        TeamMember, related_name="decisions_present", blank=True, verbose_name=_("who was present")
    )
    deciding = models.ManyToManyField(
        TeamMember, related_name="decisions_deciding", blank=True, verbose_name=_("who took part in deciding")
    )
    is_published = models.BooleanField(_("publish on the project's public page"), default=False)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-decided_on", "-id"]

    def __str__(self) -> str:
        return self.summary[:80]

    def get_absolute_url(self) -> str:
        return reverse(
            "projects:decision-detail",
            kwargs={
                "org": self.project.organisation.slug,
                "project": self.project.public_id,
                "decision": self.public_id,
            },
        )
