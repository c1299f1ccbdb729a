"""State changes for a studio's customers: clients, magic links, calendar secrets, reminders."""

import datetime as dt
import logging
import re

import phonenumbers
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from accounts.models import Provider
from alera.ids import random_suffix
from classes.models import ClassSession, Enrollment
from customers.emails import email_queue
from customers.models import Client, ReminderLog, new_calendar_secret
from customers.tokens import Purpose, token_make

logger = logging.getLogger(__name__)

# Reminders go out once a class is at most this far away...
REMINDER_LEAD = dt.timedelta(hours=24)
# ...and not for a class so close that a reminder is only noise.
REMINDER_MIN_LEAD = dt.timedelta(hours=1)


MIN_PHONE_DIGITS = 10


def phone_normalize(raw: str, *, region: str = "US") -> str:
    """Digits only, E.164-like (`15125550100`); ValidationError under 10 digits.

    Numbers `phonenumbers` understands get their country code; anything else keeps its
    digits, so an unusual but plausible number is never refused for formatting alone.
    """
    digits = re.sub(r"\D", "", raw or "")
    if len(digits) < MIN_PHONE_DIGITS:
        raise ValidationError(f"A phone number needs at least {MIN_PHONE_DIGITS} digits.")
    try:
        number = phonenumbers.parse(raw, region)
    except phonenumbers.NumberParseException:
        return digits[:20]
    if phonenumbers.is_possible_number(number):
        formatted = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
        return formatted.lstrip("+")
    return digits[:20]


def phone_display(stored: str) -> str:
    """A stored number (`15125550100`) for reading: "+1 512-555-0100"; digits `phonenumbers`
    can't place are shown as stored."""
    if not stored:
        return ""
    try:
        number = phonenumbers.parse("+" + stored.lstrip("+"))
    except phonenumbers.NumberParseException:
        return stored
    if not phonenumbers.is_possible_number(number):
        return stored
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)


_CLIENT_INSERT_SQL = """
INSERT INTO {table}
  (public_id, provider_id, name, email, phone, calendar_secret, created_at, tokens_valid_after)
VALUES (%s, %s, %s, %s, %s, %s, %s, NULL)
ON CONFLICT (provider_id, email) DO NOTHING
RETURNING *
"""


def client_upsert(*, provider: Provider, name: str, email: str, phone: str = "") -> Client:
    """The studio's client with this email (created or refreshed with the latest details).

    Email is the identity (lower-cased). The insert comes first, as one
    `INSERT … ON CONFLICT DO NOTHING` that returns the new row: a first-time customer (every
    booking of a new customer runs this under the class lock) costs one statement and no
    savepoint, and a concurrent first booking by the same person can never fail on the unique
    constraint; it reads the row the other request created.
    """
    email = email.strip().lower()
    name = name.strip()[:120]
    phone = phone_normalize(phone) if phone else ""
    fresh = Client(provider=provider, name=name, email=email, phone=phone)
    sql = _CLIENT_INSERT_SQL.format(table=connection.ops.quote_name(Client._meta.db_table))
    params = [
        fresh.public_id,
        provider.pk,
        name,
        email,
        phone,
        fresh.calendar_secret,
        connection.ops.adapt_datetimefield_value(timezone.now()),
    ]
    created = next(iter(Client.objects.raw(sql, params)), None)
    if created is not None:
        created.provider = provider
        return created
    client = Client.objects.get(provider=provider, email=email)
    changed = []
    if name and client.name != name:
        client.name = name
        changed.append("name")
    if phone and client.phone != phone:
        client.phone = phone
        changed.append("phone")
    if changed:
        client.save(update_fields=changed)
    return client


def customer_token_make(*, client: Client) -> str:
    """A 30-day portal token bound to this client and its studio."""
    return token_make(
        Purpose.CUSTOMER, record_id=client.public_id, provider_id=client.provider.public_id
    )


def portal_link(*, origin: str, client: Client) -> str:
    return f"{origin.rstrip('/')}/me/{customer_token_make(client=client)}"


@transaction.atomic
def signin_link_send(*, provider: Provider, email: str, origin: str) -> None:
    """Email a magic link `<origin>/me/<token>` when `email` is a client of `provider`.

    An unknown email does the same lookup and signing work and sends nothing, so neither the
    answer nor its timing tells a caller who is a customer. `origin` must already be checked.
    """
    client = (
        Client.objects.select_related("provider")
        .filter(provider=provider, email=email.strip().lower())
        .first()
    )
    record_id = client.public_id if client else f"cli-{random_suffix()}"
    token = token_make(Purpose.CUSTOMER, record_id=record_id, provider_id=provider.public_id)
    if client is not None:
        email_queue("magic_link", client_id=client.pk, link=f"{origin.rstrip('/')}/me/{token}")


def client_sign_out(*, client: Client, now: dt.datetime | None = None) -> Client:
    """End every portal link the client holds (customer tokens), e.g. on a shared computer.

    Tokens are not stored, so this sets a cut-off instead: a token signed at or before this
    second is refused. Signing timestamps are whole seconds, hence the truncation; a new link
    asked for in the same second as the sign-out is refused too. Cancel and tip links, and
    the calendar feed (its own secret, rotated separately), keep working.
    """
    cutoff = (now or timezone.now()).replace(microsecond=0)
    Client.objects.filter(pk=client.pk).update(tokens_valid_after=cutoff)
    client.tokens_valid_after = cutoff
    return client


@transaction.atomic
def client_rotate_calendar_secret(*, client: Client) -> Client:
    """Give the client a new feed URL; the old one stops working at once (e.g. it leaked)."""
    secret = new_calendar_secret()
    Client.objects.filter(pk=client.pk).update(calendar_secret=secret)
    client.calendar_secret = secret
    return client


def class_reminders_send(*, now: dt.datetime | None = None) -> int:
    """Queue the 24-hour reminder for every confirmed seat in a class starting soon, once each.

    The ReminderLog row (unique per enrollment) is written in the same transaction as the
    queued email, so overlapping beat runs or workers never remind anyone twice.
    """
    now = now or timezone.now()
    due = (
        Enrollment.objects.filter(
            status=Enrollment.Status.CONFIRMED,
            class_session__status=ClassSession.Status.SCHEDULED,
            class_session__scheduled_at__gt=now + REMINDER_MIN_LEAD,
            class_session__scheduled_at__lte=now + REMINDER_LEAD,
            reminder_log__isnull=True,
        )
        .order_by("class_session__scheduled_at", "pk")
        .values_list("pk", flat=True)
    )
    sent = 0
    for enrollment_id in list(due):
        if _reminder_claim(enrollment_id=enrollment_id):
            sent += 1
    return sent


def _reminder_claim(*, enrollment_id: int) -> bool:
    try:
        with transaction.atomic():
            ReminderLog.objects.create(enrollment_id=enrollment_id)
            email_queue("class_reminder", enrollment_id=enrollment_id)
    except IntegrityError:
        # Another run claimed it between our read and our insert.
        return False
    return True
