"""Dashboard forms for the catalogue, the schedule, rosters and appointments.

Forms validate and convert (dollars → cents, local wall-clock → aware datetimes in the
studio's zone, which the dashboard activates per request); services write.
"""

import datetime as dt
from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from classes.models import Blackout, Instructor, Service

WEEKDAYS = [
    (0, "Mon"),
    (1, "Tue"),
    (2, "Wed"),
    (3, "Thu"),
    (4, "Fri"),
    (5, "Sat"),
    (6, "Sun"),
]
DATETIME_WIDGET = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
DEFAULTS_DURATION = "Empty: the service's duration."
DEFAULTS_CAPACITY = "Empty: the service's default capacity."
# How far from today the dashboard schedules, either way. Beyond it a date is a typo (2062 for
# 2026), and near year 1 or 9999 converting a local time to UTC overflows (a 500), so the
# bound keeps those out too.
HORIZON_YEARS = 5


def within_horizon(value: dt.date | dt.datetime) -> None:
    """Refuse a date or time more than HORIZON_YEARS from today."""
    reach = dt.timedelta(days=HORIZON_YEARS * 366)
    now = timezone.now() if isinstance(value, dt.datetime) else timezone.localdate()
    if not now - reach <= value <= now + reach:
        raise ValidationError(
            f"That is more than {HORIZON_YEARS} years away: check the year.", code="too_far"
        )


def not_in_the_past(value: dt.datetime) -> None:
    if value < timezone.now():
        raise ValidationError(
            "That time has already passed: pick a time in the future.", code="past"
        )


def when_field(label: str, *, past: bool = False) -> forms.DateTimeField:
    """A local wall-clock date-time input, at most HORIZON_YEARS ahead (and, unless `past`,
    not before now)."""
    validators = [within_horizon] if past else [not_in_the_past, within_horizon]
    return forms.DateTimeField(label=label, widget=DATETIME_WIDGET, validators=validators)


def money_field(label: str = "Price ($)", **kwargs) -> forms.DecimalField:
    kwargs.setdefault("min_value", Decimal(0))
    kwargs.setdefault("max_value", Decimal(100000))
    return forms.DecimalField(label=label, decimal_places=2, **kwargs)


def to_cents(value: Decimal) -> int:
    return int((value * 100).to_integral_value())


class CentsFormMixin:
    """Show `<x>_cents` model values as dollars in a `price` field."""

    def initial_price(self, cents: int | None) -> Decimal | None:
        return None if cents is None else (Decimal(cents) / 100).quantize(Decimal("0.01"))


class ServiceForm(CentsFormMixin, forms.Form):
    name = forms.CharField(max_length=120)
    description = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False)
    duration_min = forms.IntegerField(label="Duration (minutes)", min_value=5, max_value=600)
    price = money_field(help_text="0 for a free class.")
    default_capacity = forms.IntegerField(label="Default capacity", min_value=1, max_value=500)
    cancel_window_hours = forms.IntegerField(
        label="Cancel window (hours)",
        min_value=0,
        max_value=720,
        help_text="Customers who cancel at least this long before class get a full refund.",
    )
    tips_enabled = forms.BooleanField(required=False, label="Ask for a tip after 1:1 visits")

    def __init__(self, *args, service: Service | None = None, provider=None, **kwargs):
        if service is not None:
            kwargs.setdefault(
                "initial",
                {
                    "name": service.name,
                    "description": service.description,
                    "duration_min": service.duration_min,
                    "price": self.initial_price(service.price_cents),
                    "default_capacity": service.default_capacity,
                    "cancel_window_hours": service.cancel_window_hours,
                    "tips_enabled": service.tips_enabled,
                },
            )
        elif provider is not None:
            kwargs.setdefault(
                "initial",
                {
                    "duration_min": 50,
                    "price": Decimal("0.00"),
                    "default_capacity": 10,
                    "cancel_window_hours": provider.default_cancel_window_hours,
                },
            )
        super().__init__(*args, **kwargs)

    def service_fields(self) -> dict:
        data = dict(self.cleaned_data)
        data["price_cents"] = to_cents(data.pop("price"))
        return data


class InstructorForm(forms.Form):
    name = forms.CharField(max_length=120)
    email = forms.EmailField(required=False)
    bio = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False)


class _CatalogueChoices(forms.Form):
    """Service and instructor pickers limited to the studio's live records."""

    service = forms.ModelChoiceField(
        queryset=Service.objects.none(), to_field_name="public_id", empty_label="Choose a service"
    )
    instructor = forms.ModelChoiceField(
        queryset=Instructor.objects.none(),
        to_field_name="public_id",
        required=False,
        empty_label="No instructor",
    )

    def __init__(self, *args, provider, **kwargs):
        super().__init__(*args, **kwargs)
        self.provider = provider
        if "service" in self.fields:
            self.fields["service"].queryset = Service.objects.filter(
                provider=provider, archived_at__isnull=True
            )
        self.fields["instructor"].queryset = Instructor.objects.filter(
            provider=provider, archived_at__isnull=True
        )

    def has_services(self) -> bool:
        """False when the studio has no live service yet: the page then says to create one."""
        return "service" not in self.fields or self.fields["service"].queryset.exists()


class SessionForm(CentsFormMixin, _CatalogueChoices):
    scheduled_at = when_field("Starts at")
    duration_min = forms.IntegerField(
        label="Duration (minutes)",
        min_value=5,
        max_value=600,
        required=False,
        help_text=DEFAULTS_DURATION,
    )
    capacity = forms.IntegerField(
        min_value=1, max_value=500, required=False, help_text=DEFAULTS_CAPACITY
    )
    price = money_field(required=False, help_text="Empty: the service's price.")
    public_note = forms.CharField(max_length=500, required=False, label="Note for customers")

    def session_fields(self) -> dict:
        data = dict(self.cleaned_data)
        price = data.pop("price")
        data["price_cents"] = None if price is None else to_cents(price)
        return data


class SessionEditForm(SessionForm):
    """Editing one session: its service is fixed, every other value is explicit."""

    def __init__(self, *args, session, **kwargs):
        kwargs.setdefault(
            "initial",
            {
                "scheduled_at": session.scheduled_at,
                "duration_min": session.duration_min,
                "capacity": session.capacity,
                "price": self.initial_price(session.price_cents),
                "public_note": session.public_note,
                "instructor": session.instructor.public_id if session.instructor else None,
            },
        )
        super().__init__(*args, provider=session.provider, **kwargs)
        del self.fields["service"]
        for name in ("duration_min", "capacity", "price"):
            self.fields[name].required = True
            self.fields[name].help_text = ""
        self.fields["scheduled_at"].validators = [within_horizon]
        self.session = session

    def clean_scheduled_at(self) -> dt.datetime:
        """A session that already started may keep its time (to fix its note or capacity),
        but no session is moved into the past."""
        value = self.cleaned_data["scheduled_at"]
        unchanged = value == self.session.scheduled_at.replace(second=0, microsecond=0)
        if not unchanged:
            not_in_the_past(value)
        return value


class SeriesForm(CentsFormMixin, _CatalogueChoices):
    weekdays = forms.TypedMultipleChoiceField(
        choices=WEEKDAYS,
        coerce=int,
        # The class names the wrapper, which alera.css lays out as one row of days.
        widget=forms.CheckboxSelectMultiple(attrs={"class": "day-picker"}),
        label="Days",
    )
    local_time = forms.TimeField(label="Time", widget=forms.TimeInput(attrs={"type": "time"}))
    start_date = forms.DateField(widget=DATE_WIDGET, validators=[within_horizon])
    end_date = forms.DateField(
        widget=DATE_WIDGET, required=False, help_text="Inclusive.", validators=[within_horizon]
    )
    count = forms.IntegerField(
        min_value=1, max_value=200, required=False, label="…or number of sessions"
    )
    capacity = forms.IntegerField(
        min_value=1, max_value=500, required=False, help_text=DEFAULTS_CAPACITY
    )
    price = money_field(required=False, help_text="Empty: the service's price.")

    def clean(self):
        data = super().clean()
        if data.get("end_date") is None and data.get("count") is None:
            raise ValidationError("Give an end date or a number of sessions.")
        if data.get("end_date") is not None and data.get("count") is not None:
            raise ValidationError("Give an end date or a number of sessions, not both.")
        start, at, days = data.get("start_date"), data.get("local_time"), data.get("weekdays")
        now = timezone.localtime()
        if start is not None and start < now.date():
            self.add_error("start_date", "The start date has passed: start today or later.")
        elif (
            start == now.date()
            and at is not None
            and start.weekday() in (days or [])
            and at <= now.time()
        ):
            self.add_error("start_date", f"Today's {at:%H:%M} has passed: start tomorrow.")
        return data

    def series_fields(self) -> dict:
        data = dict(self.cleaned_data)
        service = data["service"]
        price = data.pop("price")
        data["price_cents"] = service.price_cents if price is None else to_cents(price)
        if data["capacity"] is None:
            data["capacity"] = service.default_capacity
        return data


class BlackoutForm(forms.Form):
    label = forms.CharField(max_length=200)
    kind = forms.ChoiceField(choices=Blackout.Kind.choices, initial=Blackout.Kind.CLOSURE)
    all_day = forms.BooleanField(required=False, label="Whole days")
    starts_at = when_field("Starts", past=True)
    ends_at = when_field("Ends", past=True)

    def clean(self):
        data = super().clean()
        starts, ends = data.get("starts_at"), data.get("ends_at")
        if starts and ends and data.get("all_day"):
            # Whole days: from the first day's midnight to the midnight after the last day.
            starts = data["starts_at"] = starts.replace(hour=0, minute=0)
            if (ends.hour, ends.minute) != (0, 0):
                ends = data["ends_at"] = (ends + dt.timedelta(days=1)).replace(hour=0, minute=0)
        if starts and ends and ends <= starts:
            self.add_error("ends_at", "The end must be after the start.")
        elif ends and ends <= timezone.now():
            self.add_error("ends_at", "That end has already passed: a blackout must end later.")
        return data


class CancelBookingForm(forms.Form):
    refund = forms.TypedChoiceField(
        choices=[("yes", "Refund the customer"), ("no", "Don't refund")],
        coerce=lambda v: v == "yes",
        widget=forms.RadioSelect,
        initial="yes",
        label="Refund",
    )
    reason = forms.CharField(max_length=500, required=False, label="Reason (optional)")

    def __init__(self, *args, with_refund: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        if not with_refund:
            # Nothing was paid: no money choice to offer (the service refunds nothing).
            del self.fields["refund"]


class AppointmentForm(CentsFormMixin, _CatalogueChoices):
    client_name = forms.CharField(max_length=120, label="Customer name")
    client_email = forms.EmailField(label="Customer email")
    client_phone = forms.CharField(max_length=20, required=False, label="Customer phone")
    starts_at = when_field("Starts at")
    duration_min = forms.IntegerField(
        label="Duration (minutes)",
        min_value=5,
        max_value=600,
        required=False,
        help_text=DEFAULTS_DURATION,
    )
    price = money_field(required=False, help_text="Empty: the service's price.")
    notes = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), required=False)


def week_start(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())
