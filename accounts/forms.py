"""Dashboard forms of the accounts app. Forms validate; services write."""

import zoneinfo

from django import forms
from django.core.exceptions import ValidationError

from accounts.models import Membership, Provider, User
from accounts.origins import normalize_origin


def timezone_choices() -> list[tuple[str, str]]:
    zones = sorted(z for z in zoneinfo.available_timezones() if "/" in z or z == "UTC")
    return [(z, z.replace("_", " ")) for z in zones]


class SignupForm(forms.Form):
    email = forms.EmailField(widget=forms.EmailInput(attrs={"autocomplete": "email"}))
    name = forms.CharField(max_length=120, required=False, label="Your name")
    password = forms.CharField(
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text="At least 8 characters, not a common password.",
    )

    def clean_email(self) -> str:
        email = self.cleaned_data["email"].strip().lower()
        if User.objects.filter(email__iexact=email).exists():
            raise ValidationError("An account with this email already exists. Log in instead.")
        return email


HANDLE_TAKEN = "Another studio already uses this handle: pick another."
# The same bound as a service's own cancel window (classes.forms.ServiceForm): a new service
# starts from this default, so a larger one would make its form invalid from the start.
MAX_CANCEL_WINDOW_HOURS = 720


class StudioForm(forms.ModelForm):
    """Create a studio: what a partner site needs to find it."""

    timezone = forms.ChoiceField(choices=timezone_choices, initial="America/Chicago")

    class Meta:
        model = Provider
        fields = ["display_name", "handle", "timezone"]
        labels = {"display_name": "Studio name"}
        help_texts = {"handle": "Lower-case letters, digits and hyphens, used in API keys."}
        error_messages = {"handle": {"unique": HANDLE_TAKEN}}


class StudioSettingsForm(StudioForm):
    default_cancel_window_hours = forms.IntegerField(
        label="Default cancel window (hours)",
        min_value=0,
        max_value=MAX_CANCEL_WINDOW_HOURS,
        help_text="Used for new services: refunds up to this many hours before class.",
    )

    class Meta:
        model = Provider
        fields = [
            "display_name",
            "handle",
            "timezone",
            "bio",
            "gift_card_validity_months",
            "contact_email",
            "location",
            "default_cancel_window_hours",
            "waitlist_auto_confirm",
        ]
        labels = {
            "gift_card_validity_months": "Gift cards valid for (months)",
            "display_name": "Studio name",
            "waitlist_auto_confirm": "Auto-confirm the waitlist",
        }
        help_texts = {
            "handle": "Changing it changes every API key's prefix: partners must update keys.",
            "waitlist_auto_confirm": "Bookings confirm as always (free and pack at once, "
            "paid on payment). This is about the waitlist: when a seat opens, ticked, Alera "
            "promotes the next waiting customers in queue order (a free class books them at "
            "once, a paid one holds the seat and emails them a payment link); unticked, you "
            "get an email and promote from the class roster.",
        }
        widgets = {"bio": forms.Textarea(attrs={"rows": 3})}
        error_messages = {"handle": {"unique": HANDLE_TAKEN}}


class AvatarForm(forms.Form):
    # A plain file field: the service decodes and re-encodes the picture, once.
    image = forms.FileField(
        label="Avatar image",
        help_text="PNG, JPEG, WebP or GIF up to 5 MB; shown at up to 512 px on partner sites.",
        widget=forms.FileInput(attrs={"accept": "image/png,image/jpeg,image/webp,image/gif"}),
    )


class ApiKeyForm(forms.Form):
    name = forms.CharField(max_length=80, initial="Website", label="Key name")
    origins = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3, "placeholder": "https://your-site.com"}),
        label="Allowed origins",
        help_text=(
            "One per line: the sites that call the API with this key. Every call sends the key "
            "and an Origin header naming one of them; a browser adds Origin by itself, a call "
            "from your server must set it (Origin: https://your-site.com)."
        ),
    )

    def clean_origins(self) -> list[str]:
        lines = [line.strip() for line in self.cleaned_data["origins"].splitlines()]
        origins = [line for line in lines if line]
        if not origins:
            raise ValidationError("Give at least one origin, like https://your-site.com.")
        errors, normalized = [], []
        for origin in origins:
            try:
                normalized.append(normalize_origin(origin))
            except ValidationError as exc:
                errors.extend(exc.messages)
        if errors:
            raise ValidationError(errors)
        return sorted(set(normalized))


class InviteForm(forms.Form):
    email = forms.EmailField()
    role = forms.ChoiceField(choices=Membership.Role.choices, initial=Membership.Role.STAFF)
