"""Template helpers shared by dashboard, portal and email templates."""

import zoneinfo

from django import template
from django.utils import timezone

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
def event_label(kind: str) -> str:
    """An activity-log kind in the owner's words (`booking.confirmed` → Booking confirmed)."""
    from alera.selectors import EVENT_KINDS

    return EVENT_KINDS.get(kind, kind)
