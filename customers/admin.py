"""Staff admin for a studio's customers. The calendar-feed secret is never displayed."""

from django import forms
from django.contrib import admin

from customers.models import Client


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
