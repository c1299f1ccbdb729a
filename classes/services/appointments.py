"""1:1 appointments: booked by the owner, then Completed, NoShow or Cancelled once.

A status leaves Scheduled by a conditional UPDATE whose row count is checked, so two
clicks (or a click and a task) cannot both complete a visit or send two tip emails.
"""

import datetime as dt

from django.db import transaction
from django.utils import timezone

from accounts.models import Provider
from alera.events import event_record
from classes.errors import AppointmentNotScheduled, BadScheduleTime, NotInStudio
from classes.models import Appointment, Instructor, Service
from customers.models import Client


@transaction.atomic
def appointment_create(
    *,
    provider: Provider,
    service: Service,
    client: Client,
    starts_at: dt.datetime,
    instructor: Instructor | None = None,
    duration_min: int | None = None,
    price_cents: int | None = None,
    notes: str = "",
) -> Appointment:
    """Book a 1:1 visit; duration and price default to the service's. The customer is
    emailed the booking after commit (if it is still scheduled by then)."""
    for row in (service, client, instructor):
        if row is not None and row.provider_id != provider.pk:
            raise NotInStudio(f"No such {type(row).__name__.lower()} in this studio.")
    if timezone.is_naive(starts_at):
        raise BadScheduleTime("starts_at must carry a time zone.")
    appointment = Appointment(
        provider=provider,
        service=service,
        client=client,
        instructor=instructor,
        starts_at=starts_at,
        duration_min=duration_min if duration_min is not None else service.duration_min,
        price_cents=price_cents if price_cents is not None else service.price_cents,
        notes=notes,
    )
    appointment.full_clean()
    appointment.save()
    _appointment_event("created", appointment)
    return appointment


def _appointment_event(kind: str, appointment: Appointment, **refs) -> None:
    event_record(
        kind=f"appointment.{kind}",
        provider=appointment.provider_id,
        subject_id=appointment.public_id,
        client_id=appointment.client.public_id,
        payload={
            "status": appointment.status,
            "startsAt": appointment.starts_at.isoformat(),
            "priceCents": appointment.price_cents,
        },
        refs={"appointment_id": appointment.pk, **refs},
    )


def _leave_scheduled(appointment: Appointment, status: str, **fields) -> bool:
    """Move Scheduled → `status`; False when it was already there (a repeat click)."""
    updated = Appointment.objects.filter(
        pk=appointment.pk, status=Appointment.Status.SCHEDULED
    ).update(status=status, **fields)
    appointment.refresh_from_db()
    if updated == 1:
        return True
    if appointment.status == status:
        return False
    raise AppointmentNotScheduled(appointment)


@transaction.atomic
def appointment_complete(*, appointment: Appointment) -> Appointment:
    """Mark the visit done; when its service takes tips, email the customer a tip link."""
    moved = _leave_scheduled(appointment, Appointment.Status.COMPLETED, completed_at=timezone.now())
    if moved:
        _appointment_event("completed", appointment, tip_request=appointment.service.tips_enabled)
    return appointment


@transaction.atomic
def appointment_no_show(*, appointment: Appointment) -> Appointment:
    """The customer did not come; no tip link is sent."""
    if _leave_scheduled(appointment, Appointment.Status.NO_SHOW):
        _appointment_event("no_show", appointment)
    return appointment


@transaction.atomic
def appointment_cancel(*, appointment: Appointment) -> Appointment:
    """Call the visit off before it happens."""
    if _leave_scheduled(appointment, Appointment.Status.CANCELLED):
        _appointment_event("cancelled", appointment)
    return appointment
