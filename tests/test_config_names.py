"""Naming overrides and environment variable names from [tool.oagen]."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from .conftest import REPO, SPEC

CONFIG = f"""
[tool.oagen]
spec = "{SPEC}"
output = "out"
package = "renamed"
api_key_env = "ROUTER_TOKEN"
base_url_env = "ROUTER_URL"
log_env = "ROUTER_DEBUG"

[tool.oagen.names.operations]
listKeys = "all_keys"

[tool.oagen.names.models]
ChatMessage = "Message"

[tool.oagen.names.fields]
"ChatMessage.tool_call_id" = "call_id"
"Nothing.here" = "unused"
"""


def _oagen(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "generator", *args],
        cwd=cwd,
        text=True,
        capture_output=True,
        timeout=300,
        env={**os.environ, "PYTHONPATH": str(REPO)},
    )


def test_overrides_rename_methods_models_fields_and_variables(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text(CONFIG, encoding="utf-8")
    result = _oagen(tmp_path, "generate")
    assert result.returncode == 0, result.stderr
    assert "W011 naming override names.fields.Nothing.here matches nothing" in result.stderr
    package = tmp_path / "out" / "renamed"
    keys = (package / "resources" / "keys.py").read_text(encoding="utf-8")
    assert "def all_keys(" in keys and "def list_keys(" not in keys
    message = (package / "models" / "message.py").read_text(encoding="utf-8")
    assert "class Message(BaseModel):" in message
    assert 'call_id: str | None = Field(default=None, alias="tool_call_id")' in message
    client = (package / "_client.py").read_text(encoding="utf-8")
    for variable in ("ROUTER_TOKEN", "ROUTER_URL", "ROUTER_DEBUG"):
        assert f'"{variable}"' in client


def test_invalid_overrides_are_located_errors(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text(
        '[tool.oagen]\nspec = "x.yaml"\n\n[tool.oagen.names.operations]\nlistKeys = "not valid"\n'
        '\n[tool.oagen.names.widgets]\na = "b"\n',
        encoding="utf-8",
    )
    result = _oagen(tmp_path, "validate")
    assert result.returncode == 2
    assert "error E010 `names.operations.listKeys` must be a Python identifier" in result.stderr
    assert "error E010 unknown table `names.widgets`" in result.stderr
    assert "Traceback" not in result.stderr


BAD_NAMES = """\
[tool.oagen]
spec = "x.yaml"
package = "../../x"
client = "Bad Name"
async_client = "class"
distribution = "-x"
env_prefix = "A-B"
version = "1.0\\"; import os"
api_key_env = "X Y"
base_url_env = "9LIVES"
log_env = "OK_NAME"
"""


def test_names_from_the_config_must_fit_their_rules(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text(BAD_NAMES, encoding="utf-8")
    result = _oagen(tmp_path, "validate")
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    expected = {
        3: "package",
        4: "client",
        5: "async_client",
        6: "distribution",
        7: "env_prefix",
        8: "version",
        9: "api_key_env",
        10: "base_url_env",
    }
    for line, key in expected.items():
        assert f"pyproject.toml:{line}:1: error E010 " in result.stderr, key
        assert f"is not allowed: `{key}` must be" in result.stderr, key
    assert "log_env" not in result.stderr
    assert "'../../x' is not allowed: `package` must be a Python identifier" in result.stderr


def test_a_package_flag_that_is_not_an_identifier_writes_nothing(tmp_path: Path) -> None:
    project = tmp_path / "a" / "b"
    project.mkdir(parents=True)
    (project / "pyproject.toml").write_text(f'[tool.oagen]\nspec = "{SPEC}"\n', encoding="utf-8")
    for name in ("../../../escaped", "class", "a.b", "x/y", "é"):
        result = _oagen(project, "generate", "-o", "out", "--package", name)
        assert result.returncode == 2, name
        assert f"oagen: error: --package {name!r} is not allowed" in result.stderr
    assert sorted(p.name for p in tmp_path.rglob("*")) == ["a", "b", "pyproject.toml"]


def test_default_headers_must_be_header_names_and_single_line_values(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text(
        '[tool.oagen]\nspec = "x.yaml"\n\n[tool.oagen.default_headers]\n'
        '"X-Ok" = "fine"\n"Bad Name" = "v"\n"X-Inject" = "a\\r\\nX-Evil: 1"\n"X-Num" = 5\n',
        encoding="utf-8",
    )
    result = _oagen(tmp_path, "validate")
    assert result.returncode == 2
    assert "`default_headers` name 'Bad Name' is not a header name" in result.stderr
    assert "`default_headers.X-Inject` must be a string without control characters" in result.stderr
    assert "`default_headers.X-Num` must be a string" in result.stderr
    assert "X-Ok" not in result.stderr and "Traceback" not in result.stderr
