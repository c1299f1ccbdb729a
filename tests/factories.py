"""factory-boy factories for every model; tests build exactly the rows they need."""

import datetime as dt

import factory
from django.utils import timezone

from accounts.models import Membership, Provider, User
from classes.models import (
    Appointment,
    Blackout,
    ClassSession,
    Enrollment,
    Instructor,
    Service,
    WaitlistEntry,
)
from customers.models import Client
from payments.models import (
    ClientPackage,
    GiftCard,
    PackageType,
    Payment,
)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("email",)

    email = factory.Sequence(lambda n: f"owner{n}@example.com")
    name = factory.Faker("name")
    password = factory.django.Password("correct-horse-battery")


class ProviderFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Provider
        django_get_or_create = ("handle",)

    handle = factory.Sequence(lambda n: f"studio-{n}")
    display_name = factory.LazyAttribute(lambda o: o.handle.replace("-", " ").title())
    timezone = "America/Chicago"
    stripe_account_id = factory.Sequence(lambda n: f"acct_test_{n:04d}")
    stripe_charges_enabled = True
    stripe_details_submitted = True


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    provider = factory.SubFactory(ProviderFactory)
    role = Membership.Role.OWNER


class ClientFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Client

    provider = factory.SubFactory(ProviderFactory)
    name = factory.Faker("name")
    email = factory.Sequence(lambda n: f"client{n}@example.com")
    phone = "15125550100"


class ServiceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Service

    provider = factory.SubFactory(ProviderFactory)
    name = "Pilates Class"
    duration_min = 50
    price_cents = 2000
    default_capacity = 6


class InstructorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Instructor

    provider = factory.SubFactory(ProviderFactory)
    name = factory.Faker("name")


class ClassSessionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ClassSession

    provider = factory.SubFactory(ProviderFactory)
    service = factory.SubFactory(ServiceFactory, provider=factory.SelfAttribute("..provider"))
    instructor = factory.SubFactory(InstructorFactory, provider=factory.SelfAttribute("..provider"))
    scheduled_at = factory.LazyFunction(lambda: timezone.now() + dt.timedelta(days=3))
    duration_min = factory.SelfAttribute("service.duration_min")
    price_cents = factory.SelfAttribute("service.price_cents")
    capacity = factory.SelfAttribute("service.default_capacity")
    name_snapshot = factory.SelfAttribute("service.name")


class BlackoutFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Blackout

    provider = factory.SubFactory(ProviderFactory)
    label = "Studio closed"
    starts_at = factory.LazyFunction(lambda: timezone.now() + dt.timedelta(days=5))
    ends_at = factory.LazyAttribute(lambda o: o.starts_at + dt.timedelta(days=1))
    all_day = True
    kind = Blackout.Kind.HOLIDAY


class EnrollmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Enrollment

    class_session = factory.SubFactory(ClassSessionFactory)
    provider = factory.SelfAttribute("class_session.provider")
    client = factory.SubFactory(ClientFactory, provider=factory.SelfAttribute("..provider"))
    status = Enrollment.Status.CONFIRMED
    price_cents = factory.SelfAttribute("class_session.price_cents")
    confirmed_at = factory.LazyFunction(timezone.now)


class WaitlistEntryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = WaitlistEntry

    class_session = factory.SubFactory(ClassSessionFactory)
    provider = factory.SelfAttribute("class_session.provider")
    client = factory.SubFactory(ClientFactory, provider=factory.SelfAttribute("..provider"))
    position = factory.Sequence(lambda n: n + 1)


class AppointmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Appointment

    provider = factory.SubFactory(ProviderFactory)
    service = factory.SubFactory(
        ServiceFactory, provider=factory.SelfAttribute("..provider"), tips_enabled=True
    )
    client = factory.SubFactory(ClientFactory, provider=factory.SelfAttribute("..provider"))
    starts_at = factory.LazyFunction(lambda: timezone.now() + dt.timedelta(days=1))
    duration_min = 60
    price_cents = 9000


class PaymentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Payment

    provider = factory.SubFactory(ProviderFactory)
    kind = Payment.Kind.ENROLLMENT
    amount_cents = 2000
    description = "Pilates Class"
    stripe_account_id = factory.SelfAttribute("provider.stripe_account_id")
    checkout_session_id = factory.Sequence(lambda n: f"cs_test_factory_{n:06d}")
    success_url = "https://partner.example/thanks"
    cancel_url = "https://partner.example/cancelled"
    expires_at = factory.LazyFunction(lambda: timezone.now() + dt.timedelta(minutes=30))


class PackageTypeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PackageType

    provider = factory.SubFactory(ProviderFactory)
    name = "5-Class Pack"
    sessions = 5
    price_cents = 9000
    validity_days = 90


class ClientPackageFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ClientPackage

    package_type = factory.SubFactory(PackageTypeFactory)
    provider = factory.SelfAttribute("package_type.provider")
    client = factory.SubFactory(ClientFactory, provider=factory.SelfAttribute("..provider"))
    sessions_total = factory.SelfAttribute("package_type.sessions")
    sessions_remaining = factory.SelfAttribute("sessions_total")
    expires_at = factory.LazyFunction(lambda: timezone.now() + dt.timedelta(days=90))


class GiftCardFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = GiftCard

    provider = factory.SubFactory(ProviderFactory)
    code = factory.Sequence(lambda n: f"GIFT{n:012d}"[:16])
    initial_cents = 10000
    balance_cents = factory.SelfAttribute("initial_cents")
    purchaser_name = "Pat Buyer"
    purchaser_email = "pat@example.com"
