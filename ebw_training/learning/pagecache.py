"""A small per-process cache of rendered learner pages.

Lesson and module pages are read far more often than progress changes. A rendered page is kept
under a key that holds everything it shows that can change: the path, the learner, their name and
language, the enrolment's progress version (bumped by every summary refresh), the course version
and the session's CSRF secret (the forms on the page carry a token derived from it). A change to
any of these is a different key, so a stale page is never served, and nothing has to be shared
between worker processes: each worker fills its own cache from the database's state.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable

MAX_ENTRIES = 2048


class PageCache:
    def __init__(self, max_entries: int = MAX_ENTRIES):
        self.max_entries = max_entries
        self._data: OrderedDict[Hashable, str] = OrderedDict()
        self._lock = threading.Lock()
        self.hits = self.misses = 0

    def get(self, key: Hashable) -> str | None:
        with self._lock:
            html = self._data.get(key)
            if html is not None:
                self._data.move_to_end(key)
                self.hits += 1
            return html

    def get_or_render(self, key: Hashable | None, render: Callable[[], str]) -> str:
        if key is None:
            return render()
        html = self.get(key)
        if html is not None:
            return html
        html = render()
        with self._lock:
            self.misses += 1
            self._data[key] = html
            self._data.move_to_end(key)
            while len(self._data) > self.max_entries:
                self._data.popitem(last=False)
        return html

    def clear(self) -> None:
        with self._lock:
            self._data.clear()
            self.hits = self.misses = 0

    def __len__(self) -> int:
        return len(self._data)
