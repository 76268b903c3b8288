"""What `oagen watch` counts as a change: a change to an input, by path (a file renamed over an
input is a change to it), never another file of the same folders, nor one of oagen's own writes
(inside the output, its lock, staging, retired and journal files beside it: each generation
makes them, and counting them regenerated forever)."""

from __future__ import annotations

from pathlib import Path

import pytest
from watchfiles import Change

from generator.cli.watch_inputs import InputFilter, inputs_of
from generator.config import Config


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / "project" / "schemas").mkdir(parents=True)
    (tmp_path / "project" / "templates" / "package").mkdir(parents=True)
    for name in ("spec.yaml", "pyproject.toml", "fix.yaml", "schemas/thing.yaml"):
        (tmp_path / "project" / name).write_text("", encoding="utf-8")
    monkeypatch.chdir(tmp_path / "project")
    return tmp_path / "project"


def _config(project: Path, templates: Path | None = None) -> Config:
    return Config(
        spec=Path("spec.yaml"),
        source=project / "pyproject.toml",
        overlays=(Path("fix.yaml"),),
        templates=templates,
    )


def test_the_inputs_and_nothing_else_beside_them(project: Path) -> None:
    config = _config(project, templates=Path("templates"))
    inputs = inputs_of(config, None, [project / "spec.yaml", project / "schemas" / "thing.yaml"])
    changed = [
        "spec.yaml",
        "pyproject.toml",
        "fix.yaml",
        "schemas/thing.yaml",
        "templates/package/client.py.j2",
        "templates/new-folder",
    ]
    for name in changed:
        for change in Change:
            assert inputs.changed(change, str(project / name)), (change, name)
    unchanged = [
        "watch.log",
        ".spec.yaml.swp",
        "spec.yaml~",
        "4913",
        "spec.yaml___jb_tmp___",
        ".git/index",
        "schemas/other.yaml",
        "other/spec.yaml",
        "out/watched/models/thing.py",
    ]
    for name in unchanged:
        for change in Change:
            assert not inputs.changed(change, str(project / name)), (change, name)
    assert inputs.referenced == {project / "schemas" / "thing.yaml"}
    assert inputs.watched == (project,)


def test_a_folder_holding_an_input_counts_when_it_comes_or_goes(project: Path) -> None:
    inputs = inputs_of(_config(project), None, [project / "schemas" / "thing.yaml"])
    assert inputs.changed(Change.deleted, str(project / "schemas"))
    assert inputs.changed(Change.added, str(project / "schemas"))
    assert not inputs.changed(Change.modified, str(project / "schemas"))
    assert not inputs.changed(Change.deleted, str(project / "other"))


def test_a_linked_spec_is_watched_where_it_points_too(project: Path, tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "real.yaml").write_text("", encoding="utf-8")
    (project / "spec.yaml").unlink()
    (project / "spec.yaml").symlink_to(elsewhere / "real.yaml")
    inputs = inputs_of(_config(project), None, [elsewhere / "real.yaml"])
    assert inputs.changed(Change.modified, str(elsewhere / "real.yaml"))
    assert inputs.changed(Change.added, str(project / "spec.yaml"))
    assert not inputs.changed(Change.added, str(elsewhere / "other.yaml"))
    assert inputs.referenced == frozenset()  # the spec itself, read through its link
    assert inputs.watched == (elsewhere, project)


def test_a_config_made_nearer_than_the_one_read_is_an_input(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(project / "schemas")
    inputs = inputs_of(_config(project), None, [])
    assert inputs.changed(Change.added, str(project / "schemas" / "pyproject.toml"))
    given = inputs_of(_config(project), project / "pyproject.toml", [])
    assert not given.changed(Change.added, str(project / "schemas" / "pyproject.toml"))


def test_watch_ignores_the_output_and_oagens_files_beside_it(project: Path) -> None:
    # Custom templates that hold the output: its files are under the templates folder.
    out = project / "out"
    relevant = InputFilter(out, inputs_of(_config(project, templates=Path(".")), None, []))
    ignored = [
        out,
        out / "pkg" / "x.py",
        project / ".out.oagen-lock",
        project / ".out.oagen-swap.json",
        project / ".out.oagen-staging-0123456789abcdef" / "pkg" / "x.py",
        project / ".out.oagen-retired-0123456789abcdef",
    ]
    for path in ignored:
        assert not relevant(Change.added, str(path)), path
    watched = [
        project / "spec.yaml",
        project / ".other.oagen-lock",
        project / "sub" / ".out.oagen-lock",
        project / "output" / "x.py",
    ]
    for path in watched:
        assert relevant(Change.added, str(path)), path
    assert InputFilter(None, relevant.inputs)(Change.added, str(out / "x.py"))


def test_a_missing_folder_is_watched_from_the_nearest_one_above_it(
    project: Path, tmp_path: Path
) -> None:
    """Inside the current folder only: watched, that folder sees the missing one come back."""
    gone = tmp_path / "gone" / "oagen.toml"  # a missing config outside: nothing to watch there
    inside = Config(spec=Path("api/v1/spec.yaml"))
    assert inputs_of(inside, gone, []).watched == (project,)
    (project / "api").mkdir()
    assert inputs_of(inside, gone, []).watched == (project / "api",)
    assert inputs_of(Config(spec=gone.parent / "spec.yaml"), gone, []).watched == ()
