"""How stored values read to people: phone numbers, gift-card codes (templates and emails)."""

import phonenumbers


def phone_display(stored: str) -> str:
    """A stored number (`15125550100`) for reading: "+1 512-555-0100"; digits `phonenumbers`
    can't place are shown as stored."""
    if not stored:
        return ""
    try:
        number = phonenumbers.parse("+" + stored.lstrip("+"))
    except phonenumbers.NumberParseException:
        return stored
    if not phonenumbers.is_possible_number(number):
        return stored
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)


def gift_card_code_display(code: str) -> str:
    """Groups of four ("ABCD EFGH JKLM NPQR") so a code can be read out and typed back;
    `gift_card_code_normalize` drops the spaces again, so any grouping is accepted."""
    code = code or ""
    return " ".join(code[i : i + 4] for i in range(0, len(code), 4))
