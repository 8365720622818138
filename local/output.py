"""The local hub's standard output, a whole line at a time.

The local hub runs every function in threads of one process, all writing to one stdout. Powertools' metrics print
their line (`print(json.dumps(...))`): the text and its newline are two writes, and another thread's line could land
between them, leaving two JSON objects on one line of the log and a line without its newline. In Lambda a function
has its process to itself, so this is the local hub's concern only.
"""

from __future__ import annotations

import io
import threading
from typing import TextIO


class WholeLines(io.TextIOBase):
    """`stream` written a whole line at a time: each thread's text is held until its newline, then written at once."""

    def __init__(self, stream: TextIO) -> None:
        self._stream = stream
        self._lock = threading.Lock()
        self._held = threading.local()

    def write(self, text: str) -> int:
        held: str = getattr(self._held, "text", "") + text
        lines, newline, rest = held.rpartition("\n")
        self._held.text = rest
        if newline:
            with self._lock:
                self._stream.write(lines + newline)
        return len(text)

    def flush(self) -> None:
        with self._lock:
            self._stream.flush()

    def writable(self) -> bool:
        return True

    def isatty(self) -> bool:
        return self._stream.isatty()

    def fileno(self) -> int:
        return self._stream.fileno()
