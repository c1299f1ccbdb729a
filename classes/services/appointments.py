"""1:1 appointments: booked by the owner, then Completed, NoShow or Cancelled once.

A status leaves Scheduled by a conditional UPDATE whose row count is checked, so two
clicks (or a click and a task) cannot both complete a visit or send two tip emails.
"""

import datetime as dt

from django.db import transaction
from django.utils import timezone

from accounts.models import Provider
from alera.api.errors import ApiError
from classes.models import Appointment, Instructor, Service
from customers.emails import email_queue
from customers.models import Client


class AppointmentNotScheduled(ApiError):
    def __init__(self, appointment: Appointment) -> None:
        super().__init__(410, f"This appointment is already {appointment.status}.")


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
            raise ApiError(404, f"No such {type(row).__name__.lower()} in this studio.")
    if timezone.is_naive(starts_at):
        raise ApiError(400, "starts_at must carry a time zone.")
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
    email_queue("appointment_booked", appointment_id=appointment.pk)
    return appointment


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
    if moved and appointment.service.tips_enabled:
        email_queue("appointment_tip_request", appointment_id=appointment.pk)
    return appointment


@transaction.atomic
def appointment_no_show(*, appointment: Appointment) -> Appointment:
    """The customer did not come; no tip link is sent."""
    _leave_scheduled(appointment, Appointment.Status.NO_SHOW)
    return appointment


@transaction.atomic
def appointment_cancel(*, appointment: Appointment) -> Appointment:
    """Call the visit off before it happens."""
    _leave_scheduled(appointment, Appointment.Status.CANCELLED)
    return appointment
