"""End to end: a run on a hostile spec touches no network and opens no file outside the spec's root.

Each case runs `oagen generate` in a fresh interpreter with a `sys.audit` hook (the standard
library's own record of every `open`, `socket.connect` and name lookup, inherited by the forked
validation child) writing to a log, beside a local HTTP server that counts what it is asked. The
spec refers to a secret outside its folder, by every route a `$ref` offers; the run must report
each reference at its line, never read the secret, never print it and never open a socket. A large
variant of every spec makes the validator run in its background child, which must obey the same
rules.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SECRET = "s3cr3t-token-7f1e0c"

# Installed before the generator is imported; os.write on a descriptor opened beforehand raises
# no audit event of its own, so the hook never recurses.
_AUDITED_RUN = """
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


class _Counter(BaseHTTPRequestHandler):
    hits: list[str]

    def do_GET(self) -> None:
        self.hits.append(self.path)
        body = json.dumps({"type": "object", "description": SECRET}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def server() -> Iterator[tuple[str, list[str]]]:
    hits: list[str] = []
    handler = type("Handler", (_Counter,), {"hits": hits})
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}", hits
    finally:
        httpd.shutdown()
        httpd.server_close()


def _spec(ref: str, padding: int) -> str:
    # The $ref sits on line 20, in a schema an operation returns, so builder and validator both
    # meet it.
    return f"""\
openapi: 3.1.0
info:
  title: Confined
  version: 1.0.0
  description: "{'x' * padding}"
paths:
  /things:
    get:
      operationId: listThings
      responses:
        "200":
          description: ok
          content:
            application/json:
              schema:
                $ref: "#/components/schemas/Thing"
components:
  schemas:
    Thing:
      $ref: "{ref}"
"""


def _targets(tmp: Path, url: str) -> dict[str, str]:
    outside = tmp / "outside"
    outside.mkdir()
    secret = outside / "config.yaml"
    secret.write_text(f"users:\n  - user:\n      token: {SECRET}\n", encoding="utf-8")
    return {
        "parent": "../outside/config.yaml#/users/0/user/token",
        "absolute": f"{secret}#/users/0/user/token",
        "file-url": f"{secret.as_uri()}#/users/0/user/token",
        "http": f"{url}/schema.json",
        "https": "https://127.0.0.1:9/schema.json",
        "protocol-relative": "//127.0.0.1:9/schema.json",
        "device": "/dev/zero",
        "symlink": "inside-link.yaml#/users/0/user/token",
    }


REMOTE = {"http", "https", "protocol-relative"}


@pytest.mark.parametrize("padding", [0, 150_000], ids=["inline-validation", "background"])
@pytest.mark.parametrize("route", ["parent", "absolute", "file-url", "http", "https",
                                   "protocol-relative", "device", "symlink"])
def test_refs_outside_the_root_are_refused_unread(route: str, padding: int, tmp_path: Path,
                                                  server: tuple[str, list[str]]) -> None:
    url, hits = server
    before = len(hits)
    ref = _targets(tmp_path, url)[route]
    project = tmp_path / "project"
    project.mkdir()
    (project / "inside-link.yaml").symlink_to(tmp_path / "outside" / "config.yaml")
    spec = project / "openapi.yaml"
    spec.write_text(_spec(ref, padding), encoding="utf-8")
    (project / "pyproject.toml").write_text("[project]\nname = 'scratch'\n", encoding="utf-8")
    log = tmp_path / "audit.log"
    log.touch()
    env = {**os.environ, "OAGEN_CACHE_DIR": "off", "PYTHONPATH": str(REPO)}
    result = subprocess.run(
        [sys.executable, "-c", _AUDITED_RUN, str(log), "generate", str(spec),
         "-o", str(project / "out"), "--package", "confined"],
        cwd=project, env=env, capture_output=True, text=True, timeout=120, check=False,
    )
    printed = result.stdout + result.stderr
    assert "Traceback" not in printed, printed
    assert SECRET not in printed
    assert len(hits) == before, f"the run sent {hits[before:]} to the local server"
    events = log.read_text(encoding="utf-8").splitlines()
    network = [e for e in events if e.startswith("socket.")]
    assert network == [], network
    outside = str((tmp_path / "outside").resolve())
    forbidden = (outside, "/dev/zero", str(project / "inside-link.yaml"))
    opened = [e for e in events if e.startswith("open\t") and e[5:].startswith(forbidden)]
    assert opened == [], opened
    # Reported where it is written, at the $ref's own line, with what to do. A remote reference
    # is loosened to Any (a warning: generation goes on without it); a local file outside the
    # root is an error, and nothing is written.
    remote = route in REMOTE
    severity = "warning" if remote else "error"
    located = re.search(rf"openapi\.yaml:20:\d+: {severity} [EW]\d{{3}} .*", printed)
    assert located is not None, printed
    assert "hint:" in printed[located.start():]
    assert result.returncode == (0 if remote else 1)
    assert (project / "out").exists() == remote


def test_real_descriptions_open_nothing_outside_their_inputs(tmp_path: Path) -> None:
    """The showcase and, where the corpus is present, the full OpenRouter description: no socket,
    and no file opened but the spec's folder, the output's folder, the tool and Python's own."""
    from tests.conftest import CORPUS, SPEC

    specs = [SPEC]
    if (CORPUS / "openrouter" / "openapi.yaml").is_file():
        specs.append(CORPUS / "openrouter" / "openapi.yaml")
    for index, spec in enumerate(specs):
        work = tmp_path / str(index)
        work.mkdir()
        log = work / "audit.log"
        log.touch()
        out = work / "out"
        env = {**os.environ, "OAGEN_CACHE_DIR": "off", "PYTHONPATH": str(REPO)}
        result = subprocess.run(
            [sys.executable, "-c", _AUDITED_RUN, str(log), "generate", str(spec), "-o", str(out),
             "--package", "confined"],
            cwd=work, env=env, capture_output=True, text=True, timeout=300, check=False,
        )
        assert result.returncode == 0, result.stderr
        events = log.read_text(encoding="utf-8").splitlines()
        assert [e for e in events if e.startswith("socket.")] == []
        allowed = tuple(str(p) for p in {
            spec.parent.resolve(), spec.parent, work, REPO, Path(sys.prefix), Path(sys.base_prefix),
            Path(sys.exec_prefix), Path(sys.base_exec_prefix)})
        # urllib's file: handler reads the system's MIME table when openapi-spec-validator opens
        # its own bundled meta-schemas; no spec decides that read.
        opened = sorted({e[5:] for e in events if e.startswith("open\t")}
                        - {"/dev/null", "/etc/mime.types"})
        # Relative names are the import system's own markers (an editable install's path hook).
        outside = [path for path in opened if path.startswith("/")
                   and not path.startswith(allowed) and not path.startswith("/proc/")]
        assert outside == [], outside
