"""Staff admin for class types, instructors, the schedule, bookings, waitlists and
appointments. Seats and statuses change only through the booking services."""

from django.contrib import admin, messages
from django.db.models import Q
from django.utils.html import format_html

from alera.admin import NoAddNoDeleteAdmin, ReadOnlyAdmin, resend_email_action
from alera.api.errors import ApiError
from alera.templatetags.alera_tags import money
from alera.timefmt import format_when
from classes.models import (
    Appointment,
    Blackout,
    ClassSession,
    Enrollment,
    Instructor,
    Service,
    WaitlistEntry,
)


@admin.register(Service)
class ServiceAdmin(admin.ModelAdmin):
    list_display = (
        "name",
        "provider",
        "public_id",
        "duration_min",
        "price_cents",
        "default_capacity",
        "tips_enabled",
        "archived_at",
    )
    list_filter = ("tips_enabled", ("archived_at", admin.EmptyFieldListFilter))
    search_fields = ("name", "public_id", "provider__handle")
    list_select_related = ("provider",)
    autocomplete_fields = ("provider",)
    readonly_fields = ("public_id", "created_at")


@admin.register(Instructor)
class InstructorAdmin(admin.ModelAdmin):
    list_display = ("name", "email", "provider", "public_id", "archived_at")
    list_filter = (("archived_at", admin.EmptyFieldListFilter),)
    search_fields = ("name", "email", "public_id", "provider__handle")
    list_select_related = ("provider",)
    autocomplete_fields = ("provider",)
    readonly_fields = ("public_id",)


class EnrollmentInline(admin.TabularInline):
    """The roster, read-only: bookings change through the booking services."""

    model = Enrollment
    extra = 0
    can_delete = False
    show_change_link = True
    fields = ("public_id", "client", "status", "paid_with", "amount_paid_cents", "booked_at")
    readonly_fields = fields

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("client")


@admin.register(ClassSession)
class ClassSessionAdmin(NoAddNoDeleteAdmin):
    """Sessions are scheduled in the dashboard; here staff fix the note or instructor and
    cancel a session with refunds (the same service the dashboard calls)."""

    list_display = (
        "name_snapshot",
        "scheduled_at",
        "provider",
        "public_id",
        "instructor",
        "capacity",
        "price_cents",
        "status",
    )
    list_filter = ("status", "scheduled_at")
    search_fields = ("public_id", "name_snapshot", "provider__handle", "series_id")
    list_select_related = ("provider", "instructor")
    autocomplete_fields = ("instructor",)
    date_hierarchy = "scheduled_at"
    readonly_fields = (
        "public_id",
        "provider",
        "service",
        "scheduled_at",
        "duration_min",
        "price_cents",
        "capacity",
        "status",
        "name_snapshot",
        "series_id",
        "cancelled_at",
        "created_at",
    )
    inlines = (EnrollmentInline,)
    actions = ("cancel_with_refunds",)

    @admin.action(
        description="Cancel selected sessions (refund every paid booking, email customers)",
        permissions=["change"],
    )
    def cancel_with_refunds(self, request, queryset) -> None:
        """The dashboard's cancel: refunds first, then each booking cancelled and emailed.
        A refund the gateway refuses leaves that booking as it was; running again retries."""
        from classes.services.cancellation import session_cancel

        for session in queryset.exclude(status=ClassSession.Status.COMPLETED):
            try:
                result = session_cancel(session=session, by_user=request.user)
            except ApiError as exc:
                self.message_user(request, f"{session}: {exc.message}", messages.ERROR)
                continue
            self.message_user(
                request,
                f"{session}: cancelled, {result.cancelled} booking(s) cancelled and refunded.",
                messages.SUCCESS,
            )
            if result.failed:
                self.message_user(
                    request,
                    f"{session}: refunds failed for {', '.join(result.failed)}; "
                    "those bookings are unchanged. Run the action again to retry.",
                    messages.ERROR,
                )
        if completed := queryset.filter(status=ClassSession.Status.COMPLETED).count():
            self.message_user(
                request, f"Skipped {completed} completed session(s).", messages.WARNING
            )


@admin.register(Blackout)
class BlackoutAdmin(admin.ModelAdmin):
    list_display = ("label", "provider", "kind", "starts_at", "ends_at", "all_day")
    list_filter = ("kind", "all_day")
    search_fields = ("label", "public_id", "provider__handle")
    list_select_related = ("provider",)
    autocomplete_fields = ("provider",)
    readonly_fields = ("public_id",)
    date_hierarchy = "starts_at"


@admin.register(Enrollment)
class EnrollmentAdmin(ReadOnlyAdmin):
    """Bookings are written by the booking services only; staff look them up here."""

    # Five compact columns (class and studio in one, money with the status) so the list fits
    # a 1280-pixel screen next to the navigation and the filters (a browser test checks).
    list_display = ("public_id", "booked_class", "customer", "state", "booked")
    list_filter = ("status", "paid_with", "late_cancel", "cancelled_by")
    search_fields = (
        "public_id",
        "client__email",
        "client__name",
        "class_session__public_id",
        "payment__public_id",
        "payment__checkout_session_id",
        "payment__payment_intent_id",
        "refund_id",
        "provider__handle",
    )
    list_select_related = ("class_session", "client", "provider")
    raw_id_fields = ("class_session", "client", "payment", "client_package")
    date_hierarchy = "booked_at"

    class Media:
        css = {"all": ("css/admin.css",)}

    @admin.display(description="Class", ordering="class_session__scheduled_at")
    def booked_class(self, obj: Enrollment) -> str:
        session = obj.class_session
        return format_html(
            '{}<div class="admin-sub">{} · {}</div>',
            session.name_snapshot,
            format_when(session.scheduled_at, obj.provider.tz),
            obj.provider.handle,
        )

    @admin.display(description="Customer", ordering="client__email")
    def customer(self, obj: Enrollment) -> str:
        return format_html('{}<div class="admin-sub">{}</div>', obj.client.name, obj.client.email)

    @admin.display(description="Booked", ordering="booked_at")
    def booked(self, obj: Enrollment) -> str:
        return format_when(obj.booked_at, obj.provider.tz)

    @admin.display(description="Status · paid", ordering="status")
    def state(self, obj: Enrollment) -> str:
        if obj.paid_with == Enrollment.PaidWith.CARD and obj.amount_paid_cents:
            paid = f"{money(obj.amount_paid_cents)} card"
        else:
            paid = obj.get_paid_with_display()
        refunded = f", refunded {money(obj.refunded_cents)}" if obj.refunded_cents else ""
        return format_html(
            '{}<div class="admin-sub">{}{}</div>', obj.get_status_display(), paid, refunded
        )

    actions = (
        resend_email_action(
            kind="booking_confirmed",
            id_kwarg="enrollment_id",
            description="Resend the booking confirmation (confirmed bookings)",
            eligible=Q(status=Enrollment.Status.CONFIRMED),
        ),
    )


@admin.register(WaitlistEntry)
class WaitlistEntryAdmin(ReadOnlyAdmin):
    list_display = (
        "public_id",
        "class_session",
        "position",
        "client",
        "provider",
        "created_at",
        "promoted_at",
        "cancelled_at",
    )
    list_filter = (
        ("promoted_at", admin.EmptyFieldListFilter),
        ("cancelled_at", admin.EmptyFieldListFilter),
    )
    search_fields = ("public_id", "client__email", "class_session__public_id", "provider__handle")
    list_select_related = ("class_session", "client", "provider")
    raw_id_fields = ("class_session", "client", "enrollment")
    date_hierarchy = "created_at"


@admin.register(Appointment)
class AppointmentAdmin(NoAddNoDeleteAdmin):
    list_display = (
        "public_id",
        "starts_at",
        "service",
        "client",
        "provider",
        "status",
        "price_cents",
        "tip_amount_cents",
    )
    list_filter = ("status", "starts_at")
    search_fields = (
        "public_id",
        "client__email",
        "client__name",
        "tip_charge_id",
        "provider__handle",
    )
    list_select_related = ("service", "client", "provider")
    raw_id_fields = ("client",)
    autocomplete_fields = ("instructor",)
    date_hierarchy = "starts_at"
    actions = (
        resend_email_action(
            kind="appointment_tip_request",
            id_kwarg="appointment_id",
            description="Resend the post-visit tip request (completed, tips on, not tipped)",
            eligible=Q(
                status=Appointment.Status.COMPLETED,
                service__tips_enabled=True,
                tip_captured_at__isnull=True,
            ),
        ),
    )
    readonly_fields = (
        "public_id",
        "provider",
        "service",
        "client",
        "starts_at",
        "duration_min",
        "price_cents",
        "status",
        "completed_at",
        "tip_charge_id",
        "tip_captured_at",
        "tip_amount_cents",
        "created_at",
    )
