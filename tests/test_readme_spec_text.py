"""Spec text the README prints about servers, server variables and OAuth2 (URLs, names, values,
scopes) is shown as code or escaped text, never as Markdown a reader's viewer acts on."""

from __future__ import annotations

import json
from pathlib import Path

from generator.cli import EXIT_OK, main
from generator.render.package import md_code, md_text

URL = "https://a.example/<img src=x onerror=alert(1)>/[click](https://evil.example)"
VALUE = "eu`](https://evil.example)"
SCOPE = "read <script>"
KEY = "oauth](https://evil.example) **bold**"
SUMMARY = "List <b>things</b> [here](https://evil.example) | cell"
SPEC = {
    "openapi": "3.1.0",
    "info": {"title": "Marked", "version": "1.0.0"},
    "servers": [
        {"url": URL, "description": "first"},
        {
            "url": "https://{region}.b.example",
            "variables": {"region": {"default": "us", "enum": ["us", VALUE]}},
        },
    ],
    "components": {
        "securitySchemes": {
            KEY: {
                "type": "oauth2",
                "flows": {
                    "clientCredentials": {"tokenUrl": URL + "/token", "scopes": {SCOPE: "x"}}
                },
            }
        }
    },
    "security": [{KEY: [SCOPE]}],
    "paths": {
        "/things": {
            "get": {
                "operationId": "listThings",
                "summary": SUMMARY,
                "responses": {"200": {"description": "ok"}},
            }
        }
    },
}  # fmt: skip


def test_server_and_auth_text_in_the_readme_is_code_or_escaped(tmp_path: Path) -> None:
    spec = tmp_path / "marked.json"
    spec.write_text(json.dumps(SPEC), encoding="utf-8")
    (tmp_path / "empty.toml").write_text("", encoding="utf-8")
    out = tmp_path / "out"
    config = str(tmp_path / "empty.toml")
    assert main(["generate", "-q", str(spec), "-o", str(out), "--config", config]) == EXIT_OK
    readme = (out / "README.md").read_text(encoding="utf-8")
    for shown in (md_code(URL), md_code(VALUE), md_code(SCOPE), md_code(KEY)):
        assert shown in readme
    assert md_text(SUMMARY) in readme
    # Outside code spans, nothing of the spec's markup is left to act on.
    outside = "".join(readme.split(md_code(URL)))
    for piece in (md_code(VALUE), md_code(SCOPE), md_code(KEY), md_code(URL + "/token")):
        outside = "".join(outside.split(piece))
    assert "<img" not in outside and "<script>" not in outside and "<b>" not in outside
