"""Money: checkout payments, Stripe events, class packs and gift cards with their ledgers.

Balances (`sessions_remaining`, `balance_cents`) only change in the same transaction as the
ledger row that explains them, and a CHECK constraint keeps them from going negative.
"""

from django.db import models
from django.db.models import Q
from django.utils import timezone

from alera.ids import PublicIdField


class Payment(models.Model):
    """One Checkout Session we created, whatever it buys. Our id keys Stripe idempotency."""

    class Kind(models.TextChoices):
        ENROLLMENT = "enrollment"
        PACKAGE = "package"
        GIFT_CARD = "gift_card"
        TIP = "tip"

    class Status(models.TextChoices):
        OPEN = "open"
        PAID = "paid"
        EXPIRED = "expired"
        FAILED = "failed"  # a delayed payment method (checkout.session.async_payment_failed)
        REFUNDED = "refunded"

    public_id = PublicIdField("pay")
    provider = models.ForeignKey(
        "accounts.Provider", on_delete=models.PROTECT, related_name="payments"
    )
    kind = models.CharField(max_length=12, choices=Kind.choices)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    amount_cents = models.PositiveIntegerField()
    currency = models.CharField(max_length=3, default="usd")
    description = models.CharField(max_length=200)
    customer_email = models.EmailField(blank=True)
    # What the payment buys, for kinds whose record only exists once paid (gift cards, packs).
    details = models.JSONField(default=dict, blank=True)
    stripe_account_id = models.CharField(max_length=64, blank=True)
    checkout_session_id = models.CharField(max_length=255, unique=True, null=True, blank=True)
    checkout_url = models.URLField(max_length=2000, blank=True)
    success_url = models.URLField(max_length=2000, blank=True)
    cancel_url = models.URLField(max_length=2000, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    payment_intent_id = models.CharField(max_length=255, blank=True, db_index=True)
    paid_at = models.DateTimeField(null=True, blank=True)
    refunded_cents = models.PositiveIntegerField(default=0)
    refund_id = models.CharField(max_length=255, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["status", "expires_at"], name="payment_open_idx")]

    def __str__(self) -> str:
        return f"{self.public_id} {self.kind} {self.amount_cents}c {self.status}"


class PaymentRefund(models.Model):
    """One refund of a payment, keyed on its own id: owed by us, or made in Stripe's Dashboard.

    A refund we owe is a row first (`pending`), written in the transaction that decided it,
    then tried until Stripe accepts it (`succeeded`), so it can't be dropped. `abandoned`: a
    cancel whose refund Stripe refused (the booking stayed as it was). `failed`: Stripe
    accepted it and later reported `refund.failed`, so the money never went back.
    `Payment.refunded_cents` is the sum of the succeeded rows.
    """

    class Reason(models.TextChoices):
        CANCEL = "cancel", "Booking cancelled"
        UNSEATED = "unseated", "Paid after the seat was gone"
        DUPLICATE_TIP = "duplicate_tip", "Second tip for one visit"
        EXTERNAL = "external", "Made in Stripe"  # the studio's Stripe Dashboard

    class Status(models.TextChoices):
        PENDING = "pending"
        SUCCEEDED = "succeeded"
        ABANDONED = "abandoned"
        FAILED = "failed"

    public_id = PublicIdField("rf")
    provider = models.ForeignKey(
        "accounts.Provider", on_delete=models.PROTECT, related_name="refunds"
    )
    payment = models.ForeignKey(Payment, on_delete=models.PROTECT, related_name="refunds")
    client = models.ForeignKey(
        "customers.Client", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    enrollment = models.ForeignKey(
        "classes.Enrollment",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="refunds",
    )
    reason = models.CharField(max_length=16, choices=Reason.choices)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    amount_cents = models.PositiveIntegerField()
    stripe_refund_id = models.CharField(max_length=255, unique=True, null=True, blank=True)
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)  # retry no earlier than
    # Set while an attempt may be talking to Stripe, so no other attempt starts meanwhile.
    attempt_started_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    # What a cancel decided (by, reason, late, credit, email), applied once the money is back.
    details = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    succeeded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="refund_due_idx")]
        constraints = [
            models.CheckConstraint(condition=Q(amount_cents__gt=0), name="refund_amount_positive")
        ]

    def __str__(self) -> str:
        return f"{self.public_id} {self.reason} {self.amount_cents}c {self.status}"


class StripeEvent(models.Model):
    """A received webhook event. The unique id makes a replay a no-op."""

    event_id = models.CharField(max_length=255, unique=True)
    type = models.CharField(max_length=100)
    account = models.CharField(max_length=64, blank=True)
    payload = models.JSONField()
    received_at = models.DateTimeField(auto_now_add=True)
    processed_at = models.DateTimeField(null=True, blank=True)
    error = models.TextField(blank=True)
    # When the requeue sweep queues this event again if it is still unprocessed, and how
    # often it has: a task that gave up (database away longer than its retries) or was never
    # queued (broker down at commit) is picked up again, with backoff (issue 21).
    next_requeue_at = models.DateTimeField(null=True, blank=True)
    requeues = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-received_at"]
        indexes = [
            models.Index(
                fields=["next_requeue_at"],
                condition=Q(processed_at__isnull=True),
                name="stripe_event_unprocessed_idx",
            )
        ]

    def __str__(self) -> str:
        return f"{self.event_id} {self.type}"


class PackageType(models.Model):
    """A class pack a studio sells: N sessions valid for D days."""

    public_id = PublicIdField("pt")
    provider = models.ForeignKey(
        "accounts.Provider", on_delete=models.CASCADE, related_name="package_types"
    )
    name = models.CharField(max_length=120)
    sessions = models.PositiveIntegerField()
    price_cents = models.PositiveIntegerField()
    validity_days = models.PositiveIntegerField(default=90)
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class ClientPackage(models.Model):
    public_id = PublicIdField("pkg")
    provider = models.ForeignKey(
        "accounts.Provider", on_delete=models.CASCADE, related_name="client_packages"
    )
    client = models.ForeignKey(
        "customers.Client", on_delete=models.PROTECT, related_name="packages"
    )
    package_type = models.ForeignKey(PackageType, on_delete=models.PROTECT, related_name="sold")
    sessions_total = models.PositiveIntegerField()
    sessions_remaining = models.IntegerField()
    expires_at = models.DateTimeField()
    payment = models.OneToOneField(
        Payment, null=True, blank=True, on_delete=models.PROTECT, related_name="client_package"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(sessions_remaining__gte=0), name="package_credits_not_negative"
            )
        ]

    def __str__(self) -> str:
        return f"{self.public_id} {self.sessions_remaining}/{self.sessions_total}"


class PackageCreditEntry(models.Model):
    """Append-only ledger of a pack's credits."""

    class Reason(models.TextChoices):
        BOUGHT = "bought"
        USED = "used"
        RETURNED = "returned"
        EXPIRED = "expired"
        ADJUSTED = "adjusted"

    package = models.ForeignKey(ClientPackage, on_delete=models.PROTECT, related_name="ledger")
    delta = models.IntegerField()
    reason = models.CharField(max_length=10, choices=Reason.choices)
    enrollment = models.ForeignKey(
        "classes.Enrollment", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    note = models.CharField(max_length=255, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name_plural = "package credit entries"

    def __str__(self) -> str:
        return f"{self.reason} {self.delta:+d}"


class GiftCard(models.Model):
    public_id = PublicIdField("gc")
    provider = models.ForeignKey(
        "accounts.Provider", on_delete=models.CASCADE, related_name="gift_cards"
    )
    code = models.CharField(max_length=16, unique=True, help_text="Upper-case, 16 characters.")
    initial_cents = models.PositiveIntegerField()
    balance_cents = models.IntegerField()
    currency = models.CharField(max_length=3, default="usd")
    purchaser_name = models.CharField(max_length=120)
    purchaser_email = models.EmailField()
    recipient_name = models.CharField(max_length=120, blank=True)
    recipient_email = models.EmailField(blank=True)
    gift_message = models.CharField(max_length=500, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    payment = models.OneToOneField(
        Payment, null=True, blank=True, on_delete=models.PROTECT, related_name="gift_card"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(balance_cents__gte=0), name="gift_card_balance_not_negative"
            )
        ]

    def __str__(self) -> str:
        return f"{self.public_id} {self.balance_cents}c"

    @property
    def is_expired(self) -> bool:
        return self.expires_at is not None and self.expires_at <= timezone.now()


class GiftCardRedemption(models.Model):
    """Append-only ledger of a gift card's debits; one per appointment and card."""

    gift_card = models.ForeignKey(GiftCard, on_delete=models.PROTECT, related_name="redemptions")
    appointment = models.ForeignKey(
        "classes.Appointment", on_delete=models.PROTECT, related_name="gift_card_redemptions"
    )
    amount_cents = models.PositiveIntegerField()
    balance_after_cents = models.PositiveIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["gift_card", "appointment"], name="uniq_redemption_per_appointment"
            )
        ]

    def __str__(self) -> str:
        return f"-{self.amount_cents}c on {self.gift_card_id}"
