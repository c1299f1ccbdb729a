"""Staff admin for a studio's customers. The calendar-feed secret is never displayed."""

from django import forms
from django.contrib import admin

from alera.admin import ReadOnlyAdmin
from customers.models import Client, ReminderLog


class ClientForm(forms.ModelForm):
    class Meta:
        model = Client
        fields = ("provider", "name", "email", "phone")

    def clean_email(self) -> str:
        return self.cleaned_data["email"].strip().lower()  # stored lower-case, unique per studio


@admin.register(Client)
class ClientAdmin(admin.ModelAdmin):
    form = ClientForm
    list_display = ("name", "email", "phone", "provider", "public_id", "created_at")
    list_filter = ("created_at",)
    search_fields = ("email", "name", "phone", "public_id", "provider__handle")
    list_select_related = ("provider",)
    autocomplete_fields = ("provider",)
    fields = ("provider", "public_id", "name", "email", "phone", "created_at", "tokens_valid_after")
    readonly_fields = ("public_id", "created_at", "tokens_valid_after")
    date_hierarchy = "created_at"


@admin.register(ReminderLog)
class ReminderLogAdmin(ReadOnlyAdmin):
    """Which bookings were reminded and when: support answers "I never got a reminder"."""

    list_display = ("enrollment", "client_email", "class_name", "class_starts_at", "sent_at")
    list_filter = ("sent_at",)
    search_fields = (
        "enrollment__public_id",
        "enrollment__client__email",
        "enrollment__class_session__public_id",
        "enrollment__provider__handle",
    )
    list_select_related = ("enrollment__client", "enrollment__class_session")
    raw_id_fields = ("enrollment",)
    date_hierarchy = "sent_at"

    @admin.display(description="customer", ordering="enrollment__client__email")
    def client_email(self, obj: ReminderLog) -> str:
        return obj.enrollment.client.email

    @admin.display(description="class", ordering="enrollment__class_session__name_snapshot")
    def class_name(self, obj: ReminderLog) -> str:
        return obj.enrollment.class_session.name_snapshot

    @admin.display(
        description="class starts (UTC)", ordering="enrollment__class_session__scheduled_at"
    )
    def class_starts_at(self, obj: ReminderLog):
        return obj.enrollment.class_session.scheduled_at
