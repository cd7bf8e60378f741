import factory

from coproduce.core.tests.factories import OrganisationFactory
from coproduce.people.models import AccessNeeds, Check, ConsentEvent, Group, GroupMembership, Person


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person
        skip_postgeneration_save = True

    organisation = factory.SubFactory(OrganisationFactory)
    full_name = factory.Faker("name", locale="en_GB")
    email = factory.Sequence(lambda n: f"register{n}@example.test")
    contact_by_email = True
    preferred_contact = "email"
    access_needs = factory.RelatedFactory("coproduce.people.tests.factories.AccessNeedsFactory", "person")


class AccessNeedsFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AccessNeeds

    needs = factory.LazyFunction(list)


class CheckFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Check

    person = factory.SubFactory(PersonFactory)
    kind = "dbs"
    done_on = factory.Faker("date_between", start_date="-3y", end_date="-1y")
    expires_on = None


class ConsentEventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ConsentEvent

    person = factory.SubFactory(PersonFactory)
    purpose = "opportunities"
    given = True


class GroupFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Group

    organisation = factory.SubFactory(OrganisationFactory)
    name = factory.Sequence(lambda n: f"Forum {n}")
    purpose = "People who use services, shaping them."


class GroupMembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = GroupMembership

    group = factory.SubFactory(GroupFactory)
    person = factory.SubFactory(PersonFactory)
    role = "member"
