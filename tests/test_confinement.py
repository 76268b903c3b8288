"""End to end: a run on a hostile spec touches no network and opens no file outside the spec's root.

Each case runs `oagen generate` in a fresh interpreter under a `sys.audit` hook
(`tests/support/audited.py`: every `open`, `socket.connect` and name lookup, the forked validation
child's included), beside a local HTTP server that counts what it is asked. The
spec refers to a secret outside its folder, by every route a `$ref` offers; the run must report
each reference at its line, never read the secret, never print it and never open a socket. A large
variant of every spec makes the validator run in its background child, which must obey the same
rules.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.audited import run_oagen
from tests.support.counting_server import counting_server

SECRET = "s3cr3t-token-7f1e0c"


@pytest.fixture(scope="module")
def server() -> Iterator[tuple[str, list[str]]]:
    body = json.dumps({"type": "object", "description": SECRET}).encode()
    with counting_server(body) as (url, hits):
        yield url, hits


def _spec(ref: str, padding: int) -> str:
    # The $ref sits on line 20, in a schema an operation returns, so builder and validator both
    # meet it.
    return f"""\
openapi: 3.1.0
info:
  title: Confined
  version: 1.0.0
  description: "{"x" * padding}"
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
@pytest.mark.parametrize(
    "route",
    ["parent", "absolute", "file-url", "http", "https", "protocol-relative", "device", "symlink"],
)
def test_refs_outside_the_root_are_refused_unread(
    route: str, padding: int, tmp_path: Path, server: tuple[str, list[str]]
) -> None:
    url, hits = server
    before = len(hits)
    ref = _targets(tmp_path, url)[route]
    project = tmp_path / "project"
    project.mkdir()
    (project / "inside-link.yaml").symlink_to(tmp_path / "outside" / "config.yaml")
    spec = project / "openapi.yaml"
    spec.write_text(_spec(ref, padding), encoding="utf-8")
    (project / "pyproject.toml").write_text("[project]\nname = 'scratch'\n", encoding="utf-8")
    run = run_oagen(
        ["generate", str(spec), "-o", str(project / "out"), "--package", "confined"],
        project,
        timeout=120,
    )
    printed = run.output
    assert run.returncode is not None, "timed out"
    assert "Traceback" not in printed, printed
    assert SECRET not in printed
    assert len(hits) == before, f"the run sent {hits[before:]} to the local server"
    assert run.network == (), run.network
    forbidden = (
        str((tmp_path / "outside").resolve()),
        "/dev/zero",
        str(project / "inside-link.yaml"),
    )
    opened = [path for path in run.opened if path.startswith(forbidden)]
    assert opened == [], opened
    # Reported where it is written, at the $ref's own line, with what to do. A remote reference
    # is loosened to Any (a warning: generation goes on without it); a local file outside the
    # root is an error, and nothing is written.
    remote = route in REMOTE
    severity = "warning" if remote else "error"
    located = re.search(rf"openapi\.yaml:20:\d+: {severity} [EW]\d{{3}} .*", printed)
    assert located is not None, printed
    assert "hint:" in printed[located.start() :]
    assert run.returncode == (0 if remote else 1)
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
        run = run_oagen(
            ["generate", str(spec), "-o", str(work / "out"), "--package", "confined"], work
        )
        assert run.returncode == 0, run.output
        assert run.network == ()
        assert run.opened_outside([spec.parent.resolve(), spec.parent, work]) == []
