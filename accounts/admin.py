"""Staff admin for users, studios, memberships and API keys (never a key's hash)."""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm
from django.utils.html import format_html

from accounts.models import ApiKey, Membership, Provider, User
from accounts.services import api_key_revoke, provider_avatar_remove
from alera.admin import run_per_object


class UserCreationForm(AdminUserCreationForm):
    class Meta:
        model = User
        fields = ("email", "name")


class UserEditForm(UserChangeForm):
    class Meta:
        model = User
        fields = "__all__"


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ("provider", "user")
    fields = ("provider", "user", "role", "created_at")
    readonly_fields = ("created_at",)


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    """Email-login users: studio owners/staff and Alera staff."""

    add_form = UserCreationForm
    form = UserEditForm
    ordering = ("email",)
    list_display = ("email", "name", "is_active", "is_staff", "is_superuser", "date_joined")
    list_filter = ("is_active", "is_staff", "is_superuser")
    search_fields = ("email", "name")
    date_hierarchy = "date_joined"
    readonly_fields = ("last_login", "date_joined")
    inlines = (MembershipInline,)
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        ("Profile", {"fields": ("name",)}),
        (
            "Permissions",
            {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")},
        ),
        ("Dates", {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": ("email", "name", "usable_password", "password1", "password2"),
            },
        ),
    )

    def get_inlines(self, request, obj):
        return self.inlines if obj is not None else ()  # memberships once the user exists


@admin.register(Provider)
class ProviderAdmin(admin.ModelAdmin):
    list_display = (
        "handle",
        "display_name",
        "public_id",
        "timezone",
        "stripe_account_id",
        "stripe_charges_enabled",
        "waitlist_auto_confirm",
        "created_at",
    )
    list_filter = (
        "stripe_charges_enabled",
        "stripe_details_submitted",
        "waitlist_auto_confirm",
        "timezone",
    )
    search_fields = (
        "handle",
        "display_name",
        "public_id",
        "contact_email",
        "stripe_account_id",
        "memberships__user__email",
    )
    # The avatar is set only by an upload in the dashboard (which re-encodes it); staff see it
    # and can take an unsuitable one down with the action.
    readonly_fields = ("public_id", "created_at", "avatar_key", "avatar")
    date_hierarchy = "created_at"
    inlines = (MembershipInline,)
    actions = ("remove_avatars",)

    @admin.display(description="Avatar image")
    def avatar(self, obj: Provider) -> str:
        if not obj.avatar_path:
            return "-"
        return format_html('<img src="{}" alt="" width="96" height="96">', obj.avatar_path)

    @admin.action(description="Remove the avatar of selected studios", permissions=["change"])
    def remove_avatars(self, request, queryset) -> None:
        run_per_object(
            self,
            request,
            queryset.exclude(avatar_key=""),
            lambda provider: provider_avatar_remove(provider=provider),
            verb="remove the avatar of",
        )


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ("user", "provider", "role", "created_at")
    list_filter = ("role",)
    search_fields = ("user__email", "user__name", "provider__handle", "provider__display_name")
    list_select_related = ("user", "provider")
    autocomplete_fields = ("user", "provider")
    readonly_fields = ("created_at",)


@admin.register(ApiKey)
class ApiKeyAdmin(admin.ModelAdmin):
    """Keys are minted in the dashboard (the plaintext is shown once, there); here staff can
    look them up and revoke them. The secret's hash is never displayed."""

    list_display = (
        "name",
        "provider",
        "display_prefix",
        "origins",
        "created_at",
        "last_used_at",
        "revoked_at",
    )
    list_filter = (("revoked_at", admin.EmptyFieldListFilter), "created_at")
    search_fields = ("name", "prefix", "provider__handle", "provider__display_name")
    list_select_related = ("provider",)
    exclude = ("secret_hash",)
    fields = (
        "provider",
        "name",
        "display_prefix",
        "allowed_origins",
        "created_at",
        "last_used_at",
        "revoked_at",
    )
    readonly_fields = (
        "provider",
        "display_prefix",
        "allowed_origins",
        "created_at",
        "last_used_at",
        "revoked_at",
    )
    actions = ("revoke_keys",)

    def has_add_permission(self, request) -> bool:
        return False  # minting shows a plaintext once: that belongs to the dashboard/command

    @admin.display(description="Key")
    def display_prefix(self, obj: ApiKey) -> str:
        return obj.display_prefix

    @admin.display(description="Allowed origins")
    def origins(self, obj: ApiKey) -> str:
        return ", ".join(obj.allowed_origins or [])

    @admin.action(
        description="Revoke selected keys (takes effect on the next request)",
        permissions=["change"],
    )
    def revoke_keys(self, request, queryset) -> None:
        run_per_object(
            self,
            request,
            queryset.filter(revoked_at__isnull=True).select_related("provider"),
            lambda key: api_key_revoke(api_key=key),
            verb="revoke",
        )
