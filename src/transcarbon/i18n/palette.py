"""Colours that carry a meaning, one map for every face (pages, charts, the PDF report, the terminal).

The traffic-light colours are dark enough for text on white (WCAG AA contrast ≥ 4.5:1); the web's
style sheet declares the same values as CSS variables (a test keeps the two equal).
"""

from __future__ import annotations

LIGHT_COLOURS: dict[str, str] = {"green": "#1b7f3b", "yellow": "#8a6700", "red": "#b02a1e", "grey": "#5c5c5c"}
"""Light → hex colour."""
