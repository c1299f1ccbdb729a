"""Text that can't be encoded: lone surrogates (half of a UTF-16 pair, which JSON can spell
as `"\\ud800"` and Python decodes), which no UTF-8 column, email or answer can hold."""

import re

SURROGATE = re.compile("[\ud800-\udfff]")


def encodable(message: str) -> str:
    """A message that echoes input never carries what can't be encoded: a lone surrogate
    becomes U+FFFD (the JSON parser refuses bodies holding one; this covers any other way
    input reaches a message)."""
    return SURROGATE.sub("\ufffd", message)
