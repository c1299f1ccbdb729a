"""Dashboard forms of the payments app."""

from decimal import Decimal

from django import forms

from alera.forms import money_field, to_cents


class PackageTypeForm(forms.Form):
    name = forms.CharField(max_length=120)
    sessions = forms.IntegerField(min_value=1, max_value=500, label="Classes in the pack")
    price = money_field(min_value=Decimal("0.50"), label="Price ($)")
    validity_days = forms.IntegerField(min_value=1, max_value=3650, label="Valid for (days)")
    active = forms.BooleanField(required=False, initial=True, label="On sale")

    def package_fields(self) -> dict:
        data = dict(self.cleaned_data)
        data["price_cents"] = to_cents(data.pop("price"))
        return data


class PackageAdjustForm(forms.Form):
    delta = forms.IntegerField(
        min_value=-500, max_value=500, label="Credits (+ or -)", help_text="e.g. 1 or -1"
    )
    note = forms.CharField(max_length=255, label="Why")

    def clean_delta(self) -> int:
        if self.cleaned_data["delta"] == 0:
            raise forms.ValidationError("Give a non-zero number of credits.")
        return self.cleaned_data["delta"]


class GiftCardSearchForm(forms.Form):
    q = forms.CharField(max_length=40, required=False, label="Code, name or email")
