"""Class types, instructors, scheduled sessions, bookings, waitlists and 1:1 appointments."""

from django.db import models
from django.db.models import Q

from alera.ids import PublicIdField


class Service(models.Model):
    """A class type (Pilates 50, Hot Yoga) or a 1:1 service (Private session)."""

    public_id = PublicIdField("svc")
    provider = models.ForeignKey(
        "accounts.Provider", on_delete=models.CASCADE, related_name="services"
    )
    name = models.CharField(max_length=120)
    description = models.TextField(blank=True)
    duration_min = models.PositiveIntegerField(default=50)
    price_cents = models.PositiveIntegerField(default=0)
    default_capacity = models.PositiveIntegerField(default=10)
    cancel_window_hours = models.PositiveIntegerField(default=24)
    tips_enabled = models.BooleanField(default=False)
    archived_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Instructor(models.Model):
    public_id = PublicIdField("ins")
    provider = models.ForeignKey(
        "accounts.Provider", on_delete=models.CASCADE, related_name="instructors"
    )
    name = models.CharField(max_length=120)
    bio = models.TextField(blank=True)
    email = models.EmailField(blank=True)
    archived_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class ClassSession(models.Model):
    """One scheduled occurrence of a class. Price and name are snapshotted at scheduling."""

    class Status(models.TextChoices):
        SCHEDULED = "Scheduled"
        CANCELLED = "Cancelled"
        COMPLETED = "Completed"

    public_id = PublicIdField("class")
    provider = models.ForeignKey(
        "accounts.Provider", on_delete=models.CASCADE, related_name="class_sessions"
    )
    service = models.ForeignKey(Service, on_delete=models.PROTECT, related_name="sessions")
    instructor = models.ForeignKey(
        Instructor, null=True, blank=True, on_delete=models.SET_NULL, related_name="sessions"
    )
    scheduled_at = models.DateTimeField()
    duration_min = models.PositiveIntegerField()
    price_cents = models.PositiveIntegerField()
    capacity = models.PositiveIntegerField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.SCHEDULED)
    name_snapshot = models.CharField(max_length=120)
    public_note = models.CharField(
        max_length=500, blank=True, help_text="Shown to customers; empty is null on the wire."
    )
    series_id = models.UUIDField(null=True, blank=True, db_index=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["scheduled_at"]
        indexes = [
            models.Index(fields=["provider", "status", "scheduled_at"], name="session_list_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.name_snapshot} at {self.scheduled_at:%Y-%m-%d %H:%M}Z"


class Blackout(models.Model):
    class Kind(models.TextChoices):
        HOLIDAY = "holiday"
        CLOSURE = "closure"
        MAINTENANCE = "maintenance"
        OTHER = "other"

    public_id = PublicIdField("bo")
    provider = models.ForeignKey(
        "accounts.Provider", on_delete=models.CASCADE, related_name="blackouts"
    )
    label = models.CharField(max_length=200)
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    all_day = models.BooleanField(default=False)
    kind = models.CharField(max_length=12, choices=Kind.choices, default=Kind.CLOSURE)

    class Meta:
        ordering = ["starts_at"]
        indexes = [models.Index(fields=["provider", "starts_at"], name="blackout_range_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")), name="blackout_ends_after_start"
            )
        ]

    def __str__(self) -> str:
        return self.label


class Enrollment(models.Model):
    """A seat in a class session: held while its checkout is payable, then confirmed."""

    class Status(models.TextChoices):
        PENDING_PAYMENT = "PendingPayment"
        CONFIRMED = "Confirmed"
        CANCELLED = "Cancelled"
        COMPLETED = "Completed"
        NO_SHOW = "NoShow"

    class PaidWith(models.TextChoices):
        FREE = "free"
        CARD = "card"
        PACK = "pack"

    # Statuses that occupy a seat for good (a PendingPayment occupies one until its hold ends).
    SEAT_TAKING = (Status.CONFIRMED, Status.COMPLETED, Status.NO_SHOW)

    public_id = PublicIdField("enr")
    provider = models.ForeignKey(
        "accounts.Provider", on_delete=models.CASCADE, related_name="enrollments"
    )
    class_session = models.ForeignKey(
        ClassSession, on_delete=models.PROTECT, related_name="enrollments"
    )
    client = models.ForeignKey(
        "customers.Client", on_delete=models.PROTECT, related_name="enrollments"
    )
    status = models.CharField(max_length=16, choices=Status.choices)
    hold_expires_at = models.DateTimeField(null=True, blank=True)
    price_cents = models.PositiveIntegerField(default=0)
    amount_paid_cents = models.PositiveIntegerField(default=0)
    paid_with = models.CharField(max_length=8, choices=PaidWith.choices, default=PaidWith.FREE)
    payment = models.ForeignKey(
        "payments.Payment",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="enrollments",
    )
    client_package = models.ForeignKey(
        "payments.ClientPackage",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="enrollments",
    )
    booked_at = models.DateTimeField(auto_now_add=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    checked_in_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    cancel_reason = models.CharField(max_length=500, blank=True)
    cancelled_by = models.CharField(max_length=16, blank=True, help_text="customer/owner/system")
    late_cancel = models.BooleanField(default=False)
    # The window in force when it was cancelled, so a repeated cancel answers the same.
    cancel_window_hours = models.PositiveIntegerField(null=True, blank=True)
    refunded_cents = models.PositiveIntegerField(default=0)
    refund_id = models.CharField(max_length=64, blank=True)

    class Meta:
        ordering = ["booked_at"]
        indexes = [
            models.Index(fields=["class_session", "status"], name="enrollment_seat_idx"),
            models.Index(fields=["status", "hold_expires_at"], name="enrollment_hold_idx"),
            models.Index(fields=["client", "status"], name="enrollment_client_idx"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["class_session", "client"],
                condition=Q(status__in=["PendingPayment", "Confirmed"]),
                name="uniq_active_enrollment",
            )
        ]

    def __str__(self) -> str:
        return f"{self.public_id} ({self.status})"


class WaitlistEntry(models.Model):
    public_id = PublicIdField("wl")
    provider = models.ForeignKey(
        "accounts.Provider", on_delete=models.CASCADE, related_name="waitlist_entries"
    )
    class_session = models.ForeignKey(
        ClassSession, on_delete=models.CASCADE, related_name="waitlist_entries"
    )
    client = models.ForeignKey(
        "customers.Client", on_delete=models.CASCADE, related_name="waitlist_entries"
    )
    position = models.PositiveIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)
    promoted_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    enrollment = models.ForeignKey(
        Enrollment, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["class_session", "position"]
        verbose_name_plural = "waitlist entries"
        constraints = [
            models.UniqueConstraint(
                fields=["class_session", "client"],
                condition=Q(promoted_at__isnull=True, cancelled_at__isnull=True),
                name="uniq_active_waitlist_entry",
            )
        ]

    def __str__(self) -> str:
        return f"{self.public_id} #{self.position}"


class Appointment(models.Model):
    """A 1:1 visit. Tips are collected after it is Completed."""

    class Status(models.TextChoices):
        SCHEDULED = "Scheduled"
        COMPLETED = "Completed"
        NO_SHOW = "NoShow"
        CANCELLED = "Cancelled"

    public_id = PublicIdField("appt")
    provider = models.ForeignKey(
        "accounts.Provider", on_delete=models.CASCADE, related_name="appointments"
    )
    service = models.ForeignKey(Service, on_delete=models.PROTECT, related_name="appointments")
    client = models.ForeignKey(
        "customers.Client", on_delete=models.PROTECT, related_name="appointments"
    )
    instructor = models.ForeignKey(
        Instructor, null=True, blank=True, on_delete=models.SET_NULL, related_name="appointments"
    )
    starts_at = models.DateTimeField()
    duration_min = models.PositiveIntegerField()
    price_cents = models.PositiveIntegerField(default=0)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.SCHEDULED)
    notes = models.TextField(blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    tip_charge_id = models.CharField(max_length=64, blank=True)
    tip_captured_at = models.DateTimeField(null=True, blank=True)
    tip_amount_cents = models.PositiveIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["starts_at"]
        indexes = [models.Index(fields=["provider", "starts_at"], name="appointment_list_idx")]

    def __str__(self) -> str:
        return f"{self.public_id} {self.starts_at:%Y-%m-%d %H:%M}Z"
