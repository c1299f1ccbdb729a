"""Wire formats the contract fixes: UTC times with milliseconds and a Z."""

import datetime as dt


def iso_ms(value: dt.datetime | None) -> str | None:
    if value is None:
        return None
    return value.astimezone(dt.UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")
