"""WCAG 2 contrast between two CSS colours as the browser computes them (``getComputedStyle``).

Example:
    >>> round(contrast_ratio("rgb(0, 0, 0)", "rgb(255, 255, 255)"), 1)
    21.0
    >>> round(contrast_ratio("rgb(224, 224, 224)", "rgb(33, 33, 33)"), 1)
    12.2
    >>> contrast_ratio("rgb(120, 120, 120)", "rgb(128, 128, 128)") < 4.5
    True
"""

from __future__ import annotations

import re

READABLE = 4.5
"""WCAG 2 AA for body text: what the SQL of an answer must reach against its background."""

_RGB = re.compile(r"rgba?\(\s*([\d.]+)[,\s]+([\d.]+)[,\s]+([\d.]+)(?:\s*[,/]\s*([\d.]+%?))?\s*\)")


def parse_rgb(color: str) -> tuple[float, float, float, float]:
    """``rgb(r, g, b)`` or ``rgba(r, g, b, a)`` as ``(r, g, b, a)``, channels 0–255, alpha 0–1.

    Example:
        >>> parse_rgb("rgba(0, 0, 0, 0)")
        (0.0, 0.0, 0.0, 0.0)
    """
    match = _RGB.fullmatch(color.strip())
    if match is None:
        raise ValueError(f"not an rgb() colour: {color!r}")
    red, green, blue, alpha = match.groups()
    if alpha is None:
        opacity = 1.0
    elif alpha.endswith("%"):
        opacity = float(alpha[:-1]) / 100
    else:
        opacity = float(alpha)
    return float(red), float(green), float(blue), opacity


def relative_luminance(color: str) -> float:
    """WCAG relative luminance of an opaque ``rgb()`` colour: 0 for black, 1 for white."""

    def linear(channel: float) -> float:
        value = channel / 255
        return value / 12.92 if value <= 0.04045 else ((value + 0.055) / 1.055) ** 2.4

    red, green, blue, _ = parse_rgb(color)
    return 0.2126 * linear(red) + 0.7152 * linear(green) + 0.0722 * linear(blue)


def contrast_ratio(foreground: str, background: str) -> float:
    """WCAG contrast ratio of two opaque colours, 1 (none) to 21 (black on white)."""
    lighter, darker = sorted((relative_luminance(foreground), relative_luminance(background)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)
