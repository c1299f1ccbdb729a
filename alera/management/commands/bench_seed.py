"""Seed a benchmark database: one measured studio plus N filler studios.

The measured studio (`bench-studio`) has 100 sessions in the next 60 days, one free class with
room for every booking the load test makes, a client with a customer token and an API key;
their ids go to a JSON file the load generator reads. Filler studios give the tables the
scale of a large deployment (`--providers 1000 --sessions-per-provider 100
--enrollments-per-session 10` is 100 000 sessions and 1 000 000 enrollments).
"""

import datetime as dt
import json
from pathlib import Path

from django.core.management.base import BaseCommand
from django.db import connection, transaction
from django.utils import timezone

from accounts.models import Provider
from accounts.services import api_key_mint, provider_create
from alera.tokens import Purpose, token_make
from classes.models import ClassSession, Enrollment, Service
from customers.models import Client

ORIGIN = "http://bench.local"
LIST_DAYS = 60  # the list scenario asks for today .. today + 60 days


class Command(BaseCommand):
    help = "Seed data for `make bench` (use a throwaway database)."

    def add_arguments(self, parser):
        parser.add_argument("--providers", type=int, default=0, help="filler studios")
        parser.add_argument("--sessions-per-provider", type=int, default=100)
        parser.add_argument("--enrollments-per-session", type=int, default=10)
        parser.add_argument("--out", default=".local/bench.json")

    def handle(self, *args, **opts):
        out = Path(opts["out"])
        if Provider.objects.filter(handle="bench-studio").exists() and out.exists():
            info = json.loads(out.read_text())  # top-up run: keep the measured studio
        else:
            info = self._measured_studio()
        if opts["providers"]:
            self._fillers(
                opts["providers"], opts["sessions_per_provider"], opts["enrollments_per_session"]
            )
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(json.dumps(info, indent=2))
        self.stdout.write(
            f"bench data: {Provider.objects.count()} providers, "
            f"{ClassSession.objects.count()} sessions, {Enrollment.objects.count()} enrollments"
        )

    @transaction.atomic
    def _measured_studio(self) -> dict:
        provider = provider_create(
            handle="bench-studio",
            display_name="Bench Studio",
            timezone_name="America/Chicago",
            stripe_account_id="acct_dev_bench",
            stripe_charges_enabled=True,
        )
        key = api_key_mint(provider=provider, name="bench", origins=[ORIGIN])
        paid = Service.objects.create(
            provider=provider, name="Bench Pilates", price_cents=2000, default_capacity=10
        )
        free = Service.objects.create(
            provider=provider, name="Open Floor", price_cents=0, default_capacity=1_000_000
        )
        start = timezone.now().replace(minute=0, second=0, microsecond=0) + dt.timedelta(days=1)
        # The listed window holds exactly 100 sessions. The classes the booking scenarios fill
        # (thousands of rows each) sit past the window's end, so the list is measured on the
        # same data in every pass, however many bookings ran before it.
        sessions = ClassSession.objects.bulk_create(
            ClassSession(
                provider=provider,
                service=paid,
                scheduled_at=start + dt.timedelta(hours=(i * 14) % (59 * 24)),
                duration_min=50,
                price_cents=2000,
                capacity=10,
                name_snapshot=paid.name,
            )
            for i in range(100)
        )
        beyond = start + dt.timedelta(days=LIST_DAYS + 2)
        free_class, *spread = ClassSession.objects.bulk_create(
            ClassSession(
                provider=provider,
                service=free,
                duration_min=50,
                price_cents=0,
                scheduled_at=beyond + dt.timedelta(hours=i),
                capacity=1_000_000,
                name_snapshot=free.name,
            )
            for i in range(21)
        )
        client = Client.objects.create(
            provider=provider,
            name="Bench Customer",
            email="bench-customer@bench.local",
            phone="15125550100",
        )
        for session in sessions[:5]:
            Enrollment.objects.create(
                provider=provider,
                class_session=session,
                client=client,
                status=Enrollment.Status.CONFIRMED,
                confirmed_at=timezone.now(),
            )
        today = timezone.localdate(timezone=provider.tz)
        return {
            "key": key.plaintext,
            "origin": ORIGIN,
            "handle": provider.handle,
            "from": today.isoformat(),
            "to": (today + dt.timedelta(days=LIST_DAYS)).isoformat(),
            "class_id": sessions[0].public_id,
            "free_class_id": free_class.public_id,
            "spread_class_ids": [session.public_id for session in spread],
            "customer_token": token_make(
                Purpose.CUSTOMER, record_id=client.public_id, provider_id=provider.public_id
            ),
        }

    def _fillers(self, count: int, per_provider: int, per_session: int) -> None:
        start = timezone.now() + dt.timedelta(days=1)
        for first in range(0, count, 100):
            with transaction.atomic():
                providers = Provider.objects.bulk_create(
                    Provider(
                        handle=f"filler-{n}",
                        display_name=f"Filler {n}",
                        timezone="America/New_York",
                    )
                    for n in range(first, min(count, first + 100))
                )
                services = Service.objects.bulk_create(
                    Service(
                        provider=p,
                        name="Filler class",
                        price_cents=1500,
                        default_capacity=per_session + 5,
                    )
                    for p in providers
                )
                clients = Client.objects.bulk_create(
                    Client(provider=p, name=f"Filler client {i}", email=f"c{i}@{p.handle}.example")
                    for p in providers
                    for i in range(per_session)
                )
                sessions = ClassSession.objects.bulk_create(
                    ClassSession(
                        provider=s.provider,
                        service=s,
                        duration_min=50,
                        scheduled_at=start + dt.timedelta(hours=i * 13),
                        price_cents=1500,
                        capacity=per_session + 5,
                        name_snapshot=s.name,
                    )
                    for s in services
                    for i in range(per_provider)
                )
                self._enroll(sessions, clients, per_session)
            self.stdout.write(f"  filler studios: {min(count, first + 100)}/{count}")
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")

    @staticmethod
    def _enroll(sessions, clients, per_session: int) -> None:
        by_provider: dict[int, list[Client]] = {}
        for client in clients:
            by_provider.setdefault(client.provider_id, []).append(client)
        now = timezone.now()
        rows = [
            Enrollment(
                provider_id=s.provider_id,
                class_session=s,
                client=c,
                status=Enrollment.Status.CONFIRMED,
                confirmed_at=now,
            )
            for s in sessions
            for c in by_provider[s.provider_id][:per_session]
        ]
        Enrollment.objects.bulk_create(rows, batch_size=5000)
