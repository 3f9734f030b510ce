"""Charts as inline SVG, drawn with Matplotlib (text kept as text: ``svg.fonttype = 'none'``).

Each function takes plain series and returns an ``<svg>`` string whose element ids are prefixed,
so that several charts can live in one HTML page without their clip paths colliding.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from collections.abc import Sequence

import matplotlib

matplotlib.use("Agg")  # never a GUI backend, whatever the environment says
from matplotlib import rcParams  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

PALETTE = ("#1f5a8a", "#c0392b", "#2e8b57", "#8e44ad", "#d68910", "#5d6d7e", "#17a589", "#a04000")
INK, MUTED = "#222222", "#777777"


def _style() -> None:
    rcParams.update({
        "svg.fonttype": "none", "svg.hashsalt": "tally", "font.family": "sans-serif", "font.size": 9,
        "axes.spines.top": False, "axes.spines.right": False, "axes.edgecolor": MUTED,
        "axes.labelcolor": INK, "xtick.color": INK, "ytick.color": INK, "axes.titlesize": 10,
        "axes.titleweight": "bold", "axes.titlelocation": "left", "legend.frameon": False,
    })


def to_svg(fig: Figure, name: str, title: str) -> str:
    """Serialise *fig* to an ``<svg>`` element with ids prefixed by *name* and an accessible title."""
    buf = io.StringIO()
    fig.savefig(buf, format="svg", bbox_inches="tight", metadata={"Date": None, "Creator": None})
    svg = buf.getvalue()
    svg = svg[svg.index("<svg"):]
    ids = set(re.findall(r'\bid="([^"]+)"', svg))
    if ids:
        pattern = re.compile(r'(\bid="|#)(' + "|".join(re.escape(i) for i in sorted(ids, key=len, reverse=True)) + r')\b')
        svg = pattern.sub(lambda m: f"{m.group(1)}{name}-{m.group(2)}", svg)
    svg = svg.replace("<svg ", f'<svg class="chart" role="img" aria-label="{_attr(title)}" data-chart="{name}" ', 1)
    svg = re.sub(r'(<svg[^>]*?) width="[^"]+" height="[^"]+"', r"\1", svg, count=1)
    return svg


def _attr(s: str) -> str:
    return s.replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;")


def timeline(daily: Sequence[tuple[dt.date, int]], running: dict[str, Sequence[tuple[dt.date, int]]],
             claimed: dict[str, Sequence[tuple[dt.date, float, int]]], unit: str) -> str:
    """Two panels: documented deaths per day, and each source's running toll over time."""
    _style()
    fig = Figure(figsize=(9, 5.4))
    top, bottom = fig.subplots(2, 1, sharex=True, gridspec_kw={"height_ratios": [1, 1.3]})
    if daily:
        # One filled step path (days without a death drawn at zero), not a bar per day: small and
        # fast to draw over years of data.
        from matplotlib.dates import date2num

        counts_by_day = dict(daily)
        first, last = daily[0][0], daily[-1][0]
        days = [first + dt.timedelta(days=i) for i in range((last - first).days + 2)]
        top.stairs([counts_by_day.get(d, 0) for d in days[:-1]], date2num(days), fill=True, color=PALETTE[0])
    top.set_title(f"Documented deaths per day ({unit}, by date of death)")
    top.set_ylabel(unit)
    for i, (name, series) in enumerate(sorted(running.items())):
        if series:
            d, v = zip(*series, strict=True)
            bottom.step(d, v, where="post", color=PALETTE[i % len(PALETTE)], label=f"{name} (list, records)")
    for j, (name, series) in enumerate(sorted(claimed.items())):
        if series:
            d, v, _ = zip(*series, strict=True)
            # Dots, not a line: a source's figures are separate reports, and a line between two
            # would claim a count for the days between that nobody reported.
            bottom.plot(d, v, marker="o", markersize=3.5, linestyle="none",
                        color=PALETTE[(j + len(running)) % len(PALETTE)], label=f"{name} (reported running toll)")
    bottom.set_title("Running toll by source")
    bottom.set_ylabel("cumulative deaths")
    if running or claimed:
        bottom.legend(fontsize=7, loc="upper center", bbox_to_anchor=(0.5, -0.28), ncols=2)
    for ax in (top, bottom):
        ax.yaxis.set_major_formatter(matplotlib.ticker.StrMethodFormatter("{x:,.0f}"))
        ax.grid(axis="y", color="#e5e5e5", linewidth=0.6)
    fig.autofmt_xdate()
    return to_svg(fig, "timeline", "Documented deaths per day and running toll by source")


def bars(panels: dict[str, Sequence[tuple[str, int]]], name: str, title: str) -> str:
    """Horizontal bar charts side by side, one panel per breakdown, each bar labelled with its count."""
    _style()
    panels = {k: v for k, v in panels.items() if v}
    n = max(1, len(panels))
    tallest = max((len(v) for v in panels.values()), default=1)
    fig = Figure(figsize=(3.1 * n, 0.45 * tallest + 1.0))
    axes = fig.subplots(1, n, squeeze=False)[0]
    for ax, (label, rows) in zip(axes, panels.items(), strict=False):
        names = [str(k) for k, _ in rows][::-1]
        values = [v for _, v in rows][::-1]
        ax.barh(names, values, color=PALETTE[0])
        for y, v in enumerate(values):
            ax.text(v, y, f" {v:,}", va="center", fontsize=8, color=INK)
        ax.set_title(label)
        ax.set_xticks([])
        ax.spines["bottom"].set_visible(False)
        ax.set_xlim(0, max(values) * 1.3 if values else 1)
    return to_svg(fig, name, title)


def forest(rows: Sequence[tuple[str, float, float, float, int]], level: float | None, name: str = "forest") -> str:
    """A forest plot: one row per stratum with estimate, interval and the observed count."""
    _style()
    fig = Figure(figsize=(8, 0.42 * len(rows) + 1.1))
    ax = fig.subplots()
    ys = list(range(len(rows)))[::-1]
    for y, (label, est, lo, hi, observed) in zip(ys, rows, strict=True):
        ax.plot([lo, hi], [y, y], color=PALETTE[0], linewidth=2)
        ax.plot([est], [y], marker="s", color=PALETTE[0], markersize=6)
        ax.plot([observed], [y], marker="|", color=PALETTE[1], markersize=10, markeredgewidth=2)
    ax.set_yticks(ys, [r[0] for r in rows])
    pct = f"{level * 100:g}% " if level else ""
    ax.set_title(f"Estimated total per stratum: point estimate and {pct}interval (red tick: observed)")
    ax.xaxis.set_major_formatter(matplotlib.ticker.StrMethodFormatter("{x:,.0f}"))
    ax.grid(axis="x", color="#e5e5e5", linewidth=0.6)
    ax.set_ylim(-0.7, len(rows) - 0.3)
    return to_svg(fig, name, "Estimates per stratum with intervals")
