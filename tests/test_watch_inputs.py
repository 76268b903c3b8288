"""`oagen watch` regenerates when an input changes, and only then: the spec, the files its `$ref`s
name (remade after each generation), overlays, the config file, custom templates. Other files in
the same folders (a log, an editor's swap and backup files, `.git`) are not inputs.

Silence is proven by a later edit: after the noise, one real save must make exactly one
regeneration that names exactly the input saved (a regeneration for the noise, or the noise
among the names, fails)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from .support.watching import REPO, watching
from .support.watching import SPEC as INLINE

# Thing's schema in a file of its own.
_REFERENCE = "Thing: {$ref: 'schemas/thing.yaml'}"
SPEC = INLINE.split("    Thing:")[0] + f"    {_REFERENCE}\n"
CONFIG = '[tool.oagen]\nspec = "spec.yaml"\noutput = "out"\npackage = "watched"\n'


def _inline(name: str) -> str:
    """The spec with Thing written in it, with one property `name`."""
    return SPEC.replace(_REFERENCE, f"Thing: {{type: object, properties: {{{name}: {{}}}}}}")


def _schema(*names: str) -> str:
    properties = "".join(f"  {name}: {{type: string}}\n" for name in names)
    return f"type: object\nproperties:\n{properties}"


def _project(folder: Path) -> Path:
    folder.mkdir()
    (folder / "schemas").mkdir()
    (folder / "spec.yaml").write_text(SPEC, encoding="utf-8")
    (folder / "schemas" / "thing.yaml").write_text(_schema("name"), encoding="utf-8")
    (folder / "pyproject.toml").write_text(CONFIG, encoding="utf-8")
    return folder


def _save(path: Path, text: str) -> None:
    """Save as editors that write a new file and rename it over the old one: one change to the
    input, however the writes are scheduled (two writes in place more than a watch step apart
    are two changes, and two regenerations)."""
    scratch = path.with_name(path.name + ".saving")
    scratch.write_text(text, encoding="utf-8")
    os.replace(scratch, path)


def _model(project: Path) -> str:
    """The models package's text (a schema reached through a file is named after it)."""
    models = project / "out" / "watched" / "models"
    return "".join(path.read_text(encoding="utf-8") for path in sorted(models.glob("*.py")))


def test_a_log_and_editor_files_beside_the_spec_regenerate_nothing(tmp_path: Path) -> None:
    # The log is in the spec's folder, as after `oagen watch > watch.log`: each line written
    # to it is a change there, the regeneration's own lines included.
    project = _project(tmp_path / "project")
    with watching(project, project / "watch.log") as watch:
        (project / ".spec.yaml.swp").write_bytes(b"b0VIM 9.0")
        (project / "spec.yaml~").write_text(SPEC, encoding="utf-8")
        (project / "4913").write_text("", encoding="utf-8")
        (project / "4913").unlink()
        (project / ".git").mkdir()
        (project / ".git" / "index").write_bytes(b"DIRC")
        (project / "other").mkdir()
        (project / "other" / "main.py").write_text("print()\n", encoding="utf-8")
        for generation, name in enumerate(["size", "weight"], start=2):
            _save(project / "spec.yaml", _inline(name))
            watch.wait_for(lambda name=name: name in _model(project), f"the {name} edit")
            watch.wait_for_generations(generation, f"the summary of the {name} edit")
        assert watch.changed() == ["spec.yaml"] * 2, watch.text()
        assert watch.summaries() == 3, watch.text()


def test_the_ref_files_watched_follow_the_spec(tmp_path: Path) -> None:
    """A file becomes an input when the spec names it and stops being one when it no longer
    does; a referenced file or the spec deleted is reported, and its return regenerates."""
    project = _project(tmp_path / "project")
    schemas = project / "schemas"
    with watching(project, tmp_path / "watch.log") as watch:
        (schemas / "other.yaml").write_text(_schema("label"), encoding="utf-8")  # not yet named
        _save(schemas / "thing.yaml", _schema("name", "size"))
        watch.wait_for(lambda: "size" in _model(project), "the edit of a $ref'd file")
        watch.wait_for_generations(2, "its summary")
        other = SPEC.replace("schemas/thing.yaml", "schemas/other.yaml")
        _save(project / "spec.yaml", other)
        watch.wait_for(lambda: "label" in _model(project), "the spec naming another file")
        watch.wait_for_generations(3, "its summary")
        (schemas / "thing.yaml").write_text(_schema("gone"), encoding="utf-8")  # no longer named
        _save(schemas / "other.yaml", _schema("label", "weight"))
        watch.wait_for(lambda: "weight" in _model(project), "the edit of the new $ref'd file")
        watch.wait_for_generations(4, "its summary")
        (schemas / "other.yaml").unlink()
        watch.wait_for(lambda: "file not found: schemas/other.yaml" in watch.text(), "the loss")
        watch.wait_for_generations(5, "its summary")
        _save(schemas / "other.yaml", _schema("back"))
        watch.wait_for(lambda: "back" in _model(project), "the file's return")
        watch.wait_for_generations(6, "its summary")
        (project / "spec.yaml").unlink()
        watch.wait_for(lambda: "error E001 file not found: spec.yaml" in watch.text(), "no spec")
        _save(project / "spec.yaml", SPEC)
        watch.wait_for(lambda: "gone" in _model(project), "the spec's return")
        watch.wait_for_generations(7, "its summary")
        expected = ["schemas/thing.yaml", "spec.yaml"] + ["schemas/other.yaml"] * 3
        assert watch.changed() == [*expected, "spec.yaml", "spec.yaml"], watch.text()
        assert "spec.yaml:15:13: warning W001 file not found" in watch.text(), (
            "the missing file is reported where it is named"
        )


def test_a_save_by_rename_over_the_spec_regenerates(tmp_path: Path) -> None:
    """Editors that write a new file and rename it over the old one (JetBrains' safe write, vim's
    backup) leave a new file under the spec's name; their scratch files are not inputs."""
    project = _project(tmp_path / "project")
    spec = project / "spec.yaml"
    with watching(project, tmp_path / "watch.log") as watch:
        scratch = project / "spec.yaml___jb_tmp___"
        scratch.write_text(SPEC.replace('version: "1"', 'version: "2"'), encoding="utf-8")
        spec.rename(project / "spec.yaml___jb_old___")
        scratch.rename(spec)
        (project / "spec.yaml___jb_old___").unlink()
        watch.wait_for(lambda: 'version = "2' in _metadata(project), "the JetBrains-style save")
        watch.wait_for_generations(2, "its summary")
        spec.rename(project / "spec.yaml~")  # vim's backup, with `backupcopy=no`
        spec.write_text(SPEC.replace('version: "1"', 'version: "3"'), encoding="utf-8")
        (project / "spec.yaml~").unlink()
        watch.wait_for(lambda: 'version = "3' in _metadata(project), "the vim-style save")
        watch.wait_for_generations(3, "its summary")
        assert watch.changed()[0] == "spec.yaml", watch.text()
        assert set(watch.changed()) == {"spec.yaml"}, watch.text()


def _metadata(project: Path) -> str:
    return (project / "out" / "pyproject.toml").read_text(encoding="utf-8")


def test_a_watch_that_starts_up_to_date_watches_the_ref_files(tmp_path: Path) -> None:
    """The first generation finds the output up to date and reads nothing: the files its `$ref`s
    name come from the record of the run that wrote the output."""
    project = _project(tmp_path / "project")
    cache = tmp_path / "cache"
    env = {**os.environ, "PYTHONPATH": str(REPO), "OAGEN_CACHE_DIR": str(cache)}
    subprocess.run(
        [sys.executable, "-m", "generator", "generate"], cwd=project, env=env, check=True
    )
    with watching(project, tmp_path / "watch.log", cache=cache) as watch:
        assert "up to date" in watch.text(), watch.text()
        assert "1 file named by $refs" in watch.text(), watch.text()
        (project / "schemas" / "thing.yaml").write_text(_schema("size"), encoding="utf-8")
        watch.wait_for(lambda: "size" in _model(project), "the edit of the $ref'd file")
        watch.wait_for_generations(2, "its summary")
        assert set(watch.changed()) == {"schemas/thing.yaml"}, watch.text()


def test_a_config_that_moves_the_spec_moves_the_watch(tmp_path: Path) -> None:
    """The config names a spec in another folder: that folder is watched from then on, and the
    old spec's is no longer."""
    for name in ("conf", "a", "b"):
        (tmp_path / name).mkdir()
    for name in ("a", "b"):
        (tmp_path / name / "spec.yaml").write_text(_inline("one"), encoding="utf-8")
    config = tmp_path / "conf" / "oagen.toml"
    config.write_text(CONFIG.replace("spec.yaml", "../a/spec.yaml"), encoding="utf-8")
    with watching(tmp_path / "conf", tmp_path / "watch.log", ["--config", "oagen.toml"]) as watch:
        _save(config, CONFIG.replace("spec.yaml", "../b/spec.yaml"))
        watch.wait_for_generations(2, "the generation with the new config")
        (tmp_path / "a" / "spec.yaml").write_text(_inline("gone"), encoding="utf-8")
        for generation, name in enumerate(["two", "three"], start=3):
            _save(tmp_path / "b" / "spec.yaml", _inline(name))
            watch.wait_for(lambda name=name: name in _model(tmp_path / "conf"), f"the {name} edit")
            watch.wait_for_generations(generation, "its summary")
        assert watch.changed() == ["oagen.toml", "../b/spec.yaml", "../b/spec.yaml"]
        assert watch.text().count("oagen: watching") == 2, watch.text()
        assert watch.summaries() == 4, watch.text()
