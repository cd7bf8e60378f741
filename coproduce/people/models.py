"""The involvement register: the people an organisation involves, what they need to take part,
what they bring, what they have agreed to — and nothing more."""

import uuid
from datetime import date, timedelta

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

EXPIRY_WARNING_DAYS = 30


class InvolvementIdentity(models.TextChoices):
    LIVED_EXPERIENCE = "lived_experience", _("Person with lived experience")
    CARER = "carer", _("Carer")
    BOTH = "both", _("Lived experience and carer")
    STAFF_LIVED_EXPERIENCE = "staff_lived_experience", _("Staff with lived experience")
    STAFF = "staff", _("Staff")


class ContactMethod(models.TextChoices):
    EMAIL = "email", _("Email")
    SMS = "sms", _("Text message (SMS)")
    PHONE = "phone", _("Phone call")
    POST = "post", _("Letter by post")


class AccessNeed(models.TextChoices):
    BSL = "bsl", _("British Sign Language (BSL) interpreter")
    EASY_READ = "easy_read", _("Easy read documents")
    LARGE_PRINT = "large_print", _("Large print")
    STEP_FREE = "step_free", _("Step-free access")
    HEARING_LOOP = "hearing_loop", _("Hearing loop")
    QUIET_ROOM = "quiet_room", _("A quiet room")
    BREAKS = "breaks", _("Regular breaks")
    SUPPORTER = "supporter", _("A supporter or carer attending with me")
    MATERIALS_IN_ADVANCE = "materials_in_advance", _("Papers sent in advance")
    ONLINE_ONLY = "online_only", _("Online only")
    IN_PERSON_ONLY = "in_person_only", _("In person only")


class Person(models.Model):
    """Someone on an organisation's register. They may have an account, or be managed by a lead."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organisation = models.ForeignKey("core.Organisation", on_delete=models.CASCADE, related_name="people")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="people"
    )
    full_name = models.CharField(_("full name"), max_length=200)
    preferred_name = models.CharField(
        _("preferred name"), max_length=100, blank=True, help_text=_("What they like to be called.")
    )
    pronouns = models.CharField(_("pronouns"), max_length=40, blank=True, help_text=_("For example, she/her"))
    identity = models.CharField(
        _("how they are involved"),
        max_length=30,
        choices=InvolvementIdentity.choices,
        default=InvolvementIdentity.LIVED_EXPERIENCE,
    )
    email = models.EmailField(_("email address"), blank=True)
    phone = models.CharField(_("phone number"), max_length=40, blank=True)
    address = models.TextField(
        _("postal address"), blank=True, help_text=_("Only needed for letters by post.")
    )
    contact_by_email = models.BooleanField(_("email"), default=False)
    contact_by_sms = models.BooleanField(_("text message (SMS)"), default=False)
    contact_by_phone = models.BooleanField(_("phone call"), default=False)
    contact_by_post = models.BooleanField(_("letter by post"), default=False)
    preferred_contact = models.CharField(
        _("preferred way to contact"), max_length=10, choices=ContactMethod.choices, blank=True
    )
    # The language letters, emails and calls are in. Someone with an account chooses theirs on their
    # account page (User.language), and that one wins.
    language = models.CharField(
        _("language to write to them in"), max_length=10, choices=settings.LANGUAGES, blank=True, default=""
    )
    times_to_avoid = models.CharField(
        _("times to avoid contacting"),
        max_length=200,
        blank=True,
        help_text=_("For example, mornings before 11"),
    )
    is_managed = models.BooleanField(
        _("managed by the involvement team"),
        default=False,
        help_text=_(
            "They are not online: a lead enters things for them and every action is recorded as such."
        ),
    )
    tags = models.ManyToManyField(
        "Tag", blank=True, related_name="people", verbose_name=_("skills and interests")
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    erasure_requested_at = models.DateTimeField(null=True, blank=True)
    erased_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["full_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "email"],
                condition=~Q(email=""),
                name="person_unique_email_in_organisation",
            ),
            models.UniqueConstraint(
                fields=["organisation", "user"],
                condition=Q(user__isnull=False),
                name="person_unique_user_in_organisation",
            ),
        ]
        indexes = [models.Index(fields=["organisation", "full_name"], name="person_org_name")]

    def __str__(self) -> str:
        return self.display_name

    def get_absolute_url(self) -> str:
        return reverse("people:detail", kwargs={"org": self.organisation.slug, "person": self.public_id})

    @property
    def display_name(self) -> str:
        return self.preferred_name or self.full_name

    def language_to_write_in(self) -> str:
        """Their own choice on their account, else the register's; "" when neither says."""
        return (self.user.language if self.user_id else "") or self.language

    def contact_methods(self) -> list[str]:
        return [m for m in ContactMethod.values if getattr(self, f"contact_by_{m}")]


class AccessNeeds(models.Model):
    """Kept apart from the profile so that reading it can be restricted and audited."""

    person = models.OneToOneField(Person, on_delete=models.CASCADE, related_name="access_needs")
    needs = models.JSONField(default=list, blank=True)
    other = models.TextField(_("anything else that helps you take part"), blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"Access needs of {self.person}"

    def labels(self) -> list[str]:
        return [label for value, label in AccessNeed.choices if value in self.needs]


class Tag(models.Model):
    """A skill, interest or experience someone brings ("everyone has assets")."""

    organisation = models.ForeignKey("core.Organisation", on_delete=models.CASCADE, related_name="tags")
    name = models.CharField(_("name"), max_length=60)

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["organisation", "name"], name="tag_unique_name")]

    def __str__(self) -> str:
        return self.name


class CheckKind(models.TextChoices):
    DBS = "dbs", _("DBS check")
    REFERENCES = "references", _("References")
    INDUCTION = "induction", _("Induction")
    CONFIDENTIALITY = "confidentiality", _("Confidentiality agreement")
    SAFEGUARDING = "safeguarding", _("Safeguarding training")


class CheckStatus(models.TextChoices):
    VALID = "valid", _("Valid")
    EXPIRING = "expiring", _("Expires within 30 days")
    EXPIRED = "expired", _("Expired")
    MISSING = "missing", _("Missing")


def check_status(done_on: date | None, expires_on: date | None, today: date) -> str:
    """Valid, expiring within 30 days, expired, or missing (never done)."""
    if done_on is None:
        return CheckStatus.MISSING
    if expires_on is None:
        return CheckStatus.VALID
    if expires_on < today:
        return CheckStatus.EXPIRED
    if expires_on <= today + timedelta(days=EXPIRY_WARNING_DAYS):
        return CheckStatus.EXPIRING
    return CheckStatus.VALID


class Check(models.Model):
    """An onboarding check. One row per kind per person: renewing it updates the dates (audited)."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="checks")
    kind = models.CharField(_("check"), max_length=20, choices=CheckKind.choices)
    done_on = models.DateField(_("date done"))
    expires_on = models.DateField(
        _("expiry date"), null=True, blank=True, help_text=_("Leave empty if it never expires.")
    )
    reference = models.CharField(_("reference number"), max_length=60, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["kind"]
        constraints = [
            models.UniqueConstraint(fields=["person", "kind"], name="check_unique_kind_per_person"),
            models.CheckConstraint(
                condition=Q(expires_on__isnull=True) | Q(expires_on__gte=models.F("done_on")),
                name="check_expires_after_done",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} for {self.person}"

    def status(self, today: date | None = None) -> str:
        return check_status(self.done_on, self.expires_on, today or date.today())


class ConsentPurpose(models.TextChoices):
    OPPORTUNITIES = "opportunities", _("Contact me about opportunities to get involved")
    NEWSLETTER = "newsletter", _("Send me the newsletter")
    STORY = "story", _("Share my story publicly")
    PHOTOS = "photos", _("Use photos of me")
    RESEARCH = "research", _("Contact me about research")


class ConsentEvent(models.Model):
    """Consent given or withdrawn for one purpose. Append-only: the latest event per purpose counts."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="consent_events")
    purpose = models.CharField(max_length=20, choices=ConsentPurpose.choices)
    given = models.BooleanField()
    recorded_at = models.DateTimeField(auto_now_add=True, db_index=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # True when a lead recorded it for a managed person (say how they gave it in the note).
    on_behalf = models.BooleanField(default=False)
    note = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["-recorded_at", "-id"]
        indexes = [models.Index(fields=["person", "purpose", "-recorded_at"], name="consent_latest")]

    def __str__(self) -> str:
        return f"{self.person}: {self.purpose} {'given' if self.given else 'withdrawn'}"


class EqualityMonitoring(models.Model):
    """Optional equality monitoring, kept apart: only members with the equality permission see it,
    and it is used elsewhere only in aggregate with small numbers suppressed."""

    PREFER_NOT = "prefer_not_to_say"

    class AgeBand(models.TextChoices):
        UNDER_18 = "under_18", _("Under 18")
        AGE_18_24 = "18_24", _("18 to 24")
        AGE_25_34 = "25_34", _("25 to 34")
        AGE_35_49 = "35_49", _("35 to 49")
        AGE_50_64 = "50_64", _("50 to 64")
        AGE_65_PLUS = "65_plus", _("65 or over")
        PREFER_NOT = "prefer_not_to_say", _("Prefer not to say")

    class Sex(models.TextChoices):
        FEMALE = "female", _("Female")
        MALE = "male", _("Male")
        PREFER_NOT = "prefer_not_to_say", _("Prefer not to say")

    class YesNo(models.TextChoices):
        YES = "yes", _("Yes")
        NO = "no", _("No")
        PREFER_NOT = "prefer_not_to_say", _("Prefer not to say")

    class Ethnicity(models.TextChoices):
        # The five high-level groups of the 2021 census in England and Wales.
        ASIAN = "asian", _("Asian, Asian British or Asian Welsh")
        BLACK = "black", _("Black, Black British, Black Welsh, Caribbean or African")
        MIXED = "mixed", _("Mixed or multiple ethnic groups")
        WHITE = "white", _("White")
        OTHER = "other", _("Other ethnic group")
        PREFER_NOT = "prefer_not_to_say", _("Prefer not to say")

    class Religion(models.TextChoices):
        NONE = "none", _("No religion")
        CHRISTIAN = "christian", _("Christian")
        BUDDHIST = "buddhist", _("Buddhist")
        HINDU = "hindu", _("Hindu")
        JEWISH = "jewish", _("Jewish")
        MUSLIM = "muslim", _("Muslim")
        SIKH = "sikh", _("Sikh")
        OTHER = "other", _("Any other religion")
        PREFER_NOT = "prefer_not_to_say", _("Prefer not to say")

    class SexualOrientation(models.TextChoices):
        STRAIGHT = "straight", _("Straight or heterosexual")
        GAY_LESBIAN = "gay_lesbian", _("Gay or lesbian")
        BISEXUAL = "bisexual", _("Bisexual")
        OTHER = "other", _("Another sexual orientation")
        PREFER_NOT = "prefer_not_to_say", _("Prefer not to say")

    person = models.OneToOneField(Person, on_delete=models.CASCADE, related_name="equality")
    age_band = models.CharField(_("age"), max_length=20, choices=AgeBand.choices, blank=True)
    sex = models.CharField(_("sex"), max_length=20, choices=Sex.choices, blank=True)
    gender_same_as_sex = models.CharField(
        _("Is the gender you identify with the same as your sex registered at birth?"),
        max_length=20,
        choices=YesNo.choices,
        blank=True,
    )
    sexual_orientation = models.CharField(
        _("sexual orientation"), max_length=20, choices=SexualOrientation.choices, blank=True
    )
    ethnicity = models.CharField(_("ethnic group"), max_length=20, choices=Ethnicity.choices, blank=True)
    religion = models.CharField(_("religion"), max_length=20, choices=Religion.choices, blank=True)
    disability = models.CharField(
        _("Do you have a long-term physical or mental health condition or illness?"),
        max_length=20,
        choices=YesNo.choices,
        blank=True,
    )
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"Equality monitoring for {self.person}"


class Group(models.Model):
    """A service-user or carer group or forum."""

    class WhoCanJoin(models.TextChoices):
        ANYONE = "anyone", _("Anyone")
        LIVED_EXPERIENCE = "lived_experience", _("People with lived experience")
        CARERS = "carers", _("Carers")
        INVITATION = "invitation", _("By invitation")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organisation = models.ForeignKey("core.Organisation", on_delete=models.CASCADE, related_name="groups")
    name = models.CharField(_("name"), max_length=200)
    purpose = models.TextField(_("purpose"), help_text=_("What the group is for, in a sentence or two."))
    who_can_join = models.CharField(
        _("who can join"), max_length=20, choices=WhoCanJoin.choices, default="anyone"
    )
    meeting_pattern = models.CharField(
        _("when it meets"),
        max_length=200,
        blank=True,
        help_text=_("For example, first Tuesday of the month, 2pm"),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["organisation", "name"], name="group_unique_name")]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("people:group-detail", kwargs={"org": self.organisation.slug, "group": self.public_id})


class GroupRole(models.TextChoices):
    CHAIR = "chair", _("Chair")
    MEMBER = "member", _("Member")
    # The named person who carries the group's voice to the executive team.
    CONNECTOR = "connector", _("Connector")


class GroupMembership(models.Model):
    group = models.ForeignKey(Group, on_delete=models.CASCADE, related_name="memberships")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="group_memberships")
    role = models.CharField(_("role"), max_length=20, choices=GroupRole.choices, default=GroupRole.MEMBER)
    joined_on = models.DateField(_("joined on"), default=date.today)
    left_on = models.DateField(_("left on"), null=True, blank=True)

    class Meta:
        ordering = ["person__full_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["group", "person"],
                condition=Q(left_on__isnull=True),
                name="group_membership_one_current",
            )
        ]

    def __str__(self) -> str:
        return f"{self.person} in {self.group}"


class PersonImport(models.Model):
    """A spreadsheet of people on its way into the register: uploaded, mapped, checked, then imported.

    The parsed rows are kept here, not the file: app servers keep nothing on disk between requests.
    They are cleared once the import finishes, so the register stays the only copy of anyone's details.
    """

    class Status(models.TextChoices):
        UPLOADED = "uploaded", _("Uploaded")
        MAPPED = "mapped", _("Checking the rows")
        VALIDATED = "validated", _("Checked")
        IMPORTING = "importing", _("Importing")
        DONE = "done", _("Imported")
        FAILED = "failed", _("Not imported")

    class Mode(models.TextChoices):
        VALID_ONLY = "valid_only", _("Import all valid rows")
        ALL_OR_NONE = "all_or_none", _("Import only if every row is valid (all or nothing)")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organisation = models.ForeignKey(
        "core.Organisation", on_delete=models.CASCADE, related_name="person_imports"
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    filename = models.CharField(_("file name"), max_length=255)
    header = models.JSONField(default=list, blank=True)
    # One list of cell texts per spreadsheet row after the header; blank rows are kept as [] so that
    # the list index gives the row number people see in their spreadsheet (index + 2).
    rows = models.JSONField(default=list, blank=True)
    # The register field for each column, by position ("" for a column not imported).
    mapping = models.JSONField(default=list, blank=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.UPLOADED)
    mode = models.CharField(max_length=20, choices=Mode.choices, blank=True)
    # [{"row": 20, "reason": "email" | "name_phone", "person": "<public id>" | "", "other_row": 5 | None}]
    duplicates = models.JSONField(default=list, blank=True)
    # {"20": "merge" | "skip"}; a duplicate not listed is merged.
    duplicate_decisions = models.JSONField(default=dict, blank=True)
    # [{"row": 14, "column": "Email", "message": "Row 14: 'pat@@example' is not an email address"}]
    errors = models.JSONField(default=list, blank=True)
    failure = models.CharField(max_length=500, blank=True)
    total_rows = models.PositiveIntegerField(default=0)
    valid_rows = models.PositiveIntegerField(default=0)
    invalid_rows = models.PositiveIntegerField(default=0)
    duplicate_rows = models.PositiveIntegerField(default=0)
    created_count = models.PositiveIntegerField(default=0)
    merged_count = models.PositiveIntegerField(default=0)
    skipped_count = models.PositiveIntegerField(default=0)
    progress = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["organisation", "-created_at"], name="person_import_org_created")]

    def __str__(self) -> str:
        # No file name: it may hold a person's name, and this text ends up in the audit log.
        return f"Spreadsheet import {self.public_id}"

    def get_absolute_url(self) -> str:
        """The page for where the import has got to."""
        names = {
            self.Status.UPLOADED: "people:import-map",
            self.Status.VALIDATED: "people:import-preview",
        }
        name = names.get(self.status, "people:import-progress")
        return reverse(name, kwargs={"org": self.organisation.slug, "import_id": self.public_id})

    @property
    def new_rows(self) -> int:
        return self.valid_rows - self.duplicate_rows

    @property
    def is_running(self) -> bool:
        return self.status in (self.Status.MAPPED, self.Status.IMPORTING)
