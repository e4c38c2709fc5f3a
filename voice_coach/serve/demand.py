"""Who asked for which renders, so nobody can drown the server: a page has at most one pre-render queued
(the settings it shows now: the one it asked for before is withdrawn), and a client (an address) at most
``per_client`` renders outstanding at once; one more is refused with ``TooMany`` (answered ``429``)."""

from __future__ import annotations

import re
import threading
from collections import OrderedDict
from concurrent.futures import Future
from pathlib import Path

from voice_coach.serve.export_cache import ExportCache
from voice_coach.serve.variant import Variant

PAGE_ID = re.compile(r"[A-Za-z0-9_-]{8,64}")
"""What a page sends to name itself (random, made when it loads)."""
PAGES_KEPT = 512
"""Pages remembered; the oldest are forgotten (a forgotten page's next pre-render withdraws nothing)."""
PER_CLIENT = 4


class TooMany(Exception):
    """A client has ``per_client`` renders outstanding already."""

    def __str__(self) -> str:
        return "Too many exports asked for at once from this device: wait for one to finish, then try again."


class Demand:
    """The renders each page and client asked for, in front of the export cache."""

    def __init__(self, cache: ExportCache, per_client: int = PER_CLIENT) -> None:
        self.cache, self.per_client = cache, per_client
        self._lock = threading.Lock()
        self._pages: OrderedDict[str, str] = OrderedDict()
        self._outstanding: dict[str, dict[str, Future[Path]]] = {}
        """client → key → the render's future, until it is done."""

    def play(self, variant: Variant, client: str) -> Future[Path]:
        """The export a person waits for (Play, Download); ``TooMany`` past the client's bound."""
        return self._ask(variant, client, prepare=False)

    def prepare(self, variant: Variant, client: str, page: str | None) -> Future[Path]:
        """Start the export of the settings ``page`` shows, withdrawing the one it showed before."""
        future = self._ask(variant, client, prepare=True)
        if page is not None and PAGE_ID.fullmatch(page):
            with self._lock:
                before = self._pages.pop(page, None)
                self._pages[page] = variant.key
                while len(self._pages) > PAGES_KEPT:
                    self._pages.popitem(last=False)
            if before is not None and before != variant.key:
                self.cache.withdraw(before)
        return future

    def _ask(self, variant: Variant, client: str, *, prepare: bool) -> Future[Path]:
        key = variant.key
        with self._lock:
            mine = self._outstanding.setdefault(client, {})
            for done in [k for k, f in mine.items() if f.done()]:
                del mine[done]
            if (
                key not in mine
                and len(mine) >= self.per_client
                and self.cache.entry(key, touch=False) is None
            ):
                raise TooMany
        future = self.cache.get(variant, prepare=prepare)
        if not future.done():
            with self._lock:
                self._outstanding.setdefault(client, {})[key] = future
        return future
