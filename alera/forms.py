"""Form helpers every dashboard form shares: money typed in dollars, stored in cents."""

from decimal import Decimal

from django import forms


def money_field(label: str = "Price ($)", **kwargs) -> forms.DecimalField:
    kwargs.setdefault("min_value", Decimal(0))
    kwargs.setdefault("max_value", Decimal(100000))
    return forms.DecimalField(label=label, decimal_places=2, **kwargs)


def to_cents(value: Decimal) -> int:
    return int((value * 100).to_integral_value())
