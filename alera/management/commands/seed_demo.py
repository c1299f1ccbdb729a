"""Seed the demo studio so every README example works. Safe to run any number of times."""

import datetime as dt
import hashlib
import hmac
import io

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone
from PIL import Image, ImageDraw

from accounts.models import ApiKey, Provider, User
from accounts.services import (
    KEY_PREFIX_LENGTH,
    api_key_mint,
    membership_add,
    provider_avatar_set,
    provider_create,
)
from classes.models import (
    Appointment,
    Blackout,
    ClassSession,
    Enrollment,
    Instructor,
    Service,
    WaitlistEntry,
)
from classes.services.appointments import appointment_complete, appointment_create
from customers.models import Client
from payments.models import PackageType

HANDLE = "demo-studio"
ORIGIN = "http://localhost:3000"
OWNER_EMAIL = "owner@demo-studio.test"
OWNER_PASSWORD = "demo-studio-owner"
# Four weeks of classes ahead, so the schedule, the API list and a partner page have more
# than one week to page through; one day in the second week is closed for maintenance.
SEED_DAYS = 28
CLOSED_DAY = 10


def demo_key_secret() -> str:
    """A stable secret derived from SECRET_KEY, so re-seeding prints the same demo key."""
    digest = hmac.new(settings.SECRET_KEY.encode(), b"alera-demo-key", hashlib.sha256)
    return digest.hexdigest()[:43]


def demo_avatar_png() -> bytes:
    """A simple sun-over-the-horizon mark, drawn here so the demo ships no binary file."""
    image = Image.new("RGBA", (256, 256), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    draw.ellipse((8, 8, 248, 248), fill=(15, 118, 110, 255))
    draw.ellipse((78, 70, 178, 170), fill=(253, 230, 138, 255))
    draw.rectangle((40, 150, 216, 162), fill=(255, 255, 255, 255))
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


class Command(BaseCommand):
    help = "Create (or top up) the demo studio, its week of classes and a demo API key."

    def handle(self, *args, **opts):
        # Emails queued by the seed (the visit's tip link) go out on commit, before the summary.
        plaintext, full, visit = self._seed()
        package_type = PackageType.objects.get(provider__handle=HANDLE, name="5-Class Pack")
        self.stdout.write(self.style.SUCCESS("Demo studio ready: demo-studio (America/Chicago)"))
        self.stdout.write(f"  Dashboard login: {OWNER_EMAIL} / {OWNER_PASSWORD}")
        self.stdout.write(f"  Demo API key (origin {ORIGIN}):")
        self.stdout.write(f"    {plaintext}")
        self.stdout.write(f"  Full class with a waitlist: {full.public_id}")
        self.stdout.write(f"  Studio id (providerId): {package_type.provider.public_id}")
        self.stdout.write(f"  Class pack for sale: {package_type.public_id}")
        self.stdout.write(f"  Completed private session (gift cards, tips): {visit.public_id}")

    @transaction.atomic
    def _seed(self):
        owner = User.objects.filter(email=OWNER_EMAIL).first()
        if owner is None:
            owner = User.objects.create_user(OWNER_EMAIL, OWNER_PASSWORD, name="Demo Owner")
        provider = Provider.objects.filter(handle=HANDLE).first()
        if provider is None:
            provider = provider_create(
                handle=HANDLE,
                display_name="Demo Studio",
                timezone_name="America/Chicago",
                owner=owner,
                bio="A friendly neighbourhood pilates and yoga studio.",
                location="100 Congress Ave, Austin, TX",
                contact_email="hello@demo-studio.test",
                stripe_account_id="acct_dev_demostudio",
                stripe_charges_enabled=True,
                stripe_details_submitted=True,
            )
        membership_add(provider=provider, user=owner, role="owner")
        if not provider.avatar_key:
            provider = provider_avatar_set(provider=provider, upload=io.BytesIO(demo_avatar_png()))

        secret = demo_key_secret()
        if not ApiKey.objects.filter(prefix=secret[:KEY_PREFIX_LENGTH]).exists():
            api_key_mint(provider=provider, name="Demo key", origins=[ORIGIN], secret=secret)
        plaintext = f"alr_{HANDLE}_{secret}"

        instructor, _ = Instructor.objects.get_or_create(
            provider=provider, name="Sarah Lee", defaults={"bio": "Certified Pilates teacher."}
        )
        yoga = self._service(provider, "Community Yoga", price=0, capacity=12, duration=60)
        pilates = self._service(provider, "Reformer Pilates", price=2000, capacity=6, duration=50)
        sunrise = self._service(provider, "Sunrise Flow", price=0, capacity=2, duration=45)
        private = self._service(
            provider, "Private Session", price=9000, capacity=1, duration=60, tips=True
        )

        tz = provider.tz
        today = timezone.localdate(timezone=tz)
        closed = today + dt.timedelta(days=CLOSED_DAY)
        for offset in range(1, SEED_DAYS + 1):
            day = today + dt.timedelta(days=offset)
            if day == closed:
                continue  # the maintenance blackout below
            self._session(provider, yoga, instructor, day, dt.time(9, 0), tz)
            self._session(provider, pilates, instructor, day, dt.time(18, 0), tz)
        full = self._session(
            provider, sunrise, instructor, today + dt.timedelta(days=2), dt.time(6, 30), tz
        )
        self._fill(provider, full)

        start = dt.datetime.combine(closed, dt.time(0, 0), tzinfo=tz)
        Blackout.objects.get_or_create(
            provider=provider,
            label="Studio closed for maintenance",
            defaults={
                "starts_at": start,
                "ends_at": start + dt.timedelta(days=1),
                "all_day": True,
                "kind": Blackout.Kind.MAINTENANCE,
            },
        )
        PackageType.objects.get_or_create(
            provider=provider,
            name="5-Class Pack",
            defaults={"sessions": 5, "price_cents": 9000, "validity_days": 90},
        )

        visit = self._completed_visit(provider, private, instructor, today, tz)

        return plaintext, full, visit

    @staticmethod
    def _completed_visit(provider, service, instructor, today, tz):
        """Yesterday's private session, completed through the services (its tip email prints)."""
        client, _ = Client.objects.get_or_create(
            provider=provider,
            email="casey@demo-studio.test",
            defaults={"name": "Casey Client", "phone": "15125550150"},
        )
        visit = Appointment.objects.filter(
            provider=provider, client=client, service=service
        ).first()
        if visit is None:
            visit = appointment_create(
                provider=provider,
                service=service,
                client=client,
                instructor=instructor,
                starts_at=dt.datetime.combine(today - dt.timedelta(days=1), dt.time(10), tzinfo=tz),
            )
            appointment_complete(appointment=visit)
        return visit

    @staticmethod
    def _service(provider, name, *, price, capacity, duration, tips=False):
        service, _ = Service.objects.get_or_create(
            provider=provider,
            name=name,
            defaults={
                "price_cents": price,
                "default_capacity": capacity,
                "duration_min": duration,
                "tips_enabled": tips,
            },
        )
        return service

    @staticmethod
    def _session(provider, service, instructor, day, at, tz):
        start = dt.datetime.combine(day, at, tzinfo=tz)
        session, _ = ClassSession.objects.get_or_create(
            provider=provider,
            service=service,
            scheduled_at=start,
            defaults={
                "instructor": instructor,
                "duration_min": service.duration_min,
                "price_cents": service.price_cents,
                "capacity": service.default_capacity,
                "name_snapshot": service.name,
            },
        )
        return session

    @staticmethod
    def _fill(provider, session):
        for i in range(session.capacity):
            client, _ = Client.objects.get_or_create(
                provider=provider,
                email=f"member{i + 1}@demo-studio.test",
                defaults={"name": f"Member {i + 1}", "phone": f"1512555010{i}"},
            )
            Enrollment.objects.get_or_create(
                class_session=session,
                client=client,
                defaults={
                    "provider": provider,
                    "status": Enrollment.Status.CONFIRMED,
                    "confirmed_at": timezone.now(),
                },
            )
        waiting, _ = Client.objects.get_or_create(
            provider=provider,
            email="waiting@demo-studio.test",
            defaults={"name": "Wendy Waiting", "phone": "15125550199"},
        )
        WaitlistEntry.objects.get_or_create(
            class_session=session, client=waiting, defaults={"provider": provider, "position": 1}
        )
