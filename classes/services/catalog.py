"""The studio's catalogue: services (class types) and instructors.

Archiving hides a record from new scheduling but keeps it for the sessions and bookings that
already point at it (sessions PROTECT their service).
"""

from django.db import transaction
from django.utils import timezone

from accounts.models import Provider
from alera.events import event_record
from classes.models import Instructor, Service

SERVICE_FIELDS = (
    "name",
    "description",
    "duration_min",
    "price_cents",
    "default_capacity",
    "cancel_window_hours",
    "tips_enabled",
)
INSTRUCTOR_FIELDS = ("name", "bio", "email")


def _apply(instance, allowed: tuple[str, ...], fields: dict) -> list[str]:
    unknown = set(fields) - set(allowed)
    if unknown:
        raise TypeError(f"Unknown field(s): {', '.join(sorted(unknown))}")
    for name, value in fields.items():
        setattr(instance, name, value.strip() if isinstance(value, str) else value)
    instance.full_clean()
    return list(fields)


def _catalog_event(kind: str, row, fields: list[str] | None = None) -> None:
    """Record `catalog.<kind>` (service or instructor created, edited, archived)."""
    event_record(
        kind=f"catalog.{kind}",
        provider=row.provider_id,
        subject_id=row.public_id,
        payload={"name": row.name, **({"fields": sorted(fields)} if fields else {})},
    )


@transaction.atomic
def service_create(*, provider: Provider, name: str, **fields) -> Service:
    """A new class type; unset fields take the studio's defaults."""
    fields.setdefault("cancel_window_hours", provider.default_cancel_window_hours)
    service = Service(provider=provider)
    _apply(service, SERVICE_FIELDS, {"name": name, **fields})
    service.save()
    _catalog_event("service_created", service)
    return service


@transaction.atomic
def service_update(*, service: Service, **fields) -> Service:
    """Edit a class type. Sessions already scheduled keep their own snapshot of name/price."""
    locked = Service.objects.select_for_update().get(pk=service.pk)
    changed = _apply(locked, SERVICE_FIELDS, fields)
    locked.save(update_fields=changed)
    _catalog_event("service_edited", locked, changed)
    return locked


@transaction.atomic
def service_archive(*, service: Service) -> Service:
    """Hide a class type from scheduling; its past and booked sessions stay intact."""
    archived = Service.objects.filter(pk=service.pk, archived_at__isnull=True).update(
        archived_at=timezone.now()
    )
    service.refresh_from_db(fields=["archived_at"])
    if archived:
        _catalog_event("service_archived", service)
    return service


@transaction.atomic
def instructor_create(*, provider: Provider, name: str, **fields) -> Instructor:
    """A new instructor of the studio."""
    instructor = Instructor(provider=provider)
    _apply(instructor, INSTRUCTOR_FIELDS, {"name": name, **fields})
    instructor.save()
    _catalog_event("instructor_created", instructor)
    return instructor


@transaction.atomic
def instructor_update(*, instructor: Instructor, **fields) -> Instructor:
    """Edit an instructor's name, bio or email."""
    locked = Instructor.objects.select_for_update().get(pk=instructor.pk)
    changed = _apply(locked, INSTRUCTOR_FIELDS, fields)
    locked.save(update_fields=changed)
    _catalog_event("instructor_edited", locked, changed)
    return locked


@transaction.atomic
def instructor_archive(*, instructor: Instructor) -> Instructor:
    """Hide an instructor from new sessions; sessions they teach keep their name."""
    archived = Instructor.objects.filter(pk=instructor.pk, archived_at__isnull=True).update(
        archived_at=timezone.now()
    )
    instructor.refresh_from_db(fields=["archived_at"])
    if archived:
        _catalog_event("instructor_archived", instructor)
    return instructor
