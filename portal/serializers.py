"""Wire shapes for the customer API (camelCase, as the contract fixes them)."""

from django.conf import settings
from django.core.exceptions import ValidationError
from rest_framework import serializers

from accounts.origins import normalize_origin, origin_of_url
from alera.api.wire import iso_ms
from alera.tokens import Purpose, token_make
from classes.models import Enrollment
from customers.models import Client
from customers.services import calendar_feed_url
from portal.selectors import Bookings


class SigninLinkInput(serializers.Serializer):
    email = serializers.EmailField(max_length=254)
    handle = serializers.CharField(max_length=50)
    customerSiteOrigin = serializers.CharField(max_length=200, required=False, allow_blank=True)

    def validate_customerSiteOrigin(self, value: str) -> str:
        if not value:
            return ""
        try:
            return normalize_origin(value)
        except ValidationError as exc:
            raise serializers.ValidationError(exc.messages[0]) from exc


def link_origin_allowed(*, origin: str, key_origins: list[str]) -> bool:
    """A magic link may only point at the key's own sites or at Alera itself (the hosted
    portal, on SITE_URL's origin, whatever path SITE_URL carries)."""
    return origin in key_origins or origin == origin_of_url(settings.SITE_URL)


class MeClientSerializer(serializers.Serializer):
    id = serializers.CharField()
    name = serializers.CharField()
    email = serializers.EmailField()


class MeStudioSerializer(serializers.Serializer):
    handle = serializers.CharField()
    displayName = serializers.CharField()
    timezone = serializers.CharField()
    avatarUrl = serializers.CharField(allow_null=True)


class MeClassSerializer(serializers.Serializer):
    id = serializers.CharField()
    name = serializers.CharField()
    scheduledAt = serializers.DateTimeField()
    durationMin = serializers.IntegerField()


# Built with type(): the contract's field name `class` is a Python keyword.
MeEnrollmentSerializer = type(
    "MeEnrollmentSerializer",
    (serializers.Serializer,),
    {
        "id": serializers.CharField(),
        "status": serializers.ChoiceField(choices=Enrollment.Status.choices),
        "bookedAt": serializers.DateTimeField(),
        "cancelToken": serializers.CharField(),
        "class": MeClassSerializer(),
    },
)


class MePackageSerializer(serializers.Serializer):
    id = serializers.CharField()
    packageTypeName = serializers.CharField()
    sessionsRemaining = serializers.IntegerField()
    sessionsTotal = serializers.IntegerField()
    expiresAt = serializers.DateTimeField()


class MeOutput(serializers.Serializer):
    client = MeClientSerializer()
    studio = MeStudioSerializer()
    calendarFeedUrl = serializers.URLField()
    enrollments = MeEnrollmentSerializer(many=True)
    packages = MePackageSerializer(many=True)


def enrollment_wire(enrollment: Enrollment, *, provider_public_id: str) -> dict:
    session = enrollment.class_session
    return {
        "id": enrollment.public_id,
        "status": enrollment.status,
        "bookedAt": iso_ms(enrollment.booked_at),
        "cancelToken": token_make(
            Purpose.CANCEL, record_id=enrollment.public_id, provider_id=provider_public_id
        ),
        "class": {
            "id": session.public_id,
            "name": session.name_snapshot,
            "scheduledAt": iso_ms(session.scheduled_at),
            "durationMin": session.duration_min,
        },
    }


def me_wire(*, client: Client, bookings: Bookings, packages: list) -> dict:
    """The /api/customer/me body: upcoming bookings first, then past ones."""
    provider = client.provider
    return {
        "client": {"id": client.public_id, "name": client.name, "email": client.email},
        "studio": {
            "handle": provider.handle,
            "displayName": provider.display_name,
            "timezone": provider.timezone,
            "avatarUrl": provider.avatar_url,
        },
        "calendarFeedUrl": calendar_feed_url(client=client),
        "enrollments": [
            enrollment_wire(e, provider_public_id=provider.public_id)
            for e in [*bookings.upcoming, *bookings.past]
        ],
        "packages": [
            {
                "id": package.public_id,
                "packageTypeName": package.package_type.name,
                "sessionsRemaining": package.sessions_remaining,
                "sessionsTotal": package.sessions_total,
                "expiresAt": iso_ms(package.expires_at),
            }
            for package in packages
        ],
    }
