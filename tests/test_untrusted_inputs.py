"""Untrusted inputs: what a hostile spec can make oagen read, fetch, print or spend.

A spec, its referenced files and overlays are untrusted. oagen fetches nothing, reads only regular
files under the spec's folder (or the `--root` the user names), prints no control character from
them, and turns parser limits (deep nesting, huge integers, alias bombs) into located errors.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import socket
import subprocess
import sys
import tempfile
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from generator.cli import main
from generator.diagnostics import Diagnostic, Diagnostics, Location, Severity, excerpt, printable
from generator.load.references import load_referenced
from generator.load.sources import LoadError, Sources, read_source

# --- bounded, printable excerpts -------------------------------------------------------------


def test_excerpt_of_an_alias_bomb_is_short_and_quick() -> None:
    value: object = ["lol"]
    for _ in range(60):  # 10**60 leaves when expanded: only a bounded walk can finish
        value = [value] * 10
    text = excerpt(value)
    assert len(text) <= 210
    assert text.startswith("[[[")


def test_excerpt_of_a_long_string_is_truncated() -> None:
    text = excerpt("x" * 10_000)
    assert len(text) <= 210 and text.endswith("...")


def test_excerpt_of_a_huge_integer_does_not_hit_the_digit_limit() -> None:
    assert excerpt(10**5000) == "<an integer of about 5000 digits>"


def test_excerpt_of_a_small_value_is_its_repr() -> None:
    value = {"a": [1, 2.5, None, True], "b": "text"}
    assert excerpt(value) == repr(value)


def test_excerpt_escapes_controls() -> None:
    assert "\x1b" not in excerpt({"\x1b]52;c;aGk=\x07": "\x9b2J"})


@pytest.mark.parametrize(
    "char",
    [
        "\x1b",
        "\x07",
        "\x00",
        "\x7f",
        "\x9b",
        "\x85",
        "\r",
        "\t",
        "\u202e",
        "\u2066",
        "\u2069",
        "\u200f",
        "\u2028",
    ],
)
def test_printable_escapes_every_control(char: str) -> None:
    text = printable(f"a{char}b")
    assert char not in text and text.startswith("a\\") and text.endswith("b")


def test_a_diagnostic_prints_no_control_characters() -> None:
    item = Diagnostic(
        Severity.ERROR,
        "E100",
        "bad key \x1b]52;c;aGk=\x07 here\nsecond line",
        Location("spec\x1b[2J.yaml", "/paths/~1a\x1b[2J"),
        "hint with\nnewline \x9b",
        3,
        4,
    )
    text = item.format()
    assert all(char not in text for char in "\x1b\x07\x9b")
    message, hint = text.split("\n")  # the one raw newline is the hint's
    assert "\\x1b]52;" in message and "spec\\x1b[2J.yaml:3:4" in message
    assert "\\x1b[2J" in message.split("(at #")[1]
    assert hint == "    hint: hint with\\nnewline \\x9b"


# --- harness: the CLI in process, watching what it opens and connects to ---------------------

_WATCH: list[list[tuple[str, str]]] = []  # the open and connect events of the running test


def _audit(event: str, args: tuple[Any, ...]) -> None:
    if _WATCH and event in ("open", "socket.connect"):
        _WATCH[-1].append((event, str(args[0]) if event == "open" else str(args[1])))


sys.addaudithook(_audit)  # a hook cannot be removed: it records only inside `_cli`


@dataclass
class Outcome:
    code: int
    err: str
    opened: list[str]
    connections: list[str]


def _cli(capsys: pytest.CaptureFixture[str], *argv: str) -> Outcome:
    """`oagen ARGV` in this process, with an empty config: every file it opens and every
    connection it makes are recorded (the validator runs in this process for small specs)."""
    _WATCH.append([])
    try:
        code = main([*argv[:1], "--config", str(_empty_config()), *argv[1:]])
    finally:
        events = _WATCH.pop()
    captured = capsys.readouterr()
    assert "Traceback" not in captured.err
    return Outcome(
        code,
        captured.out + captured.err,
        [path for event, path in events if event == "open"],
        [address for event, address in events if event == "socket.connect"],
    )


def _empty_config() -> Path:
    path = Path(tempfile.gettempdir()) / "oagen-untrusted-inputs-empty.toml"
    if not path.is_file():
        path.write_text("[tool.oagen]\n", encoding="utf-8")
    return path


def _subprocess(*argv: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """`oagen ARGV` in a child process, for inputs that could hang it (a FIFO, a slow server):
    the timeout only stops a broken run, it asserts nothing about speed."""
    return subprocess.run(
        [sys.executable, "-m", "generator", *argv[:1], "--config", str(_empty_config()), *argv[1:]],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def _spec(refs: dict[str, str]) -> str:
    """A small valid 3.1 document whose operation `/<name>` answers with the schema `ref`."""
    lines = ["openapi: 3.1.0", 'info: {title: T, version: "1"}', "paths:"]
    for name, ref in refs.items():
        lines += [
            f"  /{name}:",
            "    get:",
            f"      operationId: get_{name}",
            "      responses:",
            '        "200":',
            "          description: ok",
            "          content:",
            "            application/json:",
            "              schema:",
            f"                $ref: {json.dumps(ref)}",
        ]
    return "\n".join(lines) + "\n"


SECRET = "SECRET-TOKEN-4f1c9"


@pytest.fixture
def home(tmp_path: Path) -> Path:
    """A fake home beside the project folder, holding a kube config with a token."""
    kube = tmp_path / "fakehome" / ".kube"
    kube.mkdir(parents=True)
    (kube / "config").write_text(f"users:\n- user:\n    token: {SECRET}\n", encoding="utf-8")
    (tmp_path / "proj").mkdir()
    return tmp_path


def _assert_not_read(outcome: Outcome, secret_file: Path) -> None:
    assert SECRET not in outcome.err
    assert not [
        path for path in outcome.opened if os.path.realpath(path) == os.path.realpath(secret_file)
    ], outcome.opened
    assert outcome.connections == []


# --- local files only under the spec's folder ------------------------------------------------


def test_a_ref_leaving_the_spec_folder_is_refused_unread(
    home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    spec = home / "proj" / "spec.yaml"
    spec.write_text(_spec({"a": "../fakehome/.kube/config#/users/0/user/token"}), encoding="utf-8")
    outcome = _cli(capsys, "validate", str(spec))
    assert outcome.code == 1
    _assert_not_read(outcome, home / "fakehome/.kube/config")
    assert re.search(
        r"spec\.yaml:13:17: error E005 \S*fakehome/\.kube/config is outside the "
        r"folder \$refs may read",
        outcome.err,
    ), outcome.err
    assert "--root DIR" in outcome.err


def test_a_ref_to_an_absolute_path_is_refused_unread(
    home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    secret = home / "fakehome/.kube/config"
    spec = home / "proj" / "spec.yaml"
    spec.write_text(
        _spec({"a": f"{secret}#/users/0/user/token", "b": "/etc/hostname"}), encoding="utf-8"
    )
    outcome = _cli(capsys, "validate", str(spec))
    assert outcome.code == 1
    _assert_not_read(outcome, secret)
    assert not [path for path in outcome.opened if path == "/etc/hostname"]
    assert "spec.yaml:13:17: error E005 $ref to the absolute path" in outcome.err
    assert "spec.yaml:23:17: error E005 $ref to the absolute path '/etc/hostname'" in outcome.err


def test_a_file_url_ref_is_refused_unread(home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    secret = home / "fakehome/.kube/config"
    spec = home / "proj" / "spec.yaml"
    spec.write_text(_spec({"a": secret.as_uri() + "#/users/0/user/token"}), encoding="utf-8")
    outcome = _cli(capsys, "validate", str(spec))
    assert outcome.code == 1
    _assert_not_read(outcome, secret)
    assert "spec.yaml:13:17: error E005 $ref to the URL 'file://" in outcome.err


def test_a_symlink_leading_out_of_the_spec_folder_is_refused_unread(
    home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (home / "proj" / "linked").symlink_to(home / "fakehome")
    spec = home / "proj" / "spec.yaml"
    spec.write_text(_spec({"a": "linked/.kube/config#/users/0/user/token"}), encoding="utf-8")
    outcome = _cli(capsys, "validate", str(spec))
    assert outcome.code == 1
    _assert_not_read(outcome, home / "fakehome/.kube/config")
    assert "spec.yaml:13:17: error E005" in outcome.err


def test_root_widens_the_folder_refs_may_read(
    home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (home / "common").mkdir()
    (home / "common" / "pet.yaml").write_text("Pet:\n  type: object\n", encoding="utf-8")
    spec = home / "proj" / "spec.yaml"
    spec.write_text(_spec({"a": "../common/pet.yaml#/Pet"}), encoding="utf-8")
    refused = _cli(capsys, "validate", str(spec))
    assert refused.code == 1 and "E005" in refused.err
    allowed = _cli(capsys, "validate", str(spec), "--root", str(home))
    assert allowed.code == 0, allowed.err
    assert "E005" not in allowed.err and "W101" not in allowed.err
    # the harness sees the file being opened when it is allowed (so its absence above counts)
    pet = os.path.realpath(home / "common" / "pet.yaml")
    assert pet in [os.path.realpath(path) for path in allowed.opened]
    assert pet not in [os.path.realpath(path) for path in refused.opened]


def test_root_from_the_config_file(home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (home / "common").mkdir()
    (home / "common" / "pet.yaml").write_text("Pet:\n  type: object\n", encoding="utf-8")
    spec = home / "proj" / "spec.yaml"
    spec.write_text(_spec({"a": "../common/pet.yaml#/Pet"}), encoding="utf-8")
    config = home / "oagen.toml"  # the project's top folder, above the spec's
    config.write_text('[tool.oagen]\nroot = "."\n', encoding="utf-8")
    code = main(["validate", str(spec), "--config", str(config)])
    err = capsys.readouterr().err
    assert code == 0 and "E005" not in err, err


@pytest.mark.parametrize("root", ["..", "/", "../fakehome", "link-out"])
def test_a_config_root_may_not_leave_the_config_folder(
    home: Path, root: str, capsys: pytest.CaptureFixture[str]
) -> None:
    # A config travels with a pull request; only the command line may widen reads beyond it.
    (home / "proj" / "link-out").symlink_to(home / "fakehome")
    spec = home / "proj" / "spec.yaml"
    spec.write_text(_spec({"a": "../fakehome/.kube/config#/users/0/user/token"}), encoding="utf-8")
    config = home / "proj" / "oagen.toml"
    config.write_text(f'[tool.oagen]\nroot = "{root}"\n', encoding="utf-8")
    code = main(["validate", str(spec), "--config", str(config)])
    err = capsys.readouterr().err
    assert code == 2, err
    assert "oagen.toml:2:1: error E010 `root`" in err and "--root DIR" in err
    assert SECRET not in err


def test_an_overlay_the_user_names_is_read_wherever_it_is(
    home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    overlay = home / "fakehome" / "overlay.yaml"
    overlay.write_text(
        'overlay: 1.0.0\ninfo: {title: o, version: "1"}\nactions:\n'
        "- target: $.info\n  update: {description: from the overlay}\n",
        encoding="utf-8",
    )
    spec = home / "proj" / "spec.yaml"
    spec.write_text(_spec({}), encoding="utf-8")
    outcome = _cli(capsys, "validate", str(spec), "--overlay", str(overlay))
    assert outcome.code == 0, outcome.err


def test_a_fifo_is_refused_without_being_opened(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "pipe.yaml")  # no writer: opening it for reading would wait forever
    (tmp_path / "spec.yaml").write_text(_spec({"a": "pipe.yaml#/Pet"}), encoding="utf-8")
    done = _subprocess("validate", "spec.yaml", cwd=tmp_path)
    assert done.returncode == 1, done.stderr
    assert "spec.yaml:13:17: error E005 pipe.yaml is not a regular file" in done.stderr
    assert "Traceback" not in done.stderr


@pytest.mark.parametrize("device", ["/dev/zero", "/dev/stdin"])
def test_a_device_is_refused_even_under_a_wide_root(tmp_path: Path, device: str) -> None:
    if not os.path.exists(device):
        pytest.skip(f"{device} does not exist here")
    (tmp_path / "device.yaml").symlink_to(device)
    (tmp_path / "spec.yaml").write_text(_spec({"a": "device.yaml#/Pet"}), encoding="utf-8")
    done = _subprocess("validate", "spec.yaml", "--root", "/", cwd=tmp_path)
    assert done.returncode == 1, done.stderr
    assert "spec.yaml:13:17: error E005" in done.stderr and "not a regular file" in done.stderr
    assert "Traceback" not in done.stderr


def test_a_file_over_the_size_cap_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "big.yaml"
    path.write_text("a: " + "x" * 200 + "\n", encoding="utf-8")
    diagnostics = Diagnostics()
    with pytest.raises(LoadError):
        read_source(path, "big.yaml", diagnostics, max_bytes=100)
    (item,) = diagnostics
    assert item.code == "E006" and "larger than" in item.message


def test_the_size_cap_applies_to_referenced_files(tmp_path: Path) -> None:
    (tmp_path / "big.yaml").write_text("Pet: {type: object}\n" + "#" * 500 + "\n", encoding="utf-8")
    (tmp_path / "spec.yaml").write_text(_spec({"a": "big.yaml#/Pet"}), encoding="utf-8")
    diagnostics = Diagnostics()
    sources = Sources(tmp_path, diagnostics, max_bytes=300)
    root = sources.load(tmp_path / "spec.yaml")
    assert load_referenced(sources, root) == []
    assert [item.code for item in diagnostics] == ["E006"]
    location = diagnostics.items[0].location
    assert (
        location is not None
        and location.pointer == "/paths/~1a/get/responses/200/content/application~1json/schema/$ref"
    )


# --- no network ----------------------------------------------------------------------------------


class CountingServer:
    """A TCP server on 127.0.0.1 that counts connections; with `drip`, it answers an HTTP
    request with one byte at a time, slowly, and never finishes."""

    def __init__(self, drip: bool) -> None:
        self.connections = 0
        self.drip = drip
        self.stopping = threading.Event()
        self.socket = socket.create_server(("127.0.0.1", 0))
        self.socket.settimeout(0.2)
        self.port = self.socket.getsockname()[1]
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def _serve(self) -> None:
        while not self.stopping.is_set():
            try:
                connection, _ = self.socket.accept()
            except TimeoutError:
                continue
            self.connections += 1
            threading.Thread(target=self._answer, args=(connection,), daemon=True).start()

    def _answer(self, connection: socket.socket) -> None:
        with connection, contextlib.suppress(OSError):
            connection.recv(65536)
            if not self.drip:
                body = b'{"Pet": {"type": "object"}}'
                connection.sendall(
                    b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                    b"Content-Length: %d\r\n\r\n%s" % (len(body), body)
                )
                return
            connection.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 1000000\r\n\r\n")
            while not self.stopping.wait(0.5):
                connection.sendall(b" ")

    def stop(self) -> None:
        self.stopping.set()
        self.thread.join()
        self.socket.close()


@pytest.fixture(params=[False, True], ids=["answering", "dripping"])
def server(request: pytest.FixtureRequest) -> Iterator[CountingServer]:
    running = CountingServer(drip=request.param)
    yield running
    running.stop()


def _remote_spec(server: CountingServer) -> str:
    """References to the server everywhere a validator or resolver could follow one: a schema
    `$ref`, a `$ref` resolved against a schema's `$id`, a `$schema`, a `$dynamicRef`, a
    parameter and a path item."""
    text = _spec({"a": server.url("/pet.json#/Pet"), "b": f"//127.0.0.1:{server.port}/x.json"})
    return (
        text
        + f"""\
components:
  schemas:
    WithId:
      $id: {server.url("/base/")}
      properties:
        pet: {{$ref: "pet.json#/Pet"}}
    WithDialect:
      $schema: {server.url("/dialect")}
      type: object
    Dynamic:
      $dynamicRef: {server.url("/dyn.json#meta")}
  parameters:
    Remote:
      $ref: {server.url("/param.json")}
  pathItems:
    Remote:
      $ref: {server.url("/path.json")}
"""
    )


@pytest.mark.parametrize("command", ["validate", "generate"])
def test_remote_refs_are_reported_and_never_fetched(
    tmp_path: Path, server: CountingServer, command: str
) -> None:
    (tmp_path / "spec.yaml").write_text(_remote_spec(server), encoding="utf-8")
    extra = ["-o", "client", "--package", "client"] if command == "generate" else []
    done = _subprocess(command, "spec.yaml", *extra, cwd=tmp_path)
    assert "Traceback" not in done.stderr
    assert server.connections == 0, done.stderr
    assert re.search(
        r"^spec\.yaml:13:17: warning W204 remote \$ref 'http://127\.0\.0\.1:\d+"
        r"/pet\.json' was not fetched",
        done.stderr,
        re.MULTILINE,
    ), done.stderr
    assert re.search(
        r"^spec\.yaml:23:17: warning W204 remote \$ref '//127", done.stderr, re.MULTILINE
    ), done.stderr


def test_the_validator_fetches_nothing_in_process(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    running = CountingServer(drip=False)
    try:
        (tmp_path / "spec.yaml").write_text(_remote_spec(running), encoding="utf-8")
        outcome = _cli(capsys, "validate", str(tmp_path / "spec.yaml"))
    finally:
        running.stop()
    assert running.connections == 0 and outcome.connections == [], outcome.err


# --- parse-level bounds --------------------------------------------------------------------------

_HEAD_YAML = 'openapi: 3.1.0\ninfo: {title: T, version: "1"}\npaths: {}\n'
_HEAD_JSON = '{"openapi": "3.1.0", "info": {"title": "T", "version": "1"}, "paths": {},\n'


def _billion_laughs(levels: int) -> str:
    lines = [
        _HEAD_YAML + "components:",
        "  schemas:",
        '    L0: &l0 {type: string, enum: ["lol", "lol", "lol", "lol", "lol"]}',
    ]
    lines += [
        f"    L{level}: &l{level} [{', '.join([f'*l{level - 1}'] * 10)}]"
        for level in range(1, levels + 1)
    ]
    return "\n".join(lines) + "\n"


def _deep_block_yaml(levels: int) -> str:
    return (
        _HEAD_YAML
        + "x-deep:\n"
        + "".join("  " * (level + 1) + f"k{level}:\n" for level in range(levels))
        + "  " * (levels + 1)
        + "v: 1\n"
    )


ATTACKS = {
    # name: (file name, text, expected diagnostic at the start of a line of stderr)
    "json nested past the parser's recursion limit": (
        "spec.json",
        _HEAD_JSON + '"x-deep": ' + "[" * 100_000 + "]" * 100_000 + "}\n",
        "spec.json:2:266: error E007 the document nests more than 256 levels deep",
    ),
    "json nested past the bound": (
        "spec.json",
        _HEAD_JSON + '"x-deep": ' + "[" * 300 + "]" * 300 + "}\n",
        "spec.json:2:266: error E007",
    ),
    "yaml flow nested deep": (
        "spec.yaml",
        _HEAD_YAML + "x-deep: " + "[" * 100_000 + "]" * 100_000 + "\n",
        "spec.yaml:4:",
    ),
    "yaml block nested deep": (
        "spec.yaml",
        _deep_block_yaml(1000),
        "spec.yaml:260:513: error E007",
    ),
    "json 5000-digit integer": (
        "spec.json",
        _HEAD_JSON + '"x-n": ' + "9" * 5000 + "}\n",
        "spec.json:2:8: error E009 an integer of 5000 digits",
    ),
    "yaml 5000-digit integer": (
        "spec.yaml",
        _HEAD_YAML + "x-n: " + "9" * 5000 + "\n",
        "spec.yaml:4:6: error E009 an integer of 5000 digits",
    ),
    "yaml 5000-digit integer key": (
        "spec.yaml",
        _HEAD_YAML + "x-n:\n  " + "9" * 5000 + ": 1\n",
        "spec.yaml:",
    ),
    "yaml 5000-digit integer in a flow list": (
        "spec.yaml",
        _HEAD_YAML + "x-n: [1, " + "9" * 5000 + "]\n",
        "spec.yaml:4:10: error E009",
    ),
    "yaml billion laughs": (
        "spec.yaml",
        _billion_laughs(9),
        "spec.yaml:7:14: error E008 YAML aliases expand the document",
    ),
    "yaml alias containing itself": (
        "spec.yaml",
        _HEAD_YAML + "x-self: &self\n  again: *self\n",
        "spec.yaml:",
    ),
    "yaml list alias containing itself": (
        "spec.yaml",
        _HEAD_YAML + "x-self: &self\n  - *self\n",
        "spec.yaml:",
    ),
}


@pytest.mark.parametrize("attack", list(ATTACKS))
@pytest.mark.parametrize("command", ["validate", "generate"])
def test_an_attack_ends_in_a_located_error(tmp_path: Path, attack: str, command: str) -> None:
    name, text, expected = ATTACKS[attack]
    (tmp_path / name).write_text(text, encoding="utf-8")
    extra = ["-o", "client", "--package", "client"] if command == "generate" else []
    done = _subprocess(command, name, *extra, cwd=tmp_path)
    assert "Traceback" not in done.stderr, done.stderr[-3000:]
    assert done.returncode == 1, done.stderr[-3000:]
    assert any(line.startswith(expected) for line in done.stderr.splitlines()), done.stderr[-3000:]
    assert not (tmp_path / "client").exists()


def test_the_alias_bound_leaves_modest_reuse_alone(tmp_path: Path) -> None:
    (tmp_path / "spec.yaml").write_text(_billion_laughs(3), encoding="utf-8")  # 1,000 copies
    diagnostics = Diagnostics()
    source = read_source(tmp_path / "spec.yaml", "spec.yaml", diagnostics)
    assert not diagnostics.has_errors
    schemas = source.data["components"]["schemas"]
    assert schemas["L3"][0] is schemas["L2"]  # shared, as PyYAML builds aliases


def test_nesting_at_the_bound_is_read(tmp_path: Path) -> None:
    (tmp_path / "spec.json").write_text(
        _HEAD_JSON + '"x-deep": ' + "[" * 254 + "]" * 254 + "}\n", encoding="utf-8"
    )
    (tmp_path / "spec.yaml").write_text(_deep_block_yaml(250), encoding="utf-8")
    for name in ("spec.json", "spec.yaml"):
        diagnostics = Diagnostics()
        read_source(tmp_path / name, name, diagnostics)
        assert not diagnostics.has_errors


def test_integers_up_to_the_bound_are_read(tmp_path: Path) -> None:
    (tmp_path / "spec.json").write_text(
        _HEAD_JSON + '"x-n": ' + "9" * 4300 + "}\n", encoding="utf-8"
    )
    source = read_source(tmp_path / "spec.json", "spec.json", Diagnostics())
    assert source.data["x-n"] == 10**4300 - 1


# --- nothing a spec holds can act on a terminal ---------------------------------------------------

OSC52 = "\x1b]52;c;cm0gLXJmIH4=\x07"  # sets the clipboard
CLEAR = "\x1b[2J"  # clears the screen
CSI = "\x9b2J"  # the same, as one C1 control


def test_no_control_character_reaches_the_terminal(tmp_path: Path) -> None:
    name = f"spec{OSC52}.json"
    key = f"/pets{CLEAR}{CSI}"
    document = {
        "openapi": "3.1.0",
        "info": {"title": f"T{OSC52}", "version": "1"},
        "paths": {
            key: {
                "get": {
                    "description": OSC52,
                    "responses": {
                        "200": {
                            "description": "ok",
                            "content": {
                                "application/json": {
                                    "schema": {"$ref": f"#/components/schemas/Nope{CLEAR}"}
                                }
                            },
                        }
                    },
                }
            }
        },
        "components": {"schemas": {f"Odd{OSC52}": {"type": f"strin{CLEAR}"}}},
    }
    (tmp_path / name).write_text(json.dumps(document), encoding="utf-8")
    for command in (["validate", name], ["generate", name, "-o", "out", "--package", "pets"]):
        done = _subprocess(*command, cwd=tmp_path)
        assert "Traceback" not in done.stderr, done.stderr
        assert "I401" in done.stderr and "W201" in done.stderr, done.stderr  # located at the key
        text = done.stdout + done.stderr
        controls = sorted(
            {
                char
                for char in text
                if char != "\n" and (ord(char) < 0x20 or 0x7F <= ord(char) <= 0x9F)
            }
        )
        assert controls == [], (controls, done.stderr)
        assert "\\x1b]52;" in done.stderr and "\\x1b[2J" in done.stderr


def test_a_large_spec_validated_in_a_child_gets_its_referenced_files(tmp_path: Path) -> None:
    """`generate` validates in a child process: the files the spec
    refers to travel with the document, so the child reads no file and still checks them."""
    (tmp_path / "parts").mkdir()
    (tmp_path / "parts" / "pet.yaml").write_text(
        "Pet:\n  type: object\n  properties:\n    name:\n      type: strin\n", encoding="utf-8"
    )
    text = _spec({"a": "parts/pet.yaml#/Pet"})
    text = text.replace(
        'info: {title: T, version: "1"}',
        'info: {title: T, version: "1", description: "' + "x" * 120_000 + '"}',
    )
    (tmp_path / "spec.yaml").write_text(text, encoding="utf-8")
    done = _subprocess("generate", "spec.yaml", "-o", "out", "--package", "pets", cwd=tmp_path)
    assert "Traceback" not in done.stderr
    assert "parts/pet.yaml:5:7: warning W100 spec violation" in done.stderr, done.stderr
    assert "W101" not in done.stderr, done.stderr


@pytest.mark.parametrize(
    ("ref", "expected"),
    [
        ("..%2Ffakehome%2F.kube%2Fconfig#/users/0/user/token", "is outside the folder"),
        ("%2E%2E/fakehome/.kube/config", "is outside the folder"),
        ("%2Fetc%2Fhostname", "absolute path"),
        ("parts%00.yaml", "NUL character"),
        ("FILE:///etc/hostname", "$ref to the URL"),
    ],
)
def test_encoded_escapes_are_refused_too(
    home: Path, capsys: pytest.CaptureFixture[str], ref: str, expected: str
) -> None:
    spec = home / "proj" / "spec.yaml"
    spec.write_text(_spec({"a": ref}), encoding="utf-8")
    outcome = _cli(capsys, "validate", str(spec))
    assert outcome.code == 1
    _assert_not_read(outcome, home / "fakehome/.kube/config")
    assert "spec.yaml:13:17: error E005" in outcome.err and expected in outcome.err, outcome.err


def test_a_referenced_file_cannot_lead_out_either(
    home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (home / "proj" / "parts").mkdir()
    (home / "proj" / "parts" / "pet.yaml").write_text(
        "Pet:\n  $ref: '../../fakehome/.kube/config#/users/0/user/token'\n", encoding="utf-8"
    )
    spec = home / "proj" / "spec.yaml"
    spec.write_text(_spec({"a": "parts/pet.yaml#/Pet"}), encoding="utf-8")
    outcome = _cli(capsys, "validate", str(spec))
    assert outcome.code == 1
    _assert_not_read(outcome, home / "fakehome/.kube/config")
    assert "parts/pet.yaml:2:3: error E005" in outcome.err, outcome.err


def test_a_swagger_2_ref_leaving_the_folder_is_refused_unread(
    home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    spec = home / "proj" / "swagger.yaml"
    spec.write_text(
        'swagger: "2.0"\ninfo: {title: T, version: "1"}\npaths:\n  /a:\n    get:\n'
        "      operationId: getA\n      responses:\n        200:\n          description: ok\n"
        "          schema:\n            $ref: '../fakehome/.kube/config#/users/0/user/token'\n",
        encoding="utf-8",
    )
    for command in (
        ["validate", str(spec)],
        ["generate", str(spec), "-o", str(home / "out"), "--package", "a"],
    ):
        outcome = _cli(capsys, *command)
        assert outcome.code == 1
        _assert_not_read(outcome, home / "fakehome/.kube/config")
        assert "swagger.yaml:11:13: error E005" in outcome.err, outcome.err


def test_root_widens_and_never_narrows(home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (home / "proj" / "pet.yaml").write_text("Pet:\n  type: object\n", encoding="utf-8")
    (home / "elsewhere").mkdir()
    spec = home / "proj" / "spec.yaml"
    spec.write_text(_spec({"a": "pet.yaml#/Pet"}), encoding="utf-8")
    outcome = _cli(capsys, "validate", str(spec), "--root", str(home / "elsewhere"))
    assert outcome.code == 0 and "E005" not in outcome.err, outcome.err
