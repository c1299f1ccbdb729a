"""The stylesheet's colour tokens meet WCAG 2.1 AA on their own backgrounds, whether or not a
page in the browser tests happens to show every badge: status text 4.5:1 on its tint
(1.4.3), form-control borders and the focus ring 3:1 on white and on the page (1.4.11)."""

import re
from pathlib import Path

import pytest

CSS = (Path(__file__).resolve().parents[2] / "static" / "css" / "alera.css").read_text()
TOKENS = {
    name: value if len(value) == 7 else "#" + "".join(c * 2 for c in value[1:])
    for name, value in re.findall(r"--([\w-]+):\s*(#[0-9a-fA-F]{6}|#[0-9a-fA-F]{3})\b", CSS)
}


def contrast(a: str, b: str) -> float:
    def luminance(hex_colour: str) -> float:
        channels = [int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
        r, g, b = (c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels)
        return 0.2126 * r + 0.7152 * g + 0.0722 * b

    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


@pytest.mark.parametrize(
    ("text", "background"),
    [("ok", "ok-bg"), ("ok", "ok-tint"), ("warn", "warn-bg"), ("muted", "bg"), ("brand", "card")],
)
def test_status_text_is_at_least_4_5_to_1_on_its_background(text, background):
    assert contrast(TOKENS[text], TOKENS[background]) >= 4.5


@pytest.mark.parametrize(
    ("edge", "background"),
    [("field-border", "card"), ("focus", "card"), ("focus", "bg"), ("focus-on-dark", "ink")],
)
def test_control_edges_and_the_focus_ring_are_at_least_3_to_1(edge, background):
    assert contrast(TOKENS[edge], TOKENS[background]) >= 3


def test_the_rules_use_the_tokens_rather_than_literal_status_colours():
    for rule in (".badge-ok", ".badge-warn", ".msg-success"):
        body = re.search(re.escape(rule) + r"\s*\{([^}]*)\}", CSS).group(1)
        assert "#" not in body, f"{rule} sets a literal colour: {body}"
