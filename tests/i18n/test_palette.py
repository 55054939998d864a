"""One colour map for the lights: the style sheet declares exactly the palette's colours."""

from __future__ import annotations

import re
from importlib import resources

from transcarbon.i18n.palette import LIGHT_COLOURS


def test_style_sheet_lights_are_the_palette() -> None:
    css = (resources.files("transcarbon.web") / "static" / "app.css").read_text(encoding="utf-8")
    declared = dict(re.findall(r"--(green|yellow|red|grey):\s*(#[0-9a-fA-F]{6})", css))
    assert declared == LIGHT_COLOURS


def test_light_colours_are_dark_enough_for_text_on_white() -> None:
    """WCAG 2.1 contrast ratio (L_white + 0.05) / (L + 0.05) ≥ 4.5 for every light."""

    def luminance(hex_colour: str) -> float:
        channels = [int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
        lin = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]

    for light, colour in LIGHT_COLOURS.items():
        assert 1.05 / (luminance(colour) + 0.05) >= 4.5, light
