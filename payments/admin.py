"""Staff admin for payments, Stripe events, packs and gift cards.

Money and credits move only through the payments services: payments are read-only, the
ledgers (pack credit entries, gift-card redemptions, Stripe events) can't be added, changed
or deleted, and balances are read-only on their cards and packs.
"""

from django.contrib import admin
from django.db import models

from alera.admin import NoAddNoDeleteAdmin, ReadOnlyAdmin, resend_email_action, run_per_object
from payments.models import (
    ClientPackage,
    GiftCard,
    GiftCardRedemption,
    PackageCreditEntry,
    PackageType,
    Payment,
    PaymentRefund,
    StripeEvent,
)
from payments.services.events import stripe_event_process
from payments.services.refunds import refund_retry_now


@admin.register(Payment)
class PaymentAdmin(ReadOnlyAdmin):
    # Built for display only (the admin is read-only here); naming the scheme keeps Django 6's
    # changed URLField default from warning on every page.
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    list_display = (
        "public_id",
        "provider",
        "kind",
        "status",
        "amount_cents",
        "refunded_cents",
        "customer_email",
        "created_at",
        "paid_at",
    )
    list_filter = ("status", "kind", "currency")
    search_fields = (
        "public_id",
        "checkout_session_id",
        "payment_intent_id",
        "refund_id",
        "stripe_account_id",
        "customer_email",
        "provider__handle",
    )
    list_select_related = ("provider",)
    date_hierarchy = "created_at"


@admin.register(PaymentRefund)
class PaymentRefundAdmin(ReadOnlyAdmin):
    """Every refund, owed or made. A pending one is retried by the beat on its own; "Retry
    now" asks Stripe at once through the same service (idempotent: a refund Stripe already
    made is found and booked, never made twice)."""

    list_display = (
        "public_id",
        "provider",
        "payment",
        "reason",
        "status",
        "amount_cents",
        "attempts",
        "next_attempt_at",
        "attempt_started_at",
        "short_error",
        "stripe_refund_id",
        "created_at",
    )
    list_filter = ("status", "reason")
    search_fields = (
        "public_id",
        "stripe_refund_id",
        "payment__public_id",
        "payment__payment_intent_id",
        "payment__customer_email",
        "client__email",
        "enrollment__public_id",
        "provider__handle",
    )
    list_select_related = ("provider", "payment")
    raw_id_fields = ("payment", "client", "enrollment")
    date_hierarchy = "created_at"
    actions = ("retry_now",)

    @admin.display(description="Last error")
    def short_error(self, obj: PaymentRefund) -> str:
        return obj.last_error[:80]

    def has_retry_now_permission(self, request) -> bool:
        return request.user.has_perm("payments.change_payment")

    @admin.action(description="Retry selected pending refunds now", permissions=["retry_now"])
    def retry_now(self, request, queryset) -> None:
        def retry(refund: PaymentRefund) -> None:
            done = refund_retry_now(refund=refund)
            if done.status == PaymentRefund.Status.PENDING and done.attempt_started_at:
                raise RuntimeError("an attempt is in progress; it retries on its own if it fails")
            if done.status == PaymentRefund.Status.PENDING:
                raise RuntimeError(f"Stripe failed again: {done.last_error}")

        run_per_object(self, request, queryset.order_by("pk"), retry, verb="retry the refund")


@admin.register(StripeEvent)
class StripeEventAdmin(ReadOnlyAdmin):
    """The webhook inbox, as received. Reprocessing applies an event again through the same
    idempotent service the worker runs, so a second run has no second effect."""

    list_display = (
        "event_id",
        "type",
        "account",
        "received_at",
        "processed_at",
        "requeues",
        "short_error",
    )
    list_filter = ("type", ("processed_at", admin.EmptyFieldListFilter))
    search_fields = ("event_id", "type", "account")
    date_hierarchy = "received_at"
    actions = ("reprocess",)

    @admin.display(description="Error")
    def short_error(self, obj: StripeEvent) -> str:
        return obj.error[:80]

    def has_reprocess_permission(self, request) -> bool:
        return request.user.has_perm("payments.change_payment")

    @admin.action(description="Reprocess selected events (idempotent)", permissions=["reprocess"])
    def reprocess(self, request, queryset) -> None:
        run_per_object(
            self,
            request,
            queryset.order_by("received_at", "pk"),
            lambda event: stripe_event_process(event_pk=event.pk),
            verb="reprocess",
        )


@admin.register(PackageType)
class PackageTypeAdmin(admin.ModelAdmin):
    list_display = (
        "name",
        "provider",
        "public_id",
        "sessions",
        "price_cents",
        "validity_days",
        "active",
    )
    list_filter = ("active",)
    search_fields = ("name", "public_id", "provider__handle")
    list_select_related = ("provider",)
    autocomplete_fields = ("provider",)
    readonly_fields = ("public_id", "created_at")


class CreditEntryInline(admin.TabularInline):
    model = PackageCreditEntry
    extra = 0
    can_delete = False
    fields = ("created_at", "delta", "reason", "enrollment", "note")
    readonly_fields = fields

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(ClientPackage)
class ClientPackageAdmin(NoAddNoDeleteAdmin):
    """Sold packs. Credits move only through the ledger; staff may extend an expiry."""

    list_display = (
        "public_id",
        "client",
        "package_type",
        "provider",
        "sessions_remaining",
        "sessions_total",
        "expires_at",
    )
    list_filter = ("expires_at",)
    search_fields = (
        "public_id",
        "client__email",
        "client__name",
        "payment__public_id",
        "provider__handle",
    )
    list_select_related = ("client", "package_type", "provider")
    raw_id_fields = ("client", "payment")
    readonly_fields = (
        "public_id",
        "provider",
        "client",
        "package_type",
        "sessions_total",
        "sessions_remaining",
        "payment",
        "created_at",
    )
    date_hierarchy = "created_at"
    inlines = (CreditEntryInline,)
    actions = (
        resend_email_action(
            kind="package_purchased",
            id_kwarg="package_id",
            description="Resend the pack purchase email",
        ),
    )


@admin.register(PackageCreditEntry)
class PackageCreditEntryAdmin(ReadOnlyAdmin):
    list_display = ("package", "delta", "reason", "enrollment", "note", "created_at")
    list_filter = ("reason",)
    search_fields = ("package__public_id", "package__client__email", "enrollment__public_id")
    list_select_related = ("package", "enrollment")
    raw_id_fields = ("package", "enrollment")
    date_hierarchy = "created_at"


class RedemptionInline(admin.TabularInline):
    model = GiftCardRedemption
    extra = 0
    can_delete = False
    fields = ("created_at", "appointment", "amount_cents", "balance_after_cents")
    readonly_fields = fields

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(GiftCard)
class GiftCardAdmin(NoAddNoDeleteAdmin):
    """Sold gift cards. The balance moves only through redemptions; staff may fix the
    recipient's details (then resend the delivery email)."""

    list_display = (
        "code",
        "public_id",
        "provider",
        "initial_cents",
        "balance_cents",
        "purchaser_email",
        "recipient_email",
        "created_at",
    )
    list_filter = ("currency", "created_at")
    search_fields = (
        "code",
        "public_id",
        "purchaser_email",
        "recipient_email",
        "payment__public_id",
        "payment__payment_intent_id",
        "provider__handle",
    )
    list_select_related = ("provider",)
    raw_id_fields = ("payment",)
    readonly_fields = (
        "public_id",
        "provider",
        "code",
        "initial_cents",
        "balance_cents",
        "currency",
        "payment",
        "created_at",
    )
    date_hierarchy = "created_at"
    inlines = (RedemptionInline,)
    actions = (
        resend_email_action(
            kind="gift_card_delivered",
            id_kwarg="gift_card_id",
            description="Resend the gift card delivery email (to the recipient when set)",
        ),
    )


@admin.register(GiftCardRedemption)
class GiftCardRedemptionAdmin(ReadOnlyAdmin):
    list_display = ("gift_card", "appointment", "amount_cents", "balance_after_cents", "created_at")
    search_fields = ("gift_card__code", "gift_card__public_id", "appointment__public_id")
    list_select_related = ("gift_card", "appointment")
    raw_id_fields = ("gift_card", "appointment")
    date_hierarchy = "created_at"
