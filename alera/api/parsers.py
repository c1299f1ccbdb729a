"""The API's one request parser: DRF's JSON parser, hardened against hostile nesting and text
that is not text."""

from rest_framework import parsers
from rest_framework.exceptions import ParseError

from alera.api.text import SURROGATE

LONE_SURROGATE = "a lone surrogate (half of a UTF-16 pair) is not text."


class JSONParser(parsers.JSONParser):
    """DRF's JSON parser, with two malformed bodies made 400s rather than 500s.

    A body nested deeper than Python's recursion limit (`[[[[…`, a few kB are enough) makes
    `json.load` raise RecursionError, which DRF lets through. A lone surrogate anywhere, key
    or value, is refused here, naming the field without echoing it: every later step (the
    database, an email, the JSON renderer) would choke on it.
    """

    def parse(self, stream, media_type=None, parser_context=None):
        try:
            data = super().parse(stream, media_type, parser_context)
        except RecursionError as exc:
            raise ParseError("JSON parse error - the body is nested too deeply.") from exc
        where = _surrogate_path(data)
        if where is not None:
            raise ParseError(f"{where or 'the body'}: {LONE_SURROGATE}")
        return data


def _surrogate_path(value, path: str = "") -> str | None:
    """Where the first lone surrogate is: the field (`name`, `items[0].note`), "" for the
    body itself, "a field name" for a key; None when there is none."""
    if isinstance(value, str):
        return path if SURROGATE.search(value) else None
    if isinstance(value, dict):
        for key, item in value.items():
            if SURROGATE.search(key):
                return f"a field name in {path}" if path else "a field name"
            found = _surrogate_path(item, f"{path}.{key}" if path else key)
            if found is not None:
                return found
    if isinstance(value, list):
        for index, item in enumerate(value):
            found = _surrogate_path(item, f"{path}[{index}]")
            if found is not None:
                return found
    return None
