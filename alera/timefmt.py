"""One way to write a moment for people: "Tue 8 Dec, 6:00 PM CST", in the studio's zone.

The dashboard, the portal, every email and the dev checkout page use these (through the
`when`, `when_time` and `when_date` template filters or directly), so a customer and the
owner read the same time the same way. The year is added when it isn't the current one.
Formatting is done here rather than with `strftime` codes such as `%-I`, which BSD and
Windows C libraries don't all accept.
"""

import datetime as dt
import zoneinfo

from django.utils import timezone

_DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def _zone(tz: dt.tzinfo | str | None) -> dt.tzinfo:
    if tz is None or tz == "":
        return timezone.get_current_timezone()
    return zoneinfo.ZoneInfo(tz) if isinstance(tz, str) else tz


def _local(value: dt.datetime, tz: dt.tzinfo | str | None) -> dt.datetime:
    zone = _zone(tz)
    return timezone.localtime(value, zone) if timezone.is_aware(value) else value


def _day(local: dt.datetime | dt.date, *, year: bool | None = None) -> str:
    this_year = timezone.localtime(timezone.now(), _zone(None)).year
    show_year = local.year != this_year if year is None else year
    text = f"{_DAYS[local.weekday()]} {local.day} {_MONTHS[local.month - 1]}"
    return f"{text} {local.year}" if show_year else text


def _clock(local: dt.datetime) -> str:
    hour = local.hour % 12 or 12
    return f"{hour}:{local.minute:02d} {'AM' if local.hour < 12 else 'PM'}"


def format_when(value: dt.datetime | None, tz: dt.tzinfo | str | None = None) -> str:
    """Day, date, time and zone: "Tue 8 Dec, 6:00 PM CST" ("" for no value)."""
    if value is None:
        return ""
    return f"{_day(_local(value, tz))}, {format_time(value, tz)}"


def format_time(value: dt.datetime | None, tz: dt.tzinfo | str | None = None) -> str:
    """The time of day alone with its zone ("6:00 PM CST"), under a heading naming the day."""
    if value is None:
        return ""
    local = _local(value, tz)
    zone = f" {local.tzname()}" if local.tzname() else ""
    return f"{_clock(local)}{zone}"


def format_date(value: dt.datetime | dt.date | None, tz: dt.tzinfo | str | None = None) -> str:
    """The day alone, always with its year ("Tue 8 Dec 2026"): expiry dates, "since" dates."""
    if value is None:
        return ""
    local = _local(value, tz) if isinstance(value, dt.datetime) else value
    return _day(local, year=True)
