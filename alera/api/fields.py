"""Serializer fields for human text that goes into emails, pages and calendar feeds."""

import re
import unicodedata

from rest_framework import serializers

# C0/C1 controls and the bidirectional overrides/isolates that can make a name read backwards
# in an email or on the roster. Tab and line breaks are allowed in multi-line text only.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
_LINE_BREAKS = re.compile("[\t\n\r\u2028\u2029]")


class PlainTextField(serializers.CharField):
    """A CharField for a person's words: no control characters, something visible in it.

    Names reach email headers, rosters and .ics files; a control character there is at best
    noise and at worst a header or layout injection, so it is refused with a 400 rather than
    silently stored. Letters of every script, emoji and joiners are welcome.
    """

    default_error_messages = {
        "control": "must not contain control characters.",
        "line_break": "must be a single line.",
        "invisible": "must contain visible characters.",
    }

    def __init__(self, *, multiline: bool = False, **kwargs) -> None:
        self.multiline = multiline
        super().__init__(**kwargs)

    def to_internal_value(self, data):
        value = super().to_internal_value(data)
        if not self.multiline and _LINE_BREAKS.search(value):
            self.fail("line_break")
        if _CONTROL.search(value):
            self.fail("control")
        if value and not any(_visible(ch) for ch in value):
            self.fail("invisible")
        return value


def _visible(ch: str) -> bool:
    return not ch.isspace() and unicodedata.category(ch) not in {"Cf", "Cc", "Zs", "Mn"}


class JsonIntegerField(serializers.IntegerField):
    """An IntegerField that takes only a JSON number, as the contract says.

    DRF's own field also accepts `"5000"`; a partner whose code sends strings would then
    work here and break on any stricter reader, so a string (or a boolean) is a 400 naming
    the field. `5000.0` is the same JSON number as `5000` and is taken.
    """

    default_error_messages = {"not_a_number": "must be a number (like 5000), not {kind}."}

    def to_internal_value(self, data):
        if isinstance(data, bool) or not isinstance(data, int | float):
            self.fail("not_a_number", kind=_json_kind(data))
        return super().to_internal_value(data)


def _json_kind(value) -> str:
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "a list"
    return "an object"
