"""The colours the map and the charts share, so a score looks the same on both."""

from __future__ import annotations

from collections.abc import Sequence

# Viridis: perceptually uniform and readable with every common colour-vision deficiency.
VIRIDIS = ["#440154", "#3b528b", "#21918c", "#5ec962", "#fde725"]
NO_DATA_COLOUR = [150, 150, 150, 255]
NOT_IN_ROUND_COLOUR = [236, 238, 241, 255]


def hex_colour(rgba: Sequence[int]) -> str:
    """'#969696' for [150, 150, 150, 255]: the form Altair takes."""
    red, green, blue = rgba[:3]
    return f"#{red:02x}{green:02x}{blue:02x}"


def rgb(hex_colour_: str) -> tuple[int, int, int]:
    """(68, 1, 84) for '#440154': the form pydeck takes."""
    return int(hex_colour_[1:3], 16), int(hex_colour_[3:5], 16), int(hex_colour_[5:7], 16)
