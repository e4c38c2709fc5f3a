"""The web application: routes from HTTP requests to the catalog, the variant rules and the export cache.

Routes (below ``/TOKEN``): ``/`` the index, ``/routine/ID`` a routine's page, ``/variant/ID.json`` the checked
settings, the URLs of their export and how far it is made (``prepare=1``: start making it),
``/audio/ID.mp3|.vtt|.chapters.json|.sets.json|.png`` the export itself, its sets and its artwork (made
on first request), ``/feed.xml`` the podcast feed, ``/static/NAME`` the page's own files, ``POST
/rate/ID.json`` how the back feels after a session played on the page (``pain=0..10``), kept in the history
like ``voice-coach log``; ``/programme/ID.json`` where a file's programme stands (the next session, the
ratings, the page's view).
"""

from __future__ import annotations

import asyncio
import functools
import logging
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from importlib import resources
from pathlib import Path
from urllib.parse import parse_qsl, quote

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, PlainTextResponse, Response, StreamingResponse
from starlette.routing import Route
from starlette.types import ASGIApp

import voice_coach as vc
from voice_coach.serve import pages
from voice_coach.serve.demand import Demand, TooMany
from voice_coach.serve.export_cache import CacheClosed, ExportCache
from voice_coach.serve.feed import Episode, feed_xml
from voice_coach.serve.gate import TokenGate
from voice_coach.serve.live import growing_mp3
from voice_coach.serve.programme import language_of, make_today, programme, with_today
from voice_coach.serve.programme_view import programme_inner, programme_section
from voice_coach.serve.ranges import file_response
from voice_coach.serve.render import AUDIO, CHAPTERS, COVER, CUES, SETS, About, RenderCancelled
from voice_coach.serve.security import SecurityHeaders
from voice_coach.serve.variant import FIELDS, Defaults, SettingError, Variant, parse_variant

log = logging.getLogger(__name__)
ID = re.compile(r"[a-z0-9][a-z0-9-]{0,63}")
FILES = {
    "mp3": (AUDIO, "audio/mpeg"),
    "vtt": (CUES, "text/vtt"),
    "chapters.json": (CHAPTERS, "application/json+chapters"),
    "png": (COVER, "image/png"),
    "sets.json": (SETS, "application/json"),
}
AUDIO_NAME = re.compile(r"([a-z0-9][a-z0-9-]{0,63})\.(mp3|vtt|chapters\.json|sets\.json|png)")
STATIC = {"style.css": "text/css", "player.js": "text/javascript", "icon.svg": "image/svg+xml",
          "programme.js": "text/javascript"}  # fmt: skip


@dataclass(frozen=True)
class Served:
    """What the application serves: the routines, the exports and the settings a request leaves unset."""

    catalog: vc.Catalog
    cache: ExportCache
    defaults: Defaults = field(default_factory=Defaults)
    feed_wait_s: float = 20.0
    """How long the feed waits for the default episodes being made; later ones join at the next refresh."""
    recent: int = 10


def create_app(token: str, served: Served) -> ASGIApp:
    """The ASGI application, behind its token, every answer with the security headers."""
    routes = [
        Route("/", _index),
        Route("/routine/{routine_id}", _routine),
        Route("/variant/{routine_id}.json", _variant_info),
        Route("/audio/{name}", _audio),
        Route("/rate/{routine_id}.json", _rate, methods=["POST"]),
        Route("/programme/{routine_id}.json", _programme),
        Route("/feed.xml", _feed),
        Route("/static/{name}", _static),
    ]
    app = Starlette(routes=routes)
    app.state.served = served
    app.state.demand = Demand(served.cache)
    return SecurityHeaders(TokenGate(app, token))


def _served(request: Request) -> Served:
    served: Served = request.app.state.served
    return served


def _demand(request: Request) -> Demand:
    demand: Demand = request.app.state.demand
    return demand


def _client(request: Request) -> str:
    return request.client.host if request.client else ""


def _entry(request: Request, routine_id: str) -> vc.CatalogEntry:
    """The routine a path names; 404 for an id that is malformed or not on offer."""
    entry = _served(request).catalog.find(routine_id) if ID.fullmatch(routine_id) else None
    if entry is None:
        raise HTTPException(404)
    return entry


def _index(request: Request) -> Response:
    return HTMLResponse(pages.index_page(_served(request).catalog))


def _routine(request: Request) -> Response:
    served = _served(request)
    entry = _entry(request, request.path_params["routine_id"])
    chosen = {name: value.strip() for name in FIELDS if (value := request.query_params.get(name, "")).strip()}
    try:
        parse_variant(entry, request.query_params, served.defaults)
        error, status = "", 200
    except SettingError as problem:
        error, status = str(problem), 400
    view, language = programme(entry), language_of(entry)
    extra = programme_section(view, language) if view is not None else ""
    page = pages.routine_page(entry, chosen, error, served.defaults.countdown, language, extra)
    return HTMLResponse(page, status)


def _variant_info(request: Request) -> Response:
    """The checked settings and their export's URLs; with ``prepare=1`` (the page sends it for the
    settings on screen) the export is started at once, so Play usually finds it made."""
    entry = _entry(request, request.path_params["routine_id"])
    try:
        variant = parse_variant(entry, request.query_params, _served(request).defaults)
    except SettingError as problem:
        return JSONResponse({"error": str(problem)}, 400)
    if request.query_params.get("prepare"):
        page = request.query_params.get("page")
        try:
            _demand(request).prepare(variant, _client(request), page)
        except TooMany as refused:
            return JSONResponse({"error": str(refused)}, 429, headers={"Retry-After": "5"})
        except CacheClosed:  # the server is stopping: nothing to prepare
            pass
    urls = {kind: "../" + _audio_path(variant, kind) for kind in FILES}
    download = urls["mp3"] + ("&" if variant.query else "?") + "download=1"
    live = urls["mp3"] + ("&" if variant.query else "?") + "live=1"
    return JSONResponse(
        {
            "title": entry.title,
            "label": variant.label,
            "query": variant.query,
            "audio": urls["mp3"],
            "vtt": urls["vtt"],
            "chapters": urls["chapters.json"],
            "sets": urls["sets.json"],
            "cover": urls["png"],
            "download": download,
            "live": live,
            "progress": _percent(_served(request).cache.progress(variant.key)),
            "seconds": _seconds(variant),
        }
    )


def _seconds(variant: Variant) -> float:
    """How long the variant lasts, as estimated before it is made (for the time left while it streams)."""
    timeline = vc.compile(variant.entry.target, variant.choices, warn=lambda message: None)
    plan = vc.estimate(timeline, variant.speech, warn=lambda message: None).schedule
    return plan.ms(plan.total) / 1000


def _percent(done: float | None) -> int | None:
    """How far the export is made, in percent (100: made; None: nobody asked for it)."""
    return None if done is None else int(done * 100)


def _audio_path(variant: Variant, kind: str) -> str:
    """``audio/ID.KIND?settings``, relative to the token's root."""
    return f"audio/{quote(variant.entry.id)}.{kind}" + (f"?{variant.query}" if variant.query else "")


async def _audio(request: Request) -> Response:
    match = AUDIO_NAME.fullmatch(request.path_params["name"])
    if match is None:
        raise HTTPException(404)
    entry = await run_in_threadpool(_entry, request, match.group(1))
    try:
        variant = parse_variant(entry, request.query_params, _served(request).defaults)
    except SettingError as problem:
        return PlainTextResponse(str(problem), 400)
    if request.query_params.get("live") and match.group(2) == "mp3":
        return _live(request, variant)
    folder = await _made(request, variant)
    if isinstance(folder, Response):
        return folder
    name, media_type = FILES[match.group(2)]
    headers = {}
    if request.query_params.get("download"):
        slug = re.sub(r"[^a-z0-9]+", "-", f"{entry.id} {variant.query}".lower()).strip("-")
        headers["Content-Disposition"] = f'attachment; filename="{slug}.{match.group(2)}"'
    return file_response(request, folder / name, media_type, headers)


def _live(request: Request, variant: Variant) -> Response:
    """The MP3 as it is encoded (``live``): the finished file when made, else a stream that follows the
    render (``429`` past the client's bound)."""
    cache = _served(request).cache
    try:
        made = _demand(request).play(variant, _client(request))
    except TooMany as refused:
        return PlainTextResponse(str(refused), 429, headers={"Retry-After": "5"})
    except CacheClosed:
        return PlainTextResponse("The server is stopping.", 503)
    if made.done() and not made.cancelled() and made.exception() is None:
        return file_response(request, made.result() / AUDIO, "audio/mpeg", {})
    stream = growing_mp3(made, lambda: cache.control(variant.key))
    return StreamingResponse(stream, media_type="audio/mpeg", headers={"Cache-Control": "no-store"})


async def _made(request: Request, variant: Variant) -> Path | Response:
    """The variant's cache entry once made, or the response that says why it is not."""
    try:
        return await _served(request).cache.wait(_demand(request).play(variant, _client(request)))
    except TooMany as refused:
        return PlainTextResponse(str(refused), 429, headers={"Retry-After": "5"})
    except vc.VoiceCoachError as error:
        log.warning("%s: %s", variant.entry.id, error)
        return PlainTextResponse(f"Could not make this export: {error}", 500)
    except (RenderCancelled, CacheClosed):
        return PlainTextResponse("The server is stopping.", 503)


async def _rate(request: Request) -> Response:
    """The answer to the page's question after playback: the session recorded with its rating (as
    ``voice-coach log`` records one), and the step it earns; 400 with the library's message otherwise."""
    entry = _entry(request, request.path_params["routine_id"])
    form = dict(parse_qsl((await request.body()).decode("utf-8", "replace"), keep_blank_values=True))
    pain = form.get("pain", "").strip()  # a form body, read here: the gate let at most a few bytes in
    try:
        logged = await run_in_threadpool(vc.log_session, entry.target, pain, note="played on the phone")
        step = await run_in_threadpool(vc.progression, entry.target) if entry.target.progression else None
    except vc.UsageError as error:
        return JSONResponse({"error": error.worded(lambda name: name)}, 400)
    if step is not None:
        await run_in_threadpool(make_today, _served(request).cache, entry, _served(request).defaults)
    summary = step.summary(language_of(entry)) if step is not None else None  # the page's language
    answer = {"pain": logged.pain, "next": summary}
    return JSONResponse(answer, headers={"Cache-Control": "no-store"})


def _programme(request: Request) -> Response:
    """Where the file's programme stands (``programme.js`` shows it again after a rating); 404 for a file
    without a progression."""
    view = programme(_entry(request, request.path_params["routine_id"]))
    if view is None:
        return JSONResponse({"error": "this routine has no programme over weeks ([progression])"}, 404)
    answer = view.as_dict() | {"html": programme_inner(view, language_of(_entry(request, view.id)))}
    return JSONResponse(answer, headers={"Cache-Control": "no-store"})


async def _feed(request: Request) -> Response:
    served = _served(request)
    base = str(request.base_url)
    defaults = await run_in_threadpool(
        lambda: [parse_variant(e, {}, served.defaults) for e in served.catalog.entries()]
    )
    # shielded: the feed stops waiting after ``feed_wait_s``, but the renders go on (and join the next feed)
    waiting = [asyncio.shield(asyncio.wrap_future(served.cache.get(v, background=True))) for v in defaults]
    if waiting:
        await asyncio.wait(waiting, timeout=served.feed_wait_s)
    ready = [v for v, w in zip(defaults, waiting, strict=True) if w.done() and not w.exception()]
    episodes = await run_in_threadpool(_episodes, served, ready, base)
    for pending in waiting:
        pending.cancel()
    description = "Your voice-coach routines, with chapters, from this computer."
    xml = feed_xml("voice-coach", base, description, episodes, datetime.now(UTC))
    return Response(xml, media_type="application/rss+xml")


def _episodes(served: Served, defaults: list[Variant], base: str) -> list[Episode]:
    """The default variants, then the recent ones whose settings still name the same export."""
    kept = {v.key: v for v in defaults}
    for folder in served.cache.recent(served.recent, skip=kept):
        about = About.read(folder)
        entry = served.catalog.find(about.routine_id) if about else None
        if about is None or entry is None or folder.name in kept:
            continue
        try:
            variant = parse_variant(entry, dict(parse_qsl(about.query)), served.defaults)
        except SettingError:
            continue
        if variant.key == folder.name:
            kept[variant.key] = variant
    episodes = {key: e for key, v in kept.items() if (e := _episode(served.cache, v, base)) is not None}
    return list(with_today(episodes, defaults).values())  # a progression's default: the Today episode


def _episode(cache: ExportCache, variant: Variant, base: str) -> Episode | None:
    folder = cache.entry(variant.key, touch=False)
    about = About.read(folder) if folder else None
    if folder is None or about is None:
        return None
    title = about.title if not variant.query else f"{about.title} ({variant.label})"
    return Episode(
        variant.key,
        title,
        f"{about.title}: {variant.label}.",
        base + _audio_path(variant, "mp3"),
        (folder / AUDIO).stat().st_size,
        about.length_ms,
        base + _audio_path(variant, "chapters.json"),
        datetime.fromisoformat(about.made),
    )


def _static(request: Request) -> Response:
    name = request.path_params["name"]
    if name not in STATIC:
        raise HTTPException(404)
    return Response(_static_file(name), media_type=STATIC[name], headers={"Cache-Control": "max-age=3600"})


@functools.cache
def _static_file(name: str) -> bytes:
    return (resources.files("voice_coach.serve") / "static" / name).read_bytes()
