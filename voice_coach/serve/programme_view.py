"""A routine page's programme view as HTML: the next session (its step, hold and sets, when), why, the
last session, and the pain after each rated session as a bar chart (inline SVG, no script) with the same
figures as a list for screen readers and anyone who prefers words. Every value is escaped."""

from __future__ import annotations

from html import escape
from urllib.parse import quote

from voice_coach.serve.programme import Programme, Rated

WIDTH, HEIGHT, TOP, LEFT = 160, 64, 4, 12
"""The chart's drawing box (SVG units; it scales to the page's width): bars from ``LEFT``, pain 10 at
``TOP``, pain 0 at ``HEIGHT - 8`` (room for the axis' words)."""


def programme_section(view: Programme) -> str:
    """The section of the routine page (``programme.js`` refreshes its inner part after a rating, and
    shows the button that asks for one after a session played elsewhere)."""
    return f"""<section id="programme" aria-labelledby="programme-heading"
 data-programme="../programme/{quote(view.id)}.json">
<h2 id="programme-heading">Your programme</h2>
<div id="programme-view">{programme_inner(view)}</div>
<button type="button" id="rate-now" class="secondary" hidden>Played it elsewhere? Rate your back now</button>
</section>"""


def programme_inner(view: Programme) -> str:
    """The part that changes with a rating: next session, why, last session, the chart."""
    last = view.last
    if last is None:
        done = "No sessions yet: rate your back after each one and the programme follows it."
    else:
        pain = f", pain {last.pain}/10" if last.pain is not None else ""
        done = f"Last session: {escape(last.day)}{pain}."
    return f"""<p id="next-session"><strong>Next session: {escape(view.settings)}.</strong>
The next time you press Play here, or play its “Today” episode in your podcast app.</p>
<p class="hint" id="why">Why: {escape(view.today.reason)}.</p>
<p id="last-session">{done}</p>
{pain_chart(view.chart())}"""


def pain_chart(rated: tuple[Rated, ...]) -> str:
    """Bars of the pain after each session in ``rated`` (oldest left), and the list of them."""
    if not rated:
        return '<p class="hint" id="pain-chart">Your pain chart appears here after your first rating.</p>'
    width = (WIDTH - LEFT) / len(rated)
    floor = HEIGHT - 8
    scale = (floor - TOP) / 10
    bars = []
    for n, session in enumerate(rated):
        pain = session.pain or 0
        high = max(pain * scale, 1.0)  # a pain of 0 still shows a sliver, so the session is seen
        x = LEFT + n * width + width * 0.15
        bars.append(
            f'<rect class="bar" x="{x:.1f}" y="{floor - high:.1f}" width="{width * 0.7:.1f}" '
            f'height="{high:.1f}"><title>{escape(_words(session))}</title></rect>'
        )
    grid = "".join(
        f'<line class="grid" x1="{LEFT}" x2="{WIDTH}" y1="{y:.1f}" y2="{y:.1f}"/>'
        f'<text x="0" y="{y + 2:.1f}">{v}</text>'
        for v, y in ((v, floor - v * scale) for v in (0, 5, 10))
    )
    first, latest = escape(rated[0].day), escape(rated[-1].day)
    words = "".join(f"<li>{escape(_words(session))}</li>" for session in rated)
    return f"""<figure id="pain-chart" class="chart">
<svg viewBox="0 0 {WIDTH} {HEIGHT}" role="img" aria-labelledby="chart-title">
<title id="chart-title">Pain after your last {len(rated)} rated sessions, {first} to {latest}, \
0 (none) to 10 (the worst); the latest {rated[-1].pain}</title>{grid}{"".join(bars)}</svg>
<figcaption>Pain after each session, 0 (none) to 10 (the worst), oldest left.</figcaption>
<details><summary>The ratings as a list</summary><ol class="pain-list">{words}</ol></details>
</figure>"""


def _words(session: Rated) -> str:
    step = f" (step {session.step})" if session.step is not None else ""
    return f"{session.day}: pain {session.pain}/10{step}"
