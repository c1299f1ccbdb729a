"""Wire shapes of the classes API (camelCase, as the contract names them)."""

import datetime as dt

from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import serializers

from alera.api.fields import JsonIntegerField, PlainTextField
from alera.api.wire import iso_ms
from classes.services.tips import MAX_TIP_CENTS, MIN_TIP_CENTS
from customers.services import phone_normalize

# -- input -------------------------------------------------------------------------------

# A local day is turned into UTC bounds up to a day either side (time zones reach ±14 h, and
# the range ends at the start of the day after `to`); outside these, that arithmetic would
# leave Python's date range, so such a date is a 400 like any other invalid one.
MIN_LIST_DATE = dt.date.min + dt.timedelta(days=1)
MAX_LIST_DATE = dt.date.max - dt.timedelta(days=2)


def _listable(value: dt.date) -> dt.date:
    if not MIN_LIST_DATE <= value <= MAX_LIST_DATE:
        raise serializers.ValidationError(
            f"must be between {MIN_LIST_DATE.isoformat()} and {MAX_LIST_DATE.isoformat()}."
        )
    return value


class ClassListQuery(serializers.Serializer):
    handle = serializers.CharField(max_length=50)
    # `from` is a Python keyword; the field is renamed in __init__.
    date_from = serializers.DateField(input_formats=["%Y-%m-%d"], validators=[_listable])
    to = serializers.DateField(input_formats=["%Y-%m-%d"], validators=[_listable])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["from"] = self.fields.pop("date_from")


class CustomerInput(serializers.Serializer):
    name = PlainTextField(max_length=120)
    email = serializers.EmailField(max_length=254)
    phone = serializers.CharField(max_length=40)

    def validate_phone(self, value: str) -> str:
        try:
            return phone_normalize(value)
        except DjangoValidationError as exc:
            raise serializers.ValidationError(exc.messages[0]) from exc


class BookInput(CustomerInput):
    successUrl = serializers.URLField(max_length=2000, required=False)
    cancelUrl = serializers.URLField(max_length=2000, required=False)
    useClientPackageId = serializers.CharField(max_length=32, required=False)
    customerToken = serializers.CharField(max_length=1000, required=False, allow_blank=True)


class CancelInput(serializers.Serializer):
    cancelToken = serializers.CharField(max_length=1000)
    cancelReason = PlainTextField(
        multiline=True, max_length=500, required=False, allow_blank=True, default=""
    )


# -- output (documentation of the shapes; the views render plain dicts) ------------------


class InstructorOut(serializers.Serializer):
    id = serializers.CharField()
    name = serializers.CharField()


class ClassOut(serializers.Serializer):
    id = serializers.CharField()
    scheduledAt = serializers.CharField()
    nameSnapshot = serializers.CharField()
    durationMin = serializers.IntegerField()
    priceCents = serializers.IntegerField()
    capacity = serializers.IntegerField()
    enrolledCount = serializers.IntegerField()
    seatsLeft = serializers.IntegerField()
    publicNote = serializers.CharField(allow_null=True)
    instructor = InstructorOut(allow_null=True)


class BlackoutOut(serializers.Serializer):
    id = serializers.CharField()
    label = serializers.CharField()
    startsAt = serializers.CharField()
    endsAt = serializers.CharField()
    allDay = serializers.BooleanField()
    kind = serializers.CharField()


class ClassListOut(serializers.Serializer):
    classes = ClassOut(many=True)
    blackouts = BlackoutOut(many=True)


class ProviderSliceOut(serializers.Serializer):
    displayName = serializers.CharField()
    handle = serializers.CharField()
    avatarKey = serializers.CharField(allow_null=True)
    avatarUrl = serializers.CharField(allow_null=True, help_text="The avatar image, or null.")
    bio = serializers.CharField(allow_null=True)
    timezone = serializers.CharField()


class ClassDetailOut(serializers.Serializer):
    # `class` is a keyword; renamed in __init__.
    klass = ClassOut()
    provider = ProviderSliceOut()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["class"] = self.fields.pop("klass")


class BookedClassOut(serializers.Serializer):
    id = serializers.CharField()
    nameSnapshot = serializers.CharField()
    scheduledAt = serializers.CharField()
    durationMin = serializers.IntegerField()


class BookOut(serializers.Serializer):
    enrollmentId = serializers.CharField()
    status = serializers.CharField()
    checkoutUrl = serializers.CharField(allow_null=True)
    checkoutSessionId = serializers.CharField(allow_null=True)
    cancelToken = serializers.CharField()
    classSession = BookedClassOut()


class WaitlistOut(serializers.Serializer):
    waitlistEntryId = serializers.CharField()
    position = serializers.IntegerField()
    alreadyOnWaitlist = serializers.BooleanField()


class CancelOut(serializers.Serializer):
    ok = serializers.BooleanField()
    cancelledAt = serializers.CharField()
    lateCancel = serializers.BooleanField()
    cancelWindowHours = serializers.IntegerField()
    refundedCents = serializers.IntegerField()
    refundId = serializers.CharField(allow_null=True)


# -- renderers -----------------------------------------------------------------------------


def class_dict(session, *, with_instructor: bool = True) -> dict:
    data = {
        "id": session.public_id,
        "scheduledAt": iso_ms(session.scheduled_at),
        "nameSnapshot": session.name_snapshot,
        "durationMin": session.duration_min,
        "priceCents": session.price_cents,
        "capacity": session.capacity,
        "enrolledCount": session.enrolled_count,
        "seatsLeft": session.seats_left,
        "publicNote": session.public_note or None,
    }
    if with_instructor:
        instructor = session.instructor
        data["instructor"] = (
            {"id": instructor.public_id, "name": instructor.name} if instructor else None
        )
    return data


def blackout_dict(blackout) -> dict:
    return {
        "id": blackout.public_id,
        "label": blackout.label,
        "startsAt": iso_ms(blackout.starts_at),
        "endsAt": iso_ms(blackout.ends_at),
        "allDay": blackout.all_day,
        "kind": blackout.kind,
    }


def provider_slice(provider) -> dict:
    return {
        "displayName": provider.display_name,
        "handle": provider.handle,
        "avatarKey": provider.avatar_key or None,
        "avatarUrl": provider.avatar_url,
        "bio": provider.bio or None,
        "timezone": provider.timezone,
    }


class TipStartInput(serializers.Serializer):
    token = serializers.CharField(max_length=1000)
    amountCents = JsonIntegerField(min_value=MIN_TIP_CENTS, max_value=MAX_TIP_CENTS)


class TipStartOutput(serializers.Serializer):
    checkoutUrl = serializers.URLField()
    checkoutSessionId = serializers.CharField()
