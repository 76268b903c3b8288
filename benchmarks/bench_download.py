"""A large download through ``StreamedAPIResponse.iter_bytes()``: throughput and peak memory.

A server thread on 127.0.0.1 sends ``--size`` bytes (default 1 GiB) of a repeated 64 KiB block;
the runtime's sync client streams them through ``to_streamed_response_wrapper`` and counts them.
The peak resident size of the whole process (server included) is printed from ``VmHWM`` in
``/proc/self/status`` (``getrusage`` elsewhere; on Linux its figure carries over across ``exec``
from the parent that started this script); the body is never held: the target is under 100 MB.

    .venv/bin/python benchmarks/bench_download.py [--size BYTES]
"""

from __future__ import annotations

import argparse
import resource
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, ClassVar

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from generator.runtime import (
    ClientConfig,
    Operation,
    SyncClient,
    to_streamed_response_wrapper,
)

_BLOCK = b"\x00" * (64 * 1024)
_DOWNLOAD = Operation(
    method="GET", path="/download", operation_id="download", response_kind="binary"
)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def do_GET(self) -> None:
        size = int(self.path.rsplit("=", 1)[1])
        self.send_response(200)
        self.send_header("Content-Type", "application/octet-stream")
        self.send_header("Content-Length", str(size))
        self.end_headers()
        while size > 0:
            piece = _BLOCK[: min(size, len(_BLOCK))]
            self.wfile.write(piece)
            size -= len(piece)


class _Client(SyncClient):
    _config: ClassVar[ClientConfig] = ClientConfig(default_base_url="http://127.0.0.1:9")

    def download(self, size: int) -> bytes:
        return self.request(_DOWNLOAD, extra_query={"size": size})  # type: ignore[no-any-return]


def _peak_mib() -> float:
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--size", type=int, default=1024**3)
    size = parser.parse_args().size
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}"
    before = _peak_mib()
    start = time.perf_counter()
    total = 0
    client = _Client(base_url=base)
    with client, to_streamed_response_wrapper(client.download)(size) as response:
        for chunk in response.iter_bytes():
            total += len(chunk)
    seconds = time.perf_counter() - start
    peak = _peak_mib()
    server.shutdown()
    assert total == size, (total, size)
    print(
        f"{total / 1024**2:.0f} MiB in {seconds:.2f} s ({total / 1024**2 / seconds:.0f} MiB/s); "
        f"peak RSS {peak:.0f} MiB (before the download: {before:.0f} MiB)"
    )


if __name__ == "__main__":
    main()
