"""Bar charts as inline SVG, drawn on the server: no script, no style attributes (strict CSP), and
readable without colour: every bar carries its number, series differ by pattern as well as shade,
and each chart sits next to a table of the same data."""

from __future__ import annotations

from collections.abc import Sequence
from itertools import count

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

WIDTH = 640
BAR_AREA = 180
TOP = 24
LABEL_BAND = 40
# Fill patterns per series: solid, diagonal hatch, dots, cross-hatch, horizontal lines.
_PATTERNS = [
    "",
    '<path d="M0,6 L6,0" stroke="#000" stroke-width="1.5"/>',
    '<circle cx="3" cy="3" r="1.4" fill="#000"/>',
    '<path d="M0,0 L6,6 M6,0 L0,6" stroke="#000" stroke-width="1"/>',
    '<path d="M0,3 L6,3" stroke="#000" stroke-width="1.5"/>',
]
_SHADES = ["#1f4e79", "#9fc5e8", "#f6b26b", "#b6d7a8", "#d5a6bd"]
_ids = count(1)


def _fill(series: int, uid: str) -> tuple[str, str]:
    """(defs markup, fill reference) for a series: shade + pattern, so print and colour-blind
    readers can tell the series apart."""
    shade = _SHADES[series % len(_SHADES)]
    pattern = _PATTERNS[series % len(_PATTERNS)]
    if not pattern:
        return "", shade
    pid = f"{uid}-p{series}"
    defs = (
        f'<pattern id="{pid}" width="6" height="6" patternUnits="userSpaceOnUse">'
        f'<rect width="6" height="6" fill="{shade}"/>{pattern}</pattern>'
    )
    return defs, f"url(#{pid})"


def bar_chart(
    *,
    title: str,
    labels: Sequence[str],
    series: Sequence[tuple[str, Sequence[float]]],
    unit: str = "",
    legend: bool | None = None,
) -> SafeString:
    """Grouped bars: one group per label, one bar per series (name, values). The legend shows by
    default when there is more than one series."""
    legend = len(series) > 1 if legend is None else legend
    uid = f"chart{next(_ids)}"
    groups = max(len(labels), 1)
    per_group = max(len(series), 1)
    peak = max([v for _, values in series for v in values] + [1])
    group_width = (WIDTH - 40) / groups
    bar_width = max(min(group_width * 0.8 / per_group, 48), 2)
    height = TOP + BAR_AREA + LABEL_BAND + (18 * len(series) if legend else 0)
    defs, parts = [], []
    summary = "; ".join(
        f"{name}: "
        + ", ".join(f"{label} {value:g}" for label, value in zip(labels, values, strict=False))
        for name, values in series
    )
    for s, (_name, values) in enumerate(series):
        pattern_defs, fill = _fill(s, uid)
        defs.append(pattern_defs)
        for g, value in enumerate(values):
            bar_height = BAR_AREA * value / peak
            x = 30 + g * group_width + (group_width - bar_width * per_group) / 2 + s * bar_width
            y = TOP + BAR_AREA - bar_height
            parts.append(
                f'<rect x="{x:.1f}" y="{y:.1f}" width="{bar_width:.1f}" height="{bar_height:.1f}" '
                f'fill="{fill}" stroke="#000" stroke-width="0.5"/>'
            )
            if groups * per_group <= 40:  # numbers on bars while they fit
                parts.append(
                    f'<text x="{x + bar_width / 2:.1f}" y="{y - 4:.1f}" text-anchor="middle" '
                    f'font-size="11">{value:g}</text>'
                )
    step = max(1, groups // 14)  # label at most ~14 groups so the text never overlaps
    for g, label in enumerate(labels):
        if g % step:
            continue
        x = 30 + g * group_width + group_width / 2
        parts.append(
            f'<text x="{x:.1f}" y="{TOP + BAR_AREA + 16}" text-anchor="middle" font-size="11">'
            f"{escape(label)}</text>"
        )
    parts.append(
        f'<line x1="28" y1="{TOP + BAR_AREA}" x2="{WIDTH - 8}" y2="{TOP + BAR_AREA}" stroke="#000"/>'
    )
    if legend:  # the pattern swatch and the name, in words
        for s, (name, _) in enumerate(series):
            _, fill = _fill(s, uid)
            y = TOP + BAR_AREA + LABEL_BAND + 18 * s
            parts.append(
                f'<rect x="30" y="{y - 10}" width="14" height="12" fill="{fill}" stroke="#000"/>'
                f'<text x="50" y="{y}" font-size="12">{escape(name)}</text>'
            )
    svg = (
        f'<svg class="chart" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}" '
        f'role="img" aria-labelledby="{uid}-t {uid}-d">'
        f'<title id="{uid}-t">{escape(title)}</title>'
        f'<desc id="{uid}-d">{escape(summary or "No data")}{escape(" " + unit if unit else "")}</desc>'
        f"<defs>{''.join(defs)}</defs>{''.join(parts)}</svg>"
    )
    return mark_safe(svg)  # every text inside is escaped above
