"""The API's one request parser: DRF's JSON parser, hardened against hostile nesting."""

from rest_framework import parsers
from rest_framework.exceptions import ParseError


class JSONParser(parsers.JSONParser):
    """A body nested deeper than Python's recursion limit (`[[[[…`, a few kB are enough) makes
    `json.load` raise RecursionError, which DRF's parser lets through as a 500. It is a
    malformed body like any other: a 400."""

    def parse(self, stream, media_type=None, parser_context=None):
        try:
            return super().parse(stream, media_type, parser_context)
        except RecursionError as exc:
            raise ParseError("JSON parse error - the body is nested too deeply.") from exc
