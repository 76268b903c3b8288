"""Progress on stderr for runs longer than about a second, on a terminal only.

Nothing is shown in CI logs or when stderr is a file or a pipe; no colours are used, so
`NO_COLOR` is respected by construction. The line is cleared before the summary is printed.
"""

from __future__ import annotations

import os
import time
from typing import TextIO

from generator.diagnostics import printable

_DELAY = 1.0  # seconds before the first message: quick runs stay silent


class Progress:
    def __init__(self, stream: TextIO) -> None:
        self.stream = stream
        self.enabled = stream.isatty() and not os.environ.get("CI")
        self.started = time.perf_counter()
        self.shown = False

    def __call__(self, message: str) -> None:
        if not self.enabled or time.perf_counter() - self.started < _DELAY:
            return
        self.stream.write(f"\r\x1b[2Koagen: {printable(message)}")  # a file name's own ESC
        self.stream.flush()
        self.shown = True

    def clear(self) -> None:
        if self.shown:
            self.stream.write("\r\x1b[2K")
            self.stream.flush()
            self.shown = False


def silent(message: str) -> None:
    """The progress callback of runs nobody watches."""
