"""Attacks on the reading side: what a hostile spec, file name or git history makes oagen do.

Each test is one attack that got through before its fix: it must now end in a located diagnostic,
within bounds, writing and reading nothing outside the folders it may use.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parents[1]

_SPEC = """\
openapi: 3.1.0
info: {title: T, version: '1'}
paths: {}
components:
  schemas:
    A: {type: string}
"""


def _oagen(
    *args: str, cwd: Path, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "generator", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        env={**os.environ, "OAGEN_CACHE_DIR": "off", "PYTHONPATH": str(REPO), **(env or {})},
        check=False,
        timeout=120,
    )


def _git(cwd: Path, *args: str, stdin: str | None = None) -> str:
    return subprocess.run(
        ["git", *args], cwd=cwd, input=stdin, capture_output=True, text=True, check=True
    ).stdout.strip()


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    folder = tmp_path / "repo"
    folder.mkdir()
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path))
    _git(folder, "init", "-q")
    _git(folder, "config", "user.email", "a@example.com")
    _git(folder, "config", "user.name", "a")
    (folder / "spec").mkdir()
    (folder / "spec" / "openapi.yaml").write_text(_SPEC, encoding="utf-8")
    _git(folder, "add", ".")
    _git(folder, "commit", "-q", "-m", "one")
    return folder


# --- git history ----------------------------------------------------------------------------


def test_a_tree_entry_named_dotdot_writes_nothing_outside_the_revision_folder(
    repo: Path, tmp_path: Path
) -> None:
    # git builds and lists trees holding an entry named `..`: spec/../../../escaped.yaml at this
    # commit, written under TMPDIR/oagen-rev-*/, would land in tmp_path.
    blob = _git(repo, "hash-object", "-w", "--stdin", stdin="type: string\n")
    spec = _git(repo, "hash-object", "-w", "spec/openapi.yaml")
    tree = _git(repo, "mktree", stdin=f"100644 blob {blob}\tescaped.yaml\n")
    for _ in range(2):
        tree = _git(repo, "mktree", stdin=f"040000 tree {tree}\t..\n")
    spec_tree = _git(
        repo, "mktree", stdin=f"100644 blob {spec}\topenapi.yaml\n040000 tree {tree}\t..\n"
    )
    root = _git(repo, "mktree", stdin=f"040000 tree {spec_tree}\tspec\n")
    commit = _git(repo, "commit-tree", root, "-p", "HEAD", "-m", "crafted")
    _git(repo, "update-ref", "refs/heads/crafted", commit)
    assert "spec/../../../escaped.yaml" in _git(repo, "ls-tree", "-r", "--name-only", commit)
    temporary = tmp_path / "t"
    temporary.mkdir()

    done = _oagen(
        "diff",
        "crafted:spec/openapi.yaml",
        "HEAD:spec/openapi.yaml",
        cwd=repo,
        env={"TMPDIR": str(temporary)},
    )

    assert "Traceback" not in done.stderr, done.stderr
    assert done.returncode == 0, done.stderr
    assert not (tmp_path / "escaped.yaml").exists()
    assert sorted(path.name for path in tmp_path.iterdir()) == ["repo", "t"]
    assert list(temporary.iterdir()) == []  # the revision folders are gone too


def test_blobs_are_written_only_up_to_the_size_the_loader_reads(repo: Path, tmp_path: Path) -> None:
    from generator.load.sources import MAX_FILE_BYTES
    from generator.review import gitrev

    big = repo / "spec" / "big.yaml"
    with big.open("w", encoding="utf-8") as stream:
        stream.write("x: '")
        stream.write("a" * (MAX_FILE_BYTES + 10))
        stream.write("'\n")
    _git(repo, "add", ".")
    _git(repo, "commit", "-q", "-m", "big")
    destination = tmp_path / "out"
    destination.mkdir()

    spec = gitrev.materialise("HEAD", "spec/openapi.yaml", destination, cwd=repo)

    assert spec.read_text(encoding="utf-8") == _SPEC
    assert (destination / "spec" / "big.yaml").stat().st_size == MAX_FILE_BYTES + 1


def test_diff_refuses_to_compare_a_spec_whose_refs_were_refused(tmp_path: Path) -> None:
    (tmp_path / "secret.yaml").write_text("type: integer\n", encoding="utf-8")
    project = tmp_path / "project"
    project.mkdir()
    (project / "old.yaml").write_text(_SPEC, encoding="utf-8")
    (project / "new.yaml").write_text(
        _SPEC.replace("{type: string}", "{$ref: '../secret.yaml'}"), encoding="utf-8"
    )

    done = _oagen("diff", "old.yaml", "new.yaml", cwd=project)

    assert done.returncode == 1, done.stdout + done.stderr
    assert "new.yaml:6:" in done.stderr and "E005" in done.stderr
    assert "nothing was compared" in done.stderr
    assert done.stdout == ""  # no "No changes to the generated client."


# --- a file swapped between the check of its real path and the open ---------------------------
# Sources.load checks a $ref's real path, then reads it. Whoever can write in the spec's folder
# can swap in a link between the two; read_source(real_path=True) is handed a path in the state
# such a swap leaves it.


def _secret(tmp_path: Path) -> Path:
    outside = tmp_path / "outside"
    outside.mkdir()
    secret = outside / "secret.yaml"
    secret.write_text("token: s3cr3t\n", encoding="utf-8")
    return secret


@pytest.mark.parametrize("swapped", ["file", "folder"])
def test_a_link_swapped_in_after_the_check_is_not_read(tmp_path: Path, swapped: str) -> None:
    from generator.diagnostics import Diagnostics, Location
    from generator.load.sources import LoadError, read_source

    secret = _secret(tmp_path)
    inside = tmp_path / "spec"
    inside.mkdir()
    if swapped == "file":
        checked = inside / "part.yaml"
        checked.symlink_to(secret)
    else:
        (inside / "parts").symlink_to(secret.parent)
        checked = inside / "parts" / "secret.yaml"
    diagnostics = Diagnostics()
    where = Location("openapi.yaml", "/components/schemas/A/$ref")

    with pytest.raises(LoadError):
        read_source(checked, "part.yaml", diagnostics, where, real_path=True)

    (item,) = diagnostics.items
    assert item.code == "E005" and item.location == where
    assert "changed while it was opened" in item.message


def test_a_real_path_is_read_as_before(tmp_path: Path) -> None:
    from generator.diagnostics import Diagnostics
    from generator.load.sources import read_source

    part = tmp_path / "part.yaml"
    part.write_text("type: string\n", encoding="utf-8")

    source = read_source(Path(os.path.realpath(part)), "part.yaml", Diagnostics(), real_path=True)

    assert source.data == {"type": "string"}


# --- floods of diagnostics -------------------------------------------------------------------


def test_100000_repeated_keys_print_a_bounded_number_of_lines(tmp_path: Path) -> None:
    from generator.diagnostics import SHOWN_PER_CODE

    (tmp_path / "openapi.yaml").write_text(
        "openapi: 3.1.0\ninfo: {title: T, version: '1'}\npaths: {}\nx-a:\n" + "  k: 1\n" * 100_000,
        encoding="utf-8",
    )

    done = _oagen("validate", "openapi.yaml", cwd=tmp_path)

    assert "Traceback" not in done.stderr
    lines = done.stderr.splitlines()
    assert len(lines) < 2 * SHOWN_PER_CODE + 10
    assert sum("W003 duplicate key 'k'" in line for line in lines) == SHOWN_PER_CODE
    assert lines[0].startswith("openapi.yaml:6:3: warning W003")  # located, in order
    assert any(
        line.startswith(f"warning W003 {99_999 - SHOWN_PER_CODE} more W003 diagnostics not shown")
        for line in lines
    )
    assert "99999 warning(s)" in lines[-1]  # every one is still counted


def test_the_cap_is_per_code_and_keeps_the_highest_severity() -> None:
    from generator.diagnostics import SHOWN_PER_CODE, Diagnostics, Location, Severity

    diagnostics = Diagnostics()
    for index in range(SHOWN_PER_CODE + 3):
        diagnostics.warning("W900", f"w{index}", Location("a.yaml", f"/{index}"))
    diagnostics.error("W900", "an error under the same code", Location("a.yaml"))
    diagnostics.warning("W901", "other", Location("a.yaml"))

    shown = diagnostics.located(lambda location: (1, 1))

    assert [item.code for item in shown].count("W901") == 1
    (summary,) = [item for item in shown if item.location is None]
    assert summary.code == "W900" and summary.severity == Severity.ERROR
    assert summary.message.startswith("4 more W900 diagnostics not shown")
    assert shown[-1] is summary


def test_a_key_overriding_a_merged_one_is_not_a_duplicate(tmp_path: Path) -> None:
    from generator.diagnostics import Diagnostics
    from generator.load.sources import read_source

    spec = tmp_path / "openapi.yaml"
    spec.write_text(
        "openapi: 3.1.0\ninfo: {title: T, version: '1'}\npaths: {}\n"
        "x-base: &base {description: base, type: string}\n"
        "components:\n  schemas:\n    A:\n      <<: *base\n      description: mine\n"
        "      type: string\n      type: integer\n",
        encoding="utf-8",
    )
    diagnostics = Diagnostics()

    source = read_source(spec, "openapi.yaml", diagnostics)

    assert source.data["components"]["schemas"]["A"] == {"description": "mine", "type": "integer"}
    assert [(item.code, item.line, item.message) for item in diagnostics.items] == [
        ("W003", 11, "duplicate key 'type'; the last one is used")
    ]


# --- encodings -------------------------------------------------------------------------------

_HEAD = "openapi: 3.1.0\ninfo: {title: T, version: '1'}\npaths: {}\n"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (
            _HEAD.encode("utf-16"),
            "1:1: error E002 openapi.yaml is UTF-16 text (it starts with a UTF-16 byte order mark)",
        ),
        (_HEAD.encode("utf-32"), "1:1: error E002 openapi.yaml is UTF-32 text"),
        (
            _HEAD.encode() + b"x-a: caf\xe9\n",
            "4:9: error E002 openapi.yaml is not UTF-8 text (byte 64, 0xe9,",
        ),
        (
            _HEAD.encode() + b'x-a: "\x00"\n',
            "4:7: error E002 malformed YAML: the character U+0000 is not allowed in YAML",
        ),
        (_HEAD.encode("utf-16-le"), "1:2: error E002 malformed YAML: the character U+0000"),
    ],
    ids=["utf-16", "utf-32", "latin-1", "nul", "utf-16 without a mark"],
)
def test_text_that_is_not_utf8_yaml_is_an_error_at_its_place(
    tmp_path: Path, raw: bytes, expected: str
) -> None:
    from generator.diagnostics import Diagnostics
    from generator.load.sources import LoadError, read_source

    spec = tmp_path / "openapi.yaml"
    spec.write_bytes(raw)
    diagnostics = Diagnostics()

    with pytest.raises(LoadError):
        read_source(spec, "openapi.yaml", diagnostics)

    (item,) = diagnostics.items
    assert item.format().startswith("openapi.yaml:" + expected), item.format()
    if raw.startswith(b"o\x00"):
        assert item.hint is not None and "UTF-16 or UTF-32" in item.hint


# --- what inspect and diff print -------------------------------------------------------------

_HOSTILE = (
    "openapi: 3.1.0\ninfo: {title: \"T\\e]52;c;aGk=\\a\\x9b2J\\N\\L\", version: '1'}\n"
    'paths:\n  "/x\\e[2J\\x9b":\n    get:\n      operationId: "op\\x9b"\n'
    '      summary: "s\\x85"\n      tags: ["\\e[31m"]\n'
    "      responses: {'200': {description: ok}}\n"
    'components:\n  schemas:\n    "S\\x9b": {type: object, required: ["\\x85"]}\n'
)


def _raw_controls(text: str) -> set[str]:
    return {
        char
        for char in text
        if (char < " " and char != "\n") or "\x7f" <= char <= "\x9f" or char in "\u2028\u2029"
    }


def test_inspect_prints_no_raw_control_character(tmp_path: Path) -> None:
    import json

    (tmp_path / "openapi.yaml").write_text(_HOSTILE, encoding="utf-8")

    done = _oagen("inspect", "openapi.yaml", cwd=tmp_path)

    assert done.returncode == 0, done.stderr
    assert _raw_controls(done.stdout) == set()
    structure = json.loads(done.stdout)  # the same values to a JSON reader
    assert structure["title"] == "T\x1b]52;c;aGk=\x07\x9b2J\x85\u2028"
    assert structure["schemas"][0]["required"] == ["\x85"]


@pytest.mark.parametrize("output", ["markdown", "json"])
def test_diff_prints_no_raw_control_character(tmp_path: Path, output: str) -> None:
    (tmp_path / "old.yaml").write_text(_HOSTILE, encoding="utf-8")
    (tmp_path / "new.yaml").write_text(
        _HOSTILE.replace('summary: "s\\x85"', 'summary: "t\\e[2J\\x9b\\x85"').replace(
            'required: ["\\x85"]', "required: []"
        ),
        encoding="utf-8",
    )

    done = _oagen("diff", "old.yaml", "new.yaml", "--format", output, cwd=tmp_path)

    assert done.returncode == 0, done.stderr
    assert "changed" in done.stdout or "optional" in done.stdout, done.stdout
    assert _raw_controls(done.stdout) == set(), done.stdout


# --- the spec argument ------------------------------------------------------------------------


@pytest.mark.parametrize("command", ["generate", "validate", "inspect", "diff-old", "diff-new"])
@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("x" * 5000 + ".yaml", "error E001 file cannot be read (File name too long): xxx"),
        ("/dev/stdin", "error E001 file not a regular file (a device, FIFO or socket): /dev/stdin"),
        (".", "error E001 file a directory, not a spec file: ."),
    ],
    ids=["name too long", "stdin", "folder"],
)
def test_a_spec_argument_that_cannot_be_a_spec_is_a_usage_error(
    tmp_path: Path, command: str, name: str, expected: str
) -> None:
    (tmp_path / "openapi.yaml").write_text(_SPEC, encoding="utf-8")
    if command.startswith("diff"):
        pair = [name, "openapi.yaml"] if command == "diff-old" else ["openapi.yaml", name]
        args = ["diff", *pair]
    else:
        args = [command, name]

    done = subprocess.run(
        [sys.executable, "-m", "generator", *args],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
        timeout=60,
        env={**os.environ, "OAGEN_CACHE_DIR": "off", "PYTHONPATH": str(REPO)},
    )

    assert "Traceback" not in done.stderr, done.stderr[-2000:]
    assert done.returncode == 2
    assert done.stderr.startswith(expected), done.stderr[:300]


def test_a_revision_path_from_the_filesystem_root_is_refused(repo: Path) -> None:
    done = _oagen("diff", "HEAD:/spec/openapi.yaml", "HEAD:spec/openapi.yaml", cwd=repo)

    assert done.returncode == 2
    assert "/spec/openapi.yaml is outside the repository" in done.stderr


# --- how much one description may load -------------------------------------------------------


def test_hard_linked_copies_count_against_the_total_a_description_may_load(tmp_path: Path) -> None:
    from generator.diagnostics import Diagnostics
    from generator.load.references import load_referenced
    from generator.load.sources import Sources

    part = tmp_path / "part.yaml"
    part.write_text("Pet: {type: object}\n" + "#" * 1000 + "\n", encoding="utf-8")
    for index in range(1, 4):  # one file on disk, four names
        os.link(part, tmp_path / f"part{index}.yaml")
    spec = tmp_path / "openapi.yaml"
    spec.write_text(
        _SPEC
        + "".join(f"    P{index}: {{$ref: 'part{index}.yaml#/Pet'}}\n" for index in ("", 1, 2, 3)),
        encoding="utf-8",
    )
    diagnostics = Diagnostics()
    budget = spec.stat().st_size + 2 * part.stat().st_size + 10
    sources = Sources(tmp_path, diagnostics, max_total_bytes=budget)

    loaded = load_referenced(sources, sources.load(spec))

    assert [source.path.name for source in loaded] == ["part.yaml", "part1.yaml"]
    assert [
        (item.code, item.location.pointer if item.location else "") for item in diagnostics.items
    ] == [("E006", "/components/schemas/P2/$ref"), ("E006", "/components/schemas/P3/$ref")]
    assert "would pass" in diagnostics.items[0].message


def test_a_missing_anchor_is_reported_without_the_document() -> None:
    from generator.diagnostics import Diagnostics
    from generator.validate.openapi import validate_document

    document = {
        "openapi": "3.1.0",
        "info": {"title": "T", "version": "1", "description": "d" * 5000 + "\x1b[2J"},
        "paths": {},
        "components": {"schemas": {"A": {"$ref": "#nope\x1b]52;c;aGk="}}},
    }
    diagnostics = Diagnostics()

    validate_document(document, "3.1", "openapi.yaml", "file:///nowhere/openapi.yaml", diagnostics)

    (item,) = [item for item in diagnostics.items if item.code == "W101"]
    assert "NoSuchAnchor: the anchor 'nope\\x1b]52;c;aGk=' does not exist" in item.message
    assert "ddd" not in item.message and "\x1b" not in item.format()


def test_bump_auto_never_reads_a_huge_blob_from_the_spec_history(repo: Path) -> None:
    import hashlib
    import tracemalloc

    from generator.load.sources import MAX_FILE_BYTES
    from generator.review.release import previous_spec_revision

    spec = repo / "spec" / "openapi.yaml"
    first = _git(repo, "rev-parse", "HEAD")
    with spec.open("w", encoding="utf-8") as stream:  # a commit that put 64 MB there
        stream.write("x: '" + "a" * MAX_FILE_BYTES + "'\n")
    _git(repo, "commit", "-q", "-am", "huge")
    spec.write_text(_SPEC + "    B: {type: integer}\n", encoding="utf-8")
    _git(repo, "commit", "-q", "-am", "three")

    tracemalloc.start()
    try:
        found = previous_spec_revision(spec, hashlib.sha256(_SPEC.encode()).hexdigest())
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()

    assert found == f"{first}:spec/openapi.yaml"
    assert peak < MAX_FILE_BYTES // 4


# --- one very long line ----------------------------------------------------------------------


def _seconds(function: object, *args: object) -> float:
    """Processor time of this process (best of three): a growth ratio, not a speed, and one that
    other processes' load on a shared machine does not bend the way wall time is bent."""
    import time

    best = float("inf")
    for _ in range(3):
        started = time.process_time()
        function(*args)  # type: ignore[operator]
        best = min(best, time.process_time() - started)
    return best


@pytest.mark.parametrize(
    ("line", "n"),
    [
        (lambda n: "x-a: [" + ", ".join(["1", "2.5", "-3"] * n) + "]", 4_000),  # numbers
        (lambda n: 'x-a: "' + "&a !b c= " * n + '"', 20_000),  # like anchors, tags, bare =
        (lambda n: 'x-a: "q ' + "a:]" * n + '"', 20_000),  # like flow keys ending in a colon
    ],
    ids=["numbers", "anchors", "flow-colons"],
)
def test_the_fast_yaml_scan_of_one_long_line_is_linear(line: object, n: int) -> None:
    from generator.load import fastyaml
    from generator.load.readers import SpecLoader as _SpecLoader

    def text(n: int) -> str:
        return _HEAD + line(n) + "\n"  # type: ignore[operator]

    small, large = text(n), text(8 * n)
    fastyaml.load(small, _SpecLoader)  # warm up

    ratio = _seconds(fastyaml.load, large, _SpecLoader) / _seconds(
        fastyaml.load, small, _SpecLoader
    )

    assert ratio < 24  # linear is about 8; slicing the line per candidate was about 64


def test_validation_time_grows_linearly_with_the_number_of_schemas() -> None:
    from generator.diagnostics import Diagnostics
    from generator.validate.openapi import validate_document

    def validate(count: int) -> None:
        document = {
            "openapi": "3.1.0",
            "info": {"title": "T", "version": "1"},
            "paths": {},
            "components": {"schemas": {f"S{index}": {"type": "string"} for index in range(count)}},
        }
        diagnostics = Diagnostics()
        validate_document(
            document, "3.1", "openapi.yaml", "file:///nowhere/openapi.yaml", diagnostics
        )
        assert diagnostics.items == []

    validate(100)  # warm up

    ratio = _seconds(validate, 24_000) / _seconds(validate, 3_000)

    assert ratio < 24  # linear is about 8; searching the visited lists was about 46


def test_nan_infinity_and_overflowing_json_numbers_are_warned_at_their_place(
    tmp_path: Path,
) -> None:
    from generator.diagnostics import Diagnostics
    from generator.load.sources import read_source

    spec = tmp_path / "openapi.json"
    spec.write_text(
        '{"openapi": "3.1.0", "info": {"title": "NaN Infinity 1e999", '
        '"version": "1"}, "paths": {},\n "x-a": [NaN, -Infinity, 1e999, 1.5e300, '
        "-0]}",
        encoding="utf-8",
    )
    diagnostics = Diagnostics()

    source = read_source(spec, "openapi.json", diagnostics)

    assert [
        (item.code, item.line, item.column, item.message.split(";")[0])
        for item in diagnostics.items
    ] == [
        ("W004", 2, 10, "'NaN' is not a finite JSON number"),
        ("W004", 2, 15, "'-Infinity' is not a finite JSON number"),
        ("W004", 2, 26, "'1e999' is not a finite JSON number"),
    ]
    assert source.data["x-a"][3:] == [1.5e300, 0]


@pytest.mark.parametrize("command", ["validate", "generate", "inspect"])
def test_a_spec_whose_name_is_not_utf8_is_read_and_named_with_escapes(
    tmp_path: Path, command: str
) -> None:
    name = os.fsdecode(b"\xff\x1b.yaml")  # a byte that is not UTF-8, and ESC
    (tmp_path / name).write_text(_SPEC, encoding="utf-8")
    extra = ["-o", "client"] if command == "generate" else []

    done = subprocess.run(
        [sys.executable, "-m", "generator", command, name, *extra],
        cwd=tmp_path,
        capture_output=True,
        timeout=120,
        env={**os.environ, "OAGEN_CACHE_DIR": "off", "PYTHONPATH": str(REPO)},
    )

    stderr = done.stderr.decode("utf-8")  # strictly UTF-8
    assert done.returncode == 0, stderr
    assert "Traceback" not in stderr
    assert b"\x1b" not in done.stdout + done.stderr
    if command == "validate":
        assert "oagen: \\xff\\x1b.yaml: usable" in stderr


def test_printable_writes_bytes_kept_as_surrogates_as_escapes() -> None:
    from generator.diagnostics import printable

    assert printable(os.fsdecode(b"a\xff\x80b") + "\ud800") == "a\\xff\\x80b\\ud800"


# --- YAML tags -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("!!int zz", "4:6: error E002 malformed YAML: 'zz' is tagged int but is not an integer"),
        ("!!float zz", "4:6: error E002 malformed YAML: 'zz' is tagged float but is not a number"),
    ],
)
def test_a_tag_on_text_it_does_not_fit_is_an_error_at_its_place(
    tmp_path: Path, value: str, expected: str
) -> None:
    from generator.diagnostics import Diagnostics
    from generator.load.sources import LoadError, read_source

    spec = tmp_path / "openapi.yaml"
    spec.write_text(_HEAD + f"x-a: {value}\n", encoding="utf-8")
    diagnostics = Diagnostics()

    with pytest.raises(LoadError):
        read_source(spec, "openapi.yaml", diagnostics)

    (item,) = diagnostics.items
    assert item.format().startswith("openapi.yaml:" + expected), item.format()


def test_binary_omap_and_pairs_are_read_as_json_data(tmp_path: Path) -> None:
    from generator.diagnostics import Diagnostics
    from generator.load.sources import read_source

    spec = tmp_path / "openapi.yaml"
    spec.write_text(
        _HEAD + "x-a: !!binary aGVsbG8=\nx-b: !!omap [x: 1, y: [2]]\nx-c: !!pairs [x: 1, x: 2]\n",
        encoding="utf-8",
    )

    data = read_source(spec, "openapi.yaml", Diagnostics()).data

    assert (data["x-a"], data["x-b"], data["x-c"]) == (
        "aGVsbG8=",
        [{"x": 1}, {"y": [2]}],
        [{"x": 1}, {"x": 2}],
    )


def _operations(count: int, operation_id: Callable[[int], object]) -> dict[str, Any]:
    return {
        "openapi": "3.1.0",
        "info": {"title": "T", "version": "1"},
        "paths": {
            f"/p{index}": {
                "get": {
                    "operationId": operation_id(index),
                    "responses": {"200": {"description": "ok"}},
                }
            }
            for index in range(count)
        },
    }


def test_validation_time_grows_linearly_with_the_number_of_operations() -> None:
    from generator.diagnostics import Diagnostics
    from generator.validate.openapi import validate_document

    def validate(count: int) -> None:
        diagnostics = Diagnostics()
        validate_document(
            _operations(count, lambda index: f"op{index}"),
            "3.1",
            "openapi.yaml",
            "file:///nowhere/openapi.yaml",
            diagnostics,
        )
        assert diagnostics.items == []

    validate(100)  # warm up
    ratio = _seconds(validate, 32_000) / _seconds(validate, 2_000)
    assert ratio < 40  # linear is about 16 (19 measured); searching the operationId list: 70


def test_duplicate_operation_ids_are_still_found_hashable_or_not() -> None:
    from generator.diagnostics import Diagnostics
    from generator.validate.openapi import validate_document

    diagnostics = Diagnostics()
    ids: list[object] = ["same", "same", {"an": "object"}, {"an": "object"}, "other"]
    validate_document(
        _operations(5, lambda index: ids[index]),
        "3.1",
        "openapi.yaml",
        "file:///nowhere/openapi.yaml",
        diagnostics,
    )
    messages = [d.message for d in diagnostics.items]
    assert any("Operation ID 'same'" in m and "is not unique" in m for m in messages), messages
    assert any("Operation ID '{'an': 'object'}'" in m for m in messages), messages
    assert not any("'other'" in m and "is not unique" in m for m in messages)
