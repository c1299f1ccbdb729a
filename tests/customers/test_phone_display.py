"""Stored phone numbers (digits with their country code) read in international format."""

import pytest

from customers.services import phone_display, phone_normalize


@pytest.mark.parametrize(
    ("typed", "shown"),
    [
        ("(512) 555-0100", "+1 512-555-0100"),
        ("+44 20 7183 8750", "+44 20 7183 8750"),
        ("+49 30 901820", "+49 30 901820"),
    ],
)
def test_a_number_typed_any_way_is_shown_in_international_format(typed, shown):
    assert phone_display(phone_normalize(typed)) == shown


def test_digits_phonenumbers_cannot_place_are_shown_as_stored():
    assert phone_display("99912345678901") == "99912345678901"
    assert phone_display("") == ""
