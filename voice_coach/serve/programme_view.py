"""A routine page's programme view as HTML: the next session (its step, hold and sets, when), why, the
last session, and the pain after each rated session as a bar chart (inline SVG, no script) with the same
figures as a list for screen readers and anyone who prefers words. Every value is escaped."""

from __future__ import annotations

from html import escape
from urllib.parse import quote

import voice_coach as vc
from voice_coach.serve.programme import Programme, Rated

WIDTH, HEIGHT, TOP, LEFT = 160, 64, 4, 12
"""The chart's drawing box (SVG units; it scales to the page's width): bars from ``LEFT``, pain 10 at
``TOP``, pain 0 at ``HEIGHT - 8`` (room for the axis' words)."""


def programme_section(view: Programme, lang: str = "en") -> str:
    """The section of the routine page, in ``lang`` (``programme.js`` refreshes its inner part after a
    rating, and shows the button that asks for one after a session played elsewhere)."""
    return f"""<section id="programme" aria-labelledby="programme-heading"
 data-programme="../programme/{quote(view.id)}.json">
<h2 id="programme-heading">{vc.printed(lang, "Your programme")}</h2>
<div id="programme-view">{programme_inner(view, lang)}</div>
<button type="button" id="rate-now" class="secondary" hidden>\
{vc.printed(lang, "Played it elsewhere? Rate your back now")}</button>
</section>"""


def programme_inner(view: Programme, lang: str = "en") -> str:
    """The part that changes with a rating, in ``lang``: next session, why, last session, the chart."""
    last = view.last
    if last is None:
        done = vc.printed(
            lang, "No sessions yet: rate your back after each one and the programme follows it."
        )
    elif last.pain is None:
        done = vc.printed(lang, "Last session: {day}.", day=last.day)
    else:
        done = vc.printed(lang, "Last session: {day}, pain {pain}/10.", day=last.day, pain=last.pain)
    why = vc.printed(lang, "Why: {reason}.", reason=view.today.why.said_in(lang))
    upcoming = vc.printed(lang, "Next session: {settings}.", settings=view.settings)
    return f"""<p id="next-session"><strong>{escape(upcoming)}</strong>
{vc.printed(lang, "The next time you press Play here, or play its “Today” episode in your podcast app.")}</p>
<p class="hint" id="why">{escape(why)}</p>
<p id="last-session">{escape(done)}</p>
{pain_chart(view.chart(), lang)}"""


def pain_chart(rated: tuple[Rated, ...], lang: str = "en") -> str:
    """Bars of the pain after each session in ``rated`` (oldest left), and the list of them, in ``lang``."""
    if not rated:
        empty = vc.printed(lang, "Your pain chart appears here after your first rating.")
        return f'<p class="hint" id="pain-chart">{empty}</p>'
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
            f'height="{high:.1f}"><title>{escape(_words(session, lang))}</title></rect>'
        )
    grid = "".join(
        f'<line class="grid" x1="{LEFT}" x2="{WIDTH}" y1="{y:.1f}" y2="{y:.1f}"/>'
        f'<text x="0" y="{y + 2:.1f}">{v}</text>'
        for v, y in ((v, floor - v * scale) for v in (0, 5, 10))
    )
    words = "".join(f"<li>{escape(_words(session, lang))}</li>" for session in rated)
    title = vc.printed(
        lang, "Pain after your last {count} rated sessions, {first} to {latest}, 0 (none) to 10 (the worst); "
        "the latest {pain}", count=len(rated), first=rated[0].day, latest=rated[-1].day, pain=rated[-1].pain,
    )  # fmt: skip
    caption = vc.printed(lang, "Pain after each session, 0 (none) to 10 (the worst), oldest left.")
    return f"""<figure id="pain-chart" class="chart">
<svg viewBox="0 0 {WIDTH} {HEIGHT}" role="img" aria-labelledby="chart-title">
<title id="chart-title">{escape(title)}</title>{grid}{"".join(bars)}</svg>
<figcaption>{caption}</figcaption>
<details><summary>{vc.printed(lang, "The ratings as a list")}</summary>
<ol class="pain-list">{words}</ol></details>
</figure>"""


def _words(session: Rated, lang: str) -> str:
    if session.step is None:
        return vc.printed(lang, "{day}: pain {pain}/10", day=session.day, pain=session.pain)
    return vc.printed(
        lang, "{day}: pain {pain}/10 (step {step})", day=session.day, pain=session.pain, step=session.step
    )
