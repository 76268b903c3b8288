"""Run `oagen` in a fresh interpreter under a `sys.audit` hook and report what it touched.

The hook is the standard library's own record of every file `open`, `socket.connect` and name
lookup (PEP 578). It is installed before the generator is imported and is inherited by the forked
validation child; it writes with `os.write` on a descriptor opened beforehand, which raises no
audit event of its own, so the hook never recurses. Used by `tests/test_confinement.py` and
`scripts/confinement.py`.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]

_PROGRAM = """
import os, sys
log = os.open(sys.argv[1], os.O_WRONLY | os.O_APPEND)
def hook(event, args):
    if event == "open" and isinstance(args[0], (str, bytes)):
        os.write(log, ("open\\t" + os.fsdecode(args[0]) + "\\n").encode("utf-8", "replace"))
    elif event in ("socket.connect", "socket.getaddrinfo", "socket.gethostbyname"):
        os.write(log, (event + "\\t" + repr(args[1:]) + "\\n").encode("utf-8", "replace"))
sys.addaudithook(hook)
from generator.cli import main
raise SystemExit(main(sys.argv[2:]))
"""

# Reads no spec decides: urllib's file: handler loads the system's MIME table when
# openapi-spec-validator opens its own bundled meta-schemas.
_SYSTEM_READS = frozenset({"/dev/null", "/etc/mime.types"})


@dataclass(frozen=True)
class Audited:
    returncode: int | None  # None: timed out
    output: str  # stdout and stderr
    opened: tuple[str, ...]  # absolute paths, in order, repeats removed
    network: tuple[str, ...]  # socket events

    def opened_outside(self, allowed: Iterable[Path]) -> list[str]:
        """Absolute paths opened outside `allowed` folders, Python's own and the repository."""
        roots = {str(p) for p in allowed} | {str(REPO)}
        roots |= {sys.prefix, sys.base_prefix, sys.exec_prefix, sys.base_exec_prefix}
        prefixes = tuple(roots)
        return [
            path
            for path in self.opened
            if path not in _SYSTEM_READS
            and not path.startswith("/proc/")
            and not path.startswith(prefixes)
        ]


def run_oagen(
    args: Sequence[str], cwd: Path, *, timeout: float = 300, env: dict[str, str] | None = None
) -> Audited:
    """`oagen ARGS` in `cwd`, with an empty cache unless `env` says otherwise."""
    handle, log_name = tempfile.mkstemp(prefix="oagen-audit-", suffix=".log")
    os.close(handle)
    log = Path(log_name)
    environment = {**os.environ, "OAGEN_CACHE_DIR": "off", "PYTHONPATH": str(REPO), **(env or {})}
    try:
        try:
            result = subprocess.run(
                [sys.executable, "-c", _PROGRAM, str(log), *args],
                cwd=cwd,
                env=environment,
                capture_output=True,
                text=True,
                timeout=timeout,
                check=False,
            )
            code: int | None = result.returncode
            output = result.stdout + result.stderr
        except subprocess.TimeoutExpired as exc:
            code, output = None, _text(exc.stdout) + _text(exc.stderr)
        events = log.read_text(encoding="utf-8").splitlines()
    finally:
        log.unlink(missing_ok=True)
    # Relative names are the import system's own markers (an editable install's path hook).
    opened = dict.fromkeys(e[5:] for e in events if e.startswith("open\t") and e[5:6] == "/")
    network = tuple(e for e in events if e.startswith("socket."))
    return Audited(code, output, tuple(opened), network)


def _text(value: str | bytes | None) -> str:
    if value is None:
        return ""
    return value if isinstance(value, str) else value.decode("utf-8", "replace")
