"""Dashboard fixtures: owners and staff logged in, and one of every record of a studio."""

import datetime as dt
from dataclasses import dataclass

import pytest
from django.test import Client as BrowserClient
from django.utils import timezone

from accounts.models import Membership
from accounts.services import api_key_mint
from tests import factories


@dataclass
class Studio:
    """One studio with one record of every kind the dashboard shows."""

    provider: object
    owner: object
    service: object
    instructor: object
    session: object
    enrollment: object
    waitlist_entry: object
    blackout: object
    appointment: object
    client: object
    package_type: object
    package: object
    gift_card: object
    api_key: object

    def ids(self) -> dict[str, str]:
        return {
            "service": self.service.public_id,
            "instructor": self.instructor.public_id,
            "session": self.session.public_id,
            "enrollment": self.enrollment.public_id,
            "waitlist_entry": self.waitlist_entry.public_id,
            "blackout": self.blackout.public_id,
            "appointment": self.appointment.public_id,
            "client": self.client.public_id,
            "package_type": self.package_type.public_id,
            "package": self.package.public_id,
            "gift_card": self.gift_card.public_id,
            "key_prefix": self.api_key.prefix,
        }


def build_studio(handle: str, email: str) -> Studio:
    provider = factories.ProviderFactory(handle=handle)
    owner = factories.UserFactory(email=email)
    factories.MembershipFactory(user=owner, provider=provider, role=Membership.Role.OWNER)
    session = factories.ClassSessionFactory(provider=provider, capacity=2)
    enrollment = factories.EnrollmentFactory(class_session=session)
    package = factories.ClientPackageFactory(
        package_type=factories.PackageTypeFactory(provider=provider)
    )
    return Studio(
        provider=provider,
        owner=owner,
        service=session.service,
        instructor=session.instructor,
        session=session,
        enrollment=enrollment,
        waitlist_entry=factories.WaitlistEntryFactory(class_session=session, position=1),
        blackout=factories.BlackoutFactory(provider=provider),
        appointment=factories.AppointmentFactory(
            provider=provider, starts_at=timezone.now() + dt.timedelta(hours=2)
        ),
        client=enrollment.client,
        package_type=package.package_type,
        package=package,
        gift_card=factories.GiftCardFactory(provider=provider),
        api_key=api_key_mint(
            provider=provider, name="Site", origins=["https://site.example"]
        ).api_key,
    )


def logged_in(user) -> BrowserClient:
    browser = BrowserClient()
    browser.force_login(user)
    return browser


@pytest.fixture
def studio(db) -> Studio:
    return build_studio("sculpt-co", "owner@sculpt.example")


@pytest.fixture
def other_studio(db) -> Studio:
    return build_studio("other-co", "owner@other.example")


@pytest.fixture
def owner_client(studio) -> BrowserClient:
    return logged_in(studio.owner)


@pytest.fixture
def staff_client(studio) -> BrowserClient:
    staff = factories.UserFactory(email="staff@sculpt.example")
    factories.MembershipFactory(user=staff, provider=studio.provider, role=Membership.Role.STAFF)
    return logged_in(staff)
