"""A programme's chart: pain by day (one point per rated session), every session marked along the bottom,
the steps shaded behind, as a PNG or SVG file (matplotlib) or as text for the terminal (plotext).

matplotlib is drawn through its object interface (``Figure``), never ``pyplot``: no window, no global
figure state, nothing left open. The PNG carries its data as a text chunk too (``voice-coach``: the
points as JSON), so a program reading the file gets the numbers, not only the picture. The SVG's
artists have ids (``pain``, ``sessions``, ``step-N``), so its points can be found and counted.
"""

from __future__ import annotations

import importlib
import io
import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from voice_coach.errors import OutputError, UsageError, literal
from voice_coach.files import replace_atomically

CHART_FORMATS = (".png", ".svg")
STEP_SHADES = ("#dbeafe", "#bfdbfe", "#93c5fd", "#60a5fa", "#3b82f6")
PAIN_COLOUR = "#c2410c"


@dataclass(frozen=True)
class ChartPoint:
    """One session: when, its pain (None: not rated) and the step it was played at (None: none)."""

    when: datetime
    pain: int | None
    step: int | None


def check_chart_path(path: Path) -> Path:
    """``path`` if it ends in ``.png`` or ``.svg`` and its folder exists; ``UsageError`` naming ``chart``."""
    if path.suffix.lower() not in CHART_FORMATS:
        raise UsageError(
            f"{{chart}} {literal(str(path))}: the chart is a .png or .svg file; e.g. progress.png",
            options=("chart",),
        )
    if not path.parent.is_dir():
        raise UsageError(f"{{chart}} {literal(str(path))}: no folder {path.parent}", options=("chart",))
    return path


def write_chart(points: Sequence[ChartPoint], title: str, path: Path) -> Path:
    """Draw the chart of ``points`` to ``path`` (``.png`` or ``.svg``), replacing it whole; its path."""
    check_chart_path(path)
    figure = _figure(points, title)
    kind = path.suffix.lower().lstrip(".")
    metadata: dict[str, Any] = {"Title": title}
    if kind == "png":
        metadata["voice-coach"] = json.dumps([_point_json(point) for point in points])
    else:
        metadata["Date"] = None  # the same history draws the same file
    buffer = io.BytesIO()
    figure.savefig(buffer, format=kind, metadata=metadata, dpi=100)
    try:
        replace_atomically(path, lambda raw: raw.write(buffer.getvalue()))
    except OSError as error:
        raise OutputError(f"cannot write the chart {path}: {error.strerror or error}") from error
    return path


def _figure(points: Sequence[ChartPoint], title: str) -> Any:
    figure_module = _matplotlib("matplotlib.figure")
    dates = _matplotlib("matplotlib.dates")
    figure = figure_module.Figure(figsize=(8, 3.6), layout="constrained")
    axes = figure.add_subplot()
    _shade_steps(axes, points)
    rated = [point for point in points if point.pain is not None]
    axes.plot(
        [p.when for p in rated], [p.pain for p in rated], marker="o", color=PAIN_COLOUR,
        label="pain after the session", gid="pain",
    )  # fmt: skip
    axes.plot(
        [p.when for p in points], [-0.6] * len(points), linestyle="none", marker="|", markersize=10,
        color="#374151", label="session done", gid="sessions",
    )  # fmt: skip
    axes.set_ylim(-1, 10.5)
    axes.set_yticks(range(0, 11, 2))
    axes.set_ylabel("pain (0-10)")
    axes.set_title(title)
    locator = dates.AutoDateLocator(minticks=3, maxticks=8)
    axes.xaxis.set_major_locator(locator)
    axes.xaxis.set_major_formatter(dates.ConciseDateFormatter(locator))
    axes.legend(loc="upper left", bbox_to_anchor=(1.01, 1), fontsize="small")
    axes.grid(axis="y", alpha=0.3)
    return figure


def _shade_steps(axes: Any, points: Sequence[ChartPoint]) -> None:
    """A band behind each run of sessions at the same step, darker for a higher step, labelled."""
    runs: list[tuple[int, datetime, datetime]] = []
    for index, point in enumerate(points):
        if point.step is None:
            continue
        end = points[index + 1].when if index + 1 < len(points) else point.when + timedelta(days=1)
        if runs and runs[-1][0] == point.step:
            runs[-1] = (point.step, runs[-1][1], end)
        else:
            runs.append((point.step, point.when, end))
    for step, start, end in runs:
        shade = STEP_SHADES[min(step, len(STEP_SHADES)) - 1]
        axes.axvspan(start, end, color=shade, alpha=0.6, linewidth=0, gid=f"step-{step}")
        label = f"step {step}" if end - start >= timedelta(days=3) else str(step)
        axes.text(start, 10.2, f" {label}", fontsize="x-small", color="#1e3a8a", va="top")


def text_chart(points: Sequence[ChartPoint], title: str, width: int = 72, height: int = 18) -> str:
    """The pain by day as text for a terminal (no colours): a point per rated session, dates below."""
    figure: Any = importlib.import_module("plotext").figure
    rated = [point for point in points if point.pain is not None]
    figure.clear()
    figure.plot_size(width, height)
    figure.title(title)
    if rated:
        first = rated[0].when.date()
        days = [(point.when.date() - first).days for point in rated]
        signal = figure.signal(days, [point.pain for point in rated], marker="●")
        figure.draw(signal)
        ticks = sorted({*days[:: max(1, len(days) // 4)], days[-1]})
        figure.ruler("x").ticks(ticks, [(first + timedelta(days=day)).strftime("%b %d") for day in ticks])
    figure.ruler("y").lim(0, 10)
    figure.label("pain", "y")
    text: str = figure.build().string(colorless=True)
    figure.clear()
    return "\n".join(line.rstrip() for line in text.splitlines())


def _point_json(point: ChartPoint) -> dict[str, Any]:
    return {"date": point.when.isoformat(timespec="seconds"), "pain": point.pain, "step": point.step}


def _matplotlib(module: str) -> Any:
    """A matplotlib module, or ``UsageError`` saying how to install the optional chart extra."""
    try:
        return importlib.import_module(module)
    except ImportError:
        raise UsageError(
            "{chart} needs matplotlib; install it with: pip install 'voice-coach[chart]'", options=("chart",)
        ) from None
