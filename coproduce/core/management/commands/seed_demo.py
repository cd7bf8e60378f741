"""Create the demo organisations and accounts. Running it twice changes nothing.

--scale N adds, for benchmarks, N more members (with notifications), N more people on the register
and about 20N attendance rows over two years to the demo organisation, and a tenth of that to the
other (coproduce.involvement.bench_data: COPY on PostgreSQL). Each run with --scale adds more.
"""

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import transaction

from coproduce.core.models import Membership, MembershipRole, Organisation, Role, User
from coproduce.core.services import membership_add, organisation_create
from coproduce.feedback.demo import seed_feedback
from coproduce.involvement import bench_data
from coproduce.involvement.demo import seed_involvement, seed_opportunities
from coproduce.notifications.models import Notification
from coproduce.people.demo import seed_register
from coproduce.people.models import Person
from coproduce.projects.demo import seed_projects
from coproduce.themes.demo import seed_themes
from coproduce.yousaid.demo import seed_you_said

DEMO_ORGANISATION = ("demo", "Demo Mental Health NHS Foundation Trust", "Demo MH NHS FT")
OTHER_ORGANISATION = ("other", "Other Community Mental Health Charity", "Other Charity")

DEMO_PEOPLE = [
    ("admin@demo.test", "Alex Admin", [Role.ADMIN]),
    ("lead@demo.test", "Sam Lead", [Role.LEAD]),
    ("member@demo.test", "Pat Member", [Role.PARTICIPANT]),
    ("carer@demo.test", "Chris Carer", [Role.CARER]),
    ("staff@demo.test", "Jo Staff", [Role.STAFF]),
    ("exec@demo.test", "Morgan Exec", [Role.EXECUTIVE]),
    ("finance@demo.test", "Robin Finance", [Role.FINANCE]),
]
OTHER_PEOPLE = [
    ("admin@other.test", "Olu Other-Admin", [Role.ADMIN]),
    ("lead@other.test", "Kim Other-Lead", [Role.LEAD]),
    ("member@other.test", "Lee Other-Member", [Role.PARTICIPANT]),
]

FIRST_NAMES = [
    "Aisha",
    "Ben",
    "Cerys",
    "Dev",
    "Eilidh",
    "Femi",
    "Gareth",
    "Hana",
    "Ivan",
    "Jas",
    "Kai",
    "Lowri",
]
LAST_NAMES = [
    "Ahmed",
    "Brown",
    "Davies",
    "Evans",
    "Green",
    "Hughes",
    "Jones",
    "Khan",
    "Lewis",
    "Morgan",
    "Patel",
]


class Command(BaseCommand):
    help = "Create the demo organisations and accounts (idempotent). --scale N adds N members to each."

    def add_arguments(self, parser):
        parser.add_argument("--scale", type=int, default=0, help="Extra members per organisation")

    def handle(self, *args, scale: int, **options):
        with transaction.atomic():
            demo = self.organisation(*DEMO_ORGANISATION, require_two_factor=False)
            other = self.organisation(*OTHER_ORGANISATION, require_two_factor=False)
            self.people(demo, DEMO_PEOPLE)
            self.people(other, OTHER_PEOPLE)
            # The demo admin reports on whose voices are missing, so may see equality data.
            Membership.objects.filter(organisation=demo, user__email="admin@demo.test").update(
                can_see_equality_data=True
            )
            self.register(demo, 120, links=["member@demo.test", "carer@demo.test"])
            self.register(other, 25, links=["member@other.test"])
            seed_involvement(demo, seed_figures=True)
            seed_involvement(other, seed_figures=False)
            seed_opportunities(demo)
            seed_projects(demo)
            seed_feedback(demo)
            seed_themes(demo)
            seed_you_said(demo)
        if scale:
            # Benchmark volume: N members, N people and 20N attendance rows for the demo organisation
            # (COPY on PostgreSQL), a tenth of that for the other, so every query must pick its tenant.
            for organisation, count in ((demo, scale), (other, max(1, scale // 10))):
                self.scale(organisation, count)
                built = bench_data.build(
                    organisation, people=count, attendances=20 * count, seed=scale, log=self.stdout.write
                )
                self.stdout.write(
                    f"Added {built.people:,} people, {built.activities:,} activities and"
                    f" {built.attendances:,} attendance rows to {organisation.slug} in {built.seconds:.0f}s."
                )
        self.stdout.write(self.style.SUCCESS("Demo ready: sign in as admin@demo.test (see README)."))

    def organisation(self, slug: str, name: str, logo_text: str, require_two_factor: bool) -> Organisation:
        organisation = Organisation.objects.filter(slug=slug).first()
        if organisation is None:
            organisation = organisation_create(
                name=name,
                slug=slug,
                logo_text=logo_text,
                created_by=None,
                require_two_factor=require_two_factor,
                contact_email=f"involvement@{slug}.test",
            )
        return organisation

    def people(self, organisation: Organisation, people) -> None:
        for email, full_name, roles in people:
            user = User.objects.filter(email=email).first()
            if user is None:
                user = User.objects.create_user(email, settings.DEMO_PASSWORD, full_name=full_name)
            if not Membership.objects.filter(user=user, organisation=organisation).exists():
                membership_add(organisation=organisation, user=user, roles=roles, added_by=None)

    def register(self, organisation: Organisation, count: int, links: list[str]) -> None:
        """The involvement register, once: a second run finds people there and adds nothing."""
        if Person.objects.filter(organisation=organisation).exists():
            return
        users = {email: User.objects.get(email=email) for email in links}
        seed_register(organisation, count, seed=2019, link_users=users)

    def scale(self, organisation: Organisation, count: int) -> None:
        """Bulk-create members so a benchmark data set builds in seconds, not minutes."""
        existing = User.objects.filter(email__startswith=f"person-{organisation.slug}-").count()
        new_users = []
        for i in range(existing, existing + count):
            name = (
                f"{FIRST_NAMES[i % len(FIRST_NAMES)]} {LAST_NAMES[(i // len(FIRST_NAMES)) % len(LAST_NAMES)]}"
            )
            user = User(email=f"person-{organisation.slug}-{i}@example.test", full_name=name)
            user.set_unusable_password()
            new_users.append(user)
        with transaction.atomic():
            User.objects.bulk_create(new_users, batch_size=1000)
            users = list(User.objects.filter(email__in=[u.email for u in new_users]))
            Membership.objects.bulk_create(
                [Membership(user=u, organisation=organisation) for u in users], batch_size=1000
            )
            memberships = Membership.objects.filter(organisation=organisation, user__in=users)
            MembershipRole.objects.bulk_create(
                [
                    MembershipRole(membership=m, role=Role.CARER if m.user_id % 5 == 0 else Role.PARTICIPANT)
                    for m in memberships
                ],
                batch_size=1000,
            )
            Notification.objects.bulk_create(
                [
                    Notification(
                        organisation=organisation,
                        recipient=u,
                        subject="Welcome to Coproduce",
                        body="You have been added to the involvement register.",
                    )
                    for u in users
                ],
                batch_size=1000,
            )
        self.stdout.write(f"Added {len(users)} members to {organisation.slug}.")
