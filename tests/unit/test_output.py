"""`local.output.WholeLines`: threads that print at once leave one whole line per print."""

from __future__ import annotations

import io
import json
import threading
import time

from local.output import WholeLines


class FileLike(io.StringIO):
    """A stream that lets other threads run inside a write, as a file's does (its write flushes to the OS, which
    releases the GIL)."""

    def write(self, text: str) -> int:
        written = super().write(text)
        time.sleep(0)
        return written


def print_at_once(out: io.TextIOBase) -> None:
    """8 threads printing 200 JSON lines each, all at once."""
    start = threading.Barrier(8)

    def prints(worker: int) -> None:
        start.wait()
        for line in range(200):
            print(json.dumps({"worker": worker, "line": line, "pad": "x" * worker}), file=out)  # text, then "\n"

    threads = [threading.Thread(target=prints, args=(worker,)) for worker in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


def test_a_file_printed_to_by_many_threads_at_once_gets_broken_lines() -> None:
    raw = FileLike()

    print_at_once(raw)

    assert any(not line.endswith("}") for line in raw.getvalue().splitlines())


def test_lines_printed_by_many_threads_at_once_stay_whole() -> None:
    raw = FileLike()
    out = WholeLines(raw)

    print_at_once(out)

    lines = [json.loads(line) for line in raw.getvalue().splitlines()]
    assert sorted((line["worker"], line["line"]) for line in lines) == [(w, n) for w in range(8) for n in range(200)]


def test_a_line_written_in_parts_is_written_once_it_ends() -> None:
    raw = io.StringIO()
    out = WholeLines(raw)

    out.write("Starting")
    out.write(" …")
    assert raw.getvalue() == ""
    out.write(" done\nnext")

    assert raw.getvalue() == "Starting … done\n"
