"""Dashboard pages for 1:1 appointments: list, book, complete (tip email), no-show."""

import datetime as dt

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from accounts.dashboard import dash_render, dashboard_view, form_fail, tenant_get
from alera.api.errors import ApiError
from classes.forms import AppointmentForm, to_cents
from classes.models import Appointment
from classes.services.appointments import (
    appointment_complete,
    appointment_create,
    appointment_no_show,
)
from customers.services import client_upsert

ACTIONS = {
    "complete": (appointment_complete, "Visit completed."),
    "no-show": (appointment_no_show, "Marked as a no-show."),
}


@dashboard_view
def appointments(request):
    since = timezone.now() - dt.timedelta(days=14)
    rows = (
        Appointment.objects.filter(provider=request.provider, starts_at__gte=since)
        .select_related("client", "service", "instructor")
        .order_by("starts_at")
    )
    return dash_render(request, "dashboard/appointments.html", {"appointments": rows})


@dashboard_view
@require_http_methods(["GET", "POST"])
def appointment_new(request):
    form = AppointmentForm(
        request.POST if request.method == "POST" else None, provider=request.provider
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            client = client_upsert(
                provider=request.provider,
                name=data["client_name"],
                email=data["client_email"],
                phone=data["client_phone"],
            )
            appointment = appointment_create(
                provider=request.provider,
                service=data["service"],
                client=client,
                instructor=data["instructor"],
                starts_at=data["starts_at"],
                duration_min=data["duration_min"],
                price_cents=None if data["price"] is None else to_cents(data["price"]),
                notes=data["notes"],
            )
        except ValidationError as exc:
            form_fail(form, exc, {"starts_at": "starts_at"})
        except ApiError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, f"Appointment with {appointment.client.name} booked.")
            return redirect("dash-appointments")
    return dash_render(
        request,
        "dashboard/form.html",
        {
            "form": form,
            "title": "Book an appointment",
            "missing_service": not form.has_services(),
            "submit": "Book",
            "back": "/dashboard/appointments/",
        },
    )


@dashboard_view
@require_POST
def appointment_action(request, public_id: str, action: str):
    appointment = tenant_get(Appointment.objects.select_related("service"), request, public_id)
    service, done = ACTIONS.get(action, (None, ""))
    if service is not None:
        try:
            service(appointment=appointment)
        except ApiError as exc:
            messages.error(request, exc.message)
        else:
            tip = (
                " A tip link was emailed."
                if action == "complete" and appointment.service.tips_enabled
                else ""
            )
            messages.success(request, done + tip)
    return redirect("dash-appointments")
