"""Wire shapes of the payments API (camelCase, as the contract spells them)."""

from rest_framework import serializers

from accounts.origins import origin_of_url
from alera.api.fields import JsonIntegerField, PlainTextField
from payments.services.gift_cards import MAX_AMOUNT_CENTS, MIN_AMOUNT_CENTS


def validate_phone(value: str) -> str:
    digits = "".join(ch for ch in value if ch.isdigit())
    if value.strip() and not 10 <= len(digits) <= 15:
        raise serializers.ValidationError("A phone number has 10 to 15 digits.")
    return digits


class RedirectUrlsMixin(serializers.Serializer):
    """Optional return URLs after Checkout; they must be on the calling site's Origin."""

    successUrl = serializers.URLField(required=False, max_length=2000)
    cancelUrl = serializers.URLField(required=False, max_length=2000)

    def validate(self, attrs):
        origin = self.context["origin"]
        for field in ("successUrl", "cancelUrl"):
            if field in attrs and origin_of_url(attrs[field]) != origin:
                raise serializers.ValidationError({field: "must be on the request's Origin."})
            attrs.setdefault(field, f"{origin}/")
        return attrs


class PackageStartInput(RedirectUrlsMixin):
    packageTypeId = serializers.CharField(max_length=32)
    handle = serializers.CharField(max_length=50)
    name = PlainTextField(max_length=120)
    email = serializers.EmailField(max_length=254)
    phone = serializers.CharField(required=False, allow_blank=True, max_length=30)

    def validate_phone(self, value: str) -> str:
        return validate_phone(value)


class GiftCardStartInput(RedirectUrlsMixin):
    handle = serializers.CharField(max_length=50)
    amountCents = JsonIntegerField(min_value=MIN_AMOUNT_CENTS, max_value=MAX_AMOUNT_CENTS)
    purchaserName = PlainTextField(max_length=120)
    purchaserEmail = serializers.EmailField(max_length=254)
    recipientName = PlainTextField(required=False, allow_blank=True, max_length=120)
    recipientEmail = serializers.EmailField(required=False, allow_blank=True, max_length=254)
    giftMessage = PlainTextField(
        multiline=True, required=False, allow_blank=True, max_length=500, trim_whitespace=True
    )


class CheckoutOutput(serializers.Serializer):
    ok = serializers.BooleanField()
    checkoutUrl = serializers.URLField()
    checkoutSessionId = serializers.CharField()


class RedeemInput(serializers.Serializer):
    code = serializers.CharField(max_length=40, help_text="16 letters/digits; dashes ignored.")
    providerId = serializers.CharField(max_length=32)
    requestedDebitCents = JsonIntegerField(min_value=1, max_value=100_000_000)
    appointmentId = serializers.CharField(required=False, allow_blank=True, max_length=32)
    mode = serializers.ChoiceField(choices=["preview", "commit"], default="preview")

    def validate(self, attrs):
        if attrs["mode"] == "commit" and not attrs.get("appointmentId"):
            raise serializers.ValidationError({"appointmentId": "is required to commit."})
        return attrs


class RedeemOutput(serializers.Serializer):
    ok = serializers.BooleanField()
    debitCents = serializers.IntegerField()
    balanceCents = serializers.IntegerField(help_text="Balance before this debit.")
    balanceRemainingCents = serializers.IntegerField()
    alreadyRedeemed = serializers.BooleanField(
        help_text="True when a commit for this appointment was made before (idempotent retry)."
    )
    expiresAt = serializers.DateTimeField(
        allow_null=True, help_text="When the card stops being redeemable; null: never."
    )
