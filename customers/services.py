"""State changes for a studio's customers."""

import re

import phonenumbers
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from accounts.models import Provider
from customers.models import Client

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


@transaction.atomic
def client_upsert(*, provider: Provider, name: str, email: str, phone: str = "") -> Client:
    """The studio's client with this email (created or refreshed with the latest details).

    Email is the identity (lower-cased); a concurrent first booking by the same person
    meets the unique constraint and reads the row the other request created.
    """
    email = email.strip().lower()
    name = name.strip()[:120]
    phone = phone_normalize(phone) if phone else ""
    client = Client.objects.filter(provider=provider, email=email).first()
    if client is None:
        try:
            with transaction.atomic():
                return Client.objects.create(provider=provider, email=email, name=name, phone=phone)
        except IntegrityError:
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
