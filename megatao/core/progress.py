"""Progress of long commands: the library names its steps, the front end decides how to show them."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager


class Progress:
    """Calls `on_start(step)`, then `on_done(step, seconds)` or `on_failed(step)`, around each step; silent by
    default."""

    def __init__(
        self,
        on_start: Callable[[str], None] | None = None,
        on_done: Callable[[str, float], None] | None = None,
        on_failed: Callable[[str], None] | None = None,
    ):
        self._on_start = on_start or (lambda step: None)
        self._on_done = on_done or (lambda step, seconds: None)
        self._on_failed = on_failed or (lambda step: None)

    @contextmanager
    def step(self, name: str) -> Iterator[None]:
        self._on_start(name)
        started = time.monotonic()
        try:
            yield
        except BaseException:
            self._on_failed(name)
            raise
        self._on_done(name, time.monotonic() - started)


SILENT = Progress()
