"""The colours the map and the charts share, so a score and a provenance look the same on both.

Every colour that carries meaning reaches 3:1 against the white page (WCAG 2.1, non-text
contrast) and text colours 4.5:1; `contrast` is the check, and the tests hold each colour to it.
"""

from __future__ import annotations

from collections.abc import Sequence

# Viridis: perceptually uniform and readable with every common colour-vision deficiency.
VIRIDIS = ["#440154", "#3b528b", "#21918c", "#5ec962", "#fde725"]
PAGE = "#ffffff"
TEXT = "#111827"
MUTED_TEXT = "#374151"
# A participating country without enough data, and a country not in the round: greys that
# no score colour takes, the first dark enough to stand out from the page.
NO_DATA_COLOUR = "#6b7280"
NOT_IN_ROUND_COLOUR = "#e5e7eb"
# Outlines: every participating country (so light score colours keep their shape), an
# illustrative figure (dashed in charts, a double line on the map), and the reader's own country.
OUTLINE = "#4b5563"
ILLUSTRATIVE_OUTLINE = TEXT
FOCUS = "#b93a00"
DASH = [5, 3]
# Bars and dots by where the figure comes from: the stronger, the darker; illustrative ones
# are pale with a dashed outline, so they never pass for real.
KIND_FILL = {
    "published": "#1f4e79",
    "expert data": "#2e6da4",
    "computed": "#4a7fb5",
    "illustrative": "#dbe7f3",
}
KIND_STROKE = {
    "published": "#1f4e79",
    "expert data": "#2e6da4",
    "computed": "#4a7fb5",
    "illustrative": TEXT,
}
DIRECTION_COLOURS = {"up": "#0a6aa6", "down": "#b93a00", "flat": "#4b5563"}


def rgb(hex_colour: str) -> tuple[int, int, int]:
    """(68, 1, 84) for '#440154'."""
    return int(hex_colour[1:3], 16), int(hex_colour[3:5], 16), int(hex_colour[5:7], 16)


def hex_colour(rgba: Sequence[float]) -> str:
    """'#969696' for [150, 150, 150]."""
    red, green, blue = (round(c) for c in rgba[:3])
    return f"#{red:02x}{green:02x}{blue:02x}"


def score_colour(score: float) -> str:
    """The viridis colour of a 0-100 score, interpolated between the palette's stops."""
    position = max(0.0, min(100.0, score)) / 100 * (len(VIRIDIS) - 1)
    low = min(int(position), len(VIRIDIS) - 2)
    fraction = position - low
    start, end = rgb(VIRIDIS[low]), rgb(VIRIDIS[low + 1])
    return hex_colour([a + (b - a) * fraction for a, b in zip(start, end, strict=True)])


def luminance(hex_colour_: str) -> float:
    """Relative luminance (WCAG 2.1)."""
    channels = []
    for value in rgb(hex_colour_):
        c = value / 255
        channels.append(c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4)
    red, green, blue = channels
    return 0.2126 * red + 0.7152 * green + 0.0722 * blue


def contrast(first: str, second: str) -> float:
    """The WCAG contrast ratio of two colours, from 1 to 21."""
    light, dark = sorted((luminance(first), luminance(second)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def text_colour_on(background: str) -> str:
    """Black or white, whichever reads better on the background (the mid teal of viridis
    needs pure black to reach 4.5:1)."""
    black, white = "#000000", "#ffffff"
    return black if contrast(black, background) >= contrast(white, background) else white
