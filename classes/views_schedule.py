"""Dashboard pages for the schedule: the week view, sessions, weekly series and blackouts.

The studio's time zone is active for the whole request (see `dashboard_view`), so dates typed
into forms are local wall-clock times and pages print local times with the zone.
"""

import datetime as dt

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from accounts.dashboard import bound_form, dash_render, dashboard_view, form_save, tenant_get
from alera.api.errors import ApiError
from alera.timefmt import format_when
from classes.forms import (
    BlackoutForm,
    SeriesForm,
    SessionEditForm,
    SessionForm,
    week_start,
    within_horizon,
)
from classes.models import Blackout, ClassSession, Service
from classes.selectors import seat_counts
from classes.services.cancellation import session_cancel
from classes.services.schedule import (
    SeriesResult,
    blackout_create,
    blackout_delete,
    class_session_create,
    class_session_update,
    local_start,
    series_create,
)


def _week_param(request) -> dt.date:
    """The Monday of `?week=`; this week when it is missing, malformed or years away (a week
    next to year 1 or 9999 can't even be turned into a UTC range)."""
    try:
        day = dt.date.fromisoformat(request.GET.get("week", ""))
        within_horizon(day)
    except (ValueError, ValidationError):
        day = timezone.localdate()
    return week_start(day)


@dashboard_view
def schedule(request):
    """A week of sessions, day by day in the studio's zone, with seats and waitlists."""
    provider = request.provider
    monday = _week_param(request)
    starts = local_start(provider, monday, dt.time(0, 0))
    ends = local_start(provider, monday + dt.timedelta(days=7), dt.time(0, 0))
    sessions = seat_counts(
        ClassSession.objects.filter(
            provider=provider, scheduled_at__gte=starts, scheduled_at__lt=ends
        ).select_related("instructor"),
        now=timezone.now(),
    ).order_by("scheduled_at")
    days = {monday + dt.timedelta(days=i): [] for i in range(7)}
    for session in sessions:
        days[timezone.localdate(session.scheduled_at)].append(session)
    blackouts = Blackout.objects.filter(provider=provider, starts_at__lt=ends, ends_at__gt=starts)
    return dash_render(
        request,
        "dashboard/schedule.html",
        {
            "days": days.items(),
            "has_sessions": any(days.values()),
            "has_services": Service.objects.filter(
                provider=provider, archived_at__isnull=True
            ).exists(),
            "blackouts": blackouts,
            "monday": monday,
            "sunday": monday + dt.timedelta(days=6),
            "prev_week": monday - dt.timedelta(days=7),
            "next_week": monday + dt.timedelta(days=7),
            "today": timezone.localdate(),
        },
    )


@dashboard_view
@require_http_methods(["GET", "POST"])
def session_new(request):
    form = bound_form(SessionForm, request, provider=request.provider)
    saved = form_save(
        request,
        form,
        lambda: class_session_create(provider=request.provider, **form.session_fields()),
        message=lambda session: (
            f"{session.name_snapshot} scheduled for {_local(session.scheduled_at)}."
        ),
        then=lambda session: _week_url(session.scheduled_at),
    )
    return saved or dash_render(
        request,
        "dashboard/form.html",
        {
            "form": form,
            "title": "Add a session",
            "submit": "Schedule",
            "missing_service": not form.has_services(),
            "back": "/dashboard/schedule/",
        },
    )


@dashboard_view
@require_http_methods(["GET", "POST"])
def series_new(request):
    form = bound_form(SeriesForm, request, provider=request.provider)
    saved = form_save(
        request,
        form,
        lambda: series_create(provider=request.provider, **form.series_fields()),
        message=_series_message,
        then=lambda result: _week_url(result.sessions[0].scheduled_at),
        field_map={"local_time": "local_time"},
    )
    return saved or dash_render(
        request,
        "dashboard/series_form.html",
        {
            "form": form,
            "title": "Add a weekly series",
            "submit": "Create series",
            "missing_service": not form.has_services(),
        },
    )


@dashboard_view
@require_http_methods(["GET", "POST"])
def session_edit(request, public_id: str):
    session = tenant_get(ClassSession.objects.select_related("instructor"), request, public_id)
    form = bound_form(SessionEditForm, request, session=session)
    saved = form_save(
        request,
        form,
        lambda: class_session_update(session=session, **form.session_fields()),
        message="Session saved.",
        then=reverse("dash-session", kwargs={"public_id": session.public_id}),
    )
    return saved or dash_render(
        request,
        "dashboard/form.html",
        {
            "form": form,
            "title": f"Edit {session.name_snapshot}, {_local(session.scheduled_at)}",
            "back": f"/dashboard/sessions/{session.public_id}/",
        },
    )


@dashboard_view
@require_http_methods(["GET", "POST"])
def session_cancel_view(request, public_id: str):
    session = tenant_get(ClassSession, request, public_id)
    back = f"/dashboard/sessions/{session.public_id}/"
    if request.method == "POST":
        try:
            result = session_cancel(session=session, by_user=request.user)
        except ApiError as exc:
            messages.error(request, exc.message)
            return redirect(back)
        if result.failed:
            messages.error(
                request,
                f"Class cancelled, but {len(result.failed)} refund(s) failed: "
                "cancel again to retry them.",
            )
        else:
            messages.success(
                request,
                f"Class cancelled. {result.cancelled} booking(s) refunded and emailed.",
            )
        return redirect(back)
    return dash_render(
        request,
        "dashboard/confirm.html",
        {
            "title": "Cancel this class",
            "question": f"Cancel {session.name_snapshot} on {_local(session.scheduled_at)}?",
            "detail": "Every booking is cancelled with a full refund (or its pack credit back), "
            "every customer is emailed and the waitlist is closed.",
            "submit": "Cancel class",
            "back": back,
        },
    )


@dashboard_view
@require_http_methods(["GET", "POST"])
def blackouts(request):
    form = bound_form(BlackoutForm, request)
    saved = form_save(
        request,
        form,
        lambda: blackout_create(provider=request.provider, **form.cleaned_data),
        message=lambda blackout: f"Blackout “{blackout.label}” added.",
        then="dash-blackouts",
    )
    if saved:
        return saved
    rows = Blackout.objects.filter(
        provider=request.provider, ends_at__gt=timezone.now() - dt.timedelta(days=30)
    )
    return dash_render(request, "dashboard/blackouts.html", {"form": form, "blackouts": rows})


@dashboard_view
@require_POST
def blackout_delete_view(request, public_id: str):
    blackout = tenant_get(Blackout, request, public_id)
    blackout_delete(blackout=blackout)
    messages.success(request, f"Blackout “{blackout.label}” deleted.")
    return redirect("dash-blackouts")


def _series_message(result: SeriesResult) -> str:
    first = result.sessions[0]
    note = f" {len(result.skipped)} day(s) skipped for blackouts." if result.skipped else ""
    return (
        f"{len(result.sessions)} sessions of {first.name_snapshot} scheduled, "
        f"from {_local(first.scheduled_at)}.{note}"
    )


def _local(moment: dt.datetime) -> str:
    return format_when(moment)


def _week_url(moment: dt.datetime) -> str:
    return f"/dashboard/schedule/?week={week_start(timezone.localdate(moment)).isoformat()}"
