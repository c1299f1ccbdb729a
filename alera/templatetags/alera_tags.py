"""Template helpers shared by dashboard, portal and email templates."""

import zoneinfo

from django import template
from django.utils import timezone

from alera.timefmt import format_date, format_time, format_when
from customers.services import phone_display
from payments.services.gift_cards import gift_card_code_display

register = template.Library()


@register.filter
def money(cents, currency: str = "usd") -> str:
    """Integer cents as `$20.00` (other currencies as `20.00 EUR`)."""
    if cents is None:
        return ""
    amount = f"{int(cents) / 100:,.2f}"
    return f"${amount}" if str(currency).lower() == "usd" else f"{amount} {str(currency).upper()}"


@register.filter
def local(value, tz_name: str):
    """A stored UTC datetime in the studio's time zone."""
    if value is None:
        return None
    return timezone.localtime(value, zoneinfo.ZoneInfo(tz_name))


@register.filter
def when(value, tz_name: str = "") -> str:
    """A moment as "Tue 8 Dec, 6:00 PM CST" in the active (studio's) zone or `tz_name`."""
    return format_when(value, tz_name or None)


@register.filter
def when_time(value, tz_name: str = "") -> str:
    """The time of day, "6:00 PM CST", for lists already grouped by day."""
    return format_time(value, tz_name or None)


@register.filter
def when_date(value, tz_name: str = "") -> str:
    """A day with its year, "Tue 8 Dec 2026"."""
    return format_date(value, tz_name or None)


@register.filter
def phone(value) -> str:
    """A stored phone number in international format ("+1 512-555-0100"); as typed when it
    doesn't parse."""
    return phone_display(value)


@register.filter
def gift_code(value) -> str:
    """A gift-card code in groups of four ("ABCD EFGH JKLM NPQR") for reading aloud."""
    return gift_card_code_display(value)
