"""`api.md`: the reference of every operation in every generated client.

Every operation of the showcase is documented with its call path, signature and return type;
every Python block compiles and is black-stable (showcase and corpus entries); every example runs
against a local stub; spec text cannot break the Markdown; the output is deterministic.
"""

from __future__ import annotations

import ast
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import black
import httpx
import pytest
import yaml

from generator.config import Config, load_config
from generator.diagnostics import Diagnostics
from generator.model import ir
from generator.model.responses import error_class
from generator.pipeline import Run, analyse
from generator.render import black_adapter, pysource
from generator.render import package as render
from generator.render.types import TypePrinter
from generator.runtime._errors import status_error_class

from .conftest import CORPUS, GENERATED, REPO, SPEC, require_corpus

API_MD = GENERATED / "api.md"
# A fence of three or more backticks, its info string, its body, and the same fence again.
_FENCE = re.compile(r"^(`{3,})([^`\n]*)\n(.*?)\n\1$", re.S | re.M)


def _showcase_api() -> ir.Api:
    config = load_config(REPO / "pyproject.toml", Diagnostics())
    api = analyse(Run(config), SPEC, validate=False)
    assert api is not None
    return api


def _python_blocks(markdown: str) -> list[str]:
    return [body for _, info, body in _FENCE.findall(markdown) if info == "python"]


def _sections(markdown: str) -> dict[str, str]:
    """`client.resource.method` -> the text of its `###` section."""
    parts = re.split(r"^### `(client(?:\.\w+)+)\(\)`$", markdown, flags=re.M)
    return dict(zip(parts[1::2], parts[2::2], strict=True))


def _gfm(markdown_it: Any) -> Any:
    """CommonMark with GitHub's tables and strikethrough (linkify needs another package)."""
    return markdown_it.MarkdownIt("commonmark").enable(["table", "strikethrough"])


def _assert_blocks_sound(markdown: str) -> int:
    blocks = _python_blocks(markdown)
    for code in blocks:
        ast.parse(code)
        compile(code, "<api.md>", "exec", dont_inherit=True)
        assert black.format_str(code + "\n", mode=black_adapter.mode()) == code + "\n", code
    return len(blocks)


# --- (1) every operation, with its call path, signature and return type ------------------------


def test_every_showcase_operation_is_documented() -> None:
    api = _showcase_api()
    types = TypePrinter.of(api)
    markdown = API_MD.read_text(encoding="utf-8")
    sections = _sections(markdown)
    expected = {
        f"client.{r.path}.{op.method_name}": (r, op) for r in api.resources for op in r.operations
    }
    assert set(sections) == set(expected)
    assert len(expected) == 12
    for call_path, (_resource, op) in expected.items():
        section = sections[call_path]
        assert f"- `{call_path}(...)` -> `{types.returns(op)}`" in markdown
        signature = _python_blocks(section)[0]
        function = ast.parse(signature).body[0]
        assert isinstance(function, ast.FunctionDef) and function.name == op.method_name
        assert function.returns is not None
        assert ast.unparse(function.returns) == ast.unparse(ast.parse(types.returns(op)).body[0])
        # Required path parameters are positional-or-keyword, the rest keyword-only.
        names = [a.arg for a in function.args.args + function.args.kwonlyargs]
        path_first = sorted(
            op.parameters, key=lambda p: not (p.location_in == "path" and p.required)
        )
        wanted = [p.name for p in path_first]
        if op.body is not None:
            wanted += [f.name for f in op.body.fields]
            wanted += [op.body.whole_name] if op.body.whole_name else []
        assert names == wanted
        returned = types.returns(op) if op.pagination else types.output(op.response)
        assert f"Returns `{returned}`" in section
        if op.pagination is not None:  # which methods page, and how
            assert f"`{op.path}` (pages)" in markdown
            assert "the method *pages*" in section and "`offset` advanced by" in section
        for error in op.errors:
            assert f"- `{error.error_class}` (`{error.status}`" in section
        if op.stream_mode:
            assert f"`Stream[{types.output(op.stream)}]`" in section
    assert "[`api.md`](api.md)" in (GENERATED / "README.md").read_text(encoding="utf-8")


def test_error_classes_follow_the_runtime() -> None:
    for status in (400, 401, 402, 403, 404, 405, 408, 409, 418, 422, 429, 500, 502, 503, 599):
        assert error_class(str(status)) == status_error_class(status).__name__
    assert error_class("4XX") == error_class("default") == "APIStatusError"
    assert error_class("5XX") == "InternalServerError"


# --- (2) every Python block compiles and is black-stable -------------------------------------


def test_showcase_blocks_compile_and_are_black_stable() -> None:
    markdown = API_MD.read_text(encoding="utf-8")
    # A setup block, a Types block per resource, a signature and an example per operation.
    assert _assert_blocks_sound(markdown) == 1 + 8 + 2 * 12
    assert max(len(line) for code in _python_blocks(markdown) for line in code.split("\n")) <= 100


@pytest.mark.parametrize(
    "path",
    [
        "oai-learn-v3.0/petstore.yaml",
        "apis-guru/APIs/xkcd.com/1.0.0/openapi.yaml",
        "apis-guru/APIs/github.com/v3/swagger.yaml",
    ],
)
def test_corpus_blocks_compile_and_are_black_stable(path: str) -> None:
    require_corpus()
    if not (CORPUS / path).is_file():
        pytest.skip(f"{path} is missing from the shared corpus")
    api = analyse(Run(Config()), CORPUS / path, validate=False)
    assert api is not None
    markdown = render.render_api(api)[0]["api.md"]
    total = sum(len(r.operations) for r in api.resources)
    assert len(_sections(markdown)) == total > 0
    assert _assert_blocks_sound(markdown) >= 1 + 2 * total


# --- (3) the showcase examples run ------------------------------------------------------------


def test_showcase_examples_run_against_a_stub() -> None:
    sys.path.insert(0, str(GENERATED))
    try:
        from openrouter_client import OpenRouter
    finally:
        sys.path.remove(str(GENERATED))
    api = _showcase_api()
    sections = _sections(API_MD.read_text(encoding="utf-8"))
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, json={})

    with httpx.Client(transport=httpx.MockTransport(handler)) as http_client:
        client = OpenRouter(api_key="test-key", http_client=http_client, max_retries=0)
        for resource in api.resources:
            for op in resource.operations:
                section = sections[f"client.{resource.path}.{op.method_name}"]
                example = section.split("Example:\n\n", 1)[1]
                code = _python_blocks(example)[0]
                before = len(seen)
                namespace: dict[str, Any] = {"client": client}
                exec(compile(code, op.operation_id, "exec"), namespace)
                assert len(seen) == before + 1, code
                request = seen[-1]
                assert request.method == op.http_method
                pattern = re.sub(r"\\\{[^}]*\\\}", "[^/]+", re.escape(op.path))
                assert re.fullmatch(r"/api/v1" + pattern, request.url.path), request.url
                assert "result" in namespace


# --- (4) spec text cannot break the document --------------------------------------------------

HOSTILE = (
    "x ```\n</details><script>alert(1)</script> | a | b |\n# Heading\n"
    "\x1b[31m\u202e\x00 [l](javascript:x) &lt; ~~s~~ *e* _u_ \\"
)


def _hostile_spec(path: Path) -> Path:
    document = {
        "openapi": "3.0.3",
        "info": {"title": HOSTILE, "version": "1"},
        "tags": [{"name": "pets ```", "description": HOSTILE}],
        "paths": {
            "/pets/{id`|<b>}": {
                "post": {
                    "operationId": "make ``` <script>",
                    "tags": ["pets ```"],
                    "summary": "- " + HOSTILE,
                    "description": "1. " + HOSTILE,
                    "parameters": [
                        {
                            "name": "id`|<b>",
                            "in": "path",
                            "required": True,
                            "description": HOSTILE,
                            "example": "```\n<script>",
                        },
                        {
                            "name": "q```",
                            "in": "query",
                            "schema": {"type": "string", "enum": ["`|``` <i>", "b"]},
                            "required": True,
                            "description": HOSTILE,
                        },
                    ],
                    "requestBody": {
                        "required": True,
                        "description": HOSTILE,
                        "content": {
                            "application/json": {
                                "schema": {
                                    "type": "object",
                                    "required": ["na```me"],
                                    "properties": {
                                        "na```me": {"type": "string", "description": HOSTILE}
                                    },
                                },
                                "example": {"na```me": "```\n```python\n" + HOSTILE},
                            }
                        },
                    },
                    "responses": {
                        "200": {
                            "description": HOSTILE,
                            "content": {
                                "application/json": {
                                    "schema": {
                                        "type": "object",
                                        "title": "Out ```",
                                        "properties": {"a": {"type": "string"}},
                                    }
                                }
                            },
                        },
                        "4XX": {
                            "description": "x",
                            "content": {"application/json": {"schema": {"type": "object"}}},
                        },
                    },
                },
            },
        },
    }
    spec = path / "hostile.yaml"
    spec.write_text(yaml.safe_dump(document, allow_unicode=True), encoding="utf-8")
    return spec


def test_hostile_spec_text_is_escaped(tmp_path: Path) -> None:
    markdown_it = pytest.importorskip("markdown_it")
    api = analyse(Run(Config()), _hostile_spec(tmp_path), validate=False)
    assert api is not None
    markdown = render.render_api(api)[0]["api.md"]
    tokens = _gfm(markdown_it).parse(markdown)
    assert tokens[0].type == "html_block" and tokens[0].content.startswith("<!-- This file is")
    tokens = tokens[1:]
    assert not [
        t for t in tokens if t.type in ("html_block", "table_open", "blockquote_open", "hr")
    ]
    inline = [child for t in tokens for child in (t.children or [])]
    assert not [
        t
        for t in inline
        if t.type in ("html_inline", "link_open", "s_open", "em_open", "strong_open")
    ]
    headings = [tokens[i + 1].content for i, t in enumerate(tokens) if t.type == "heading_open"]
    assert headings[1:] == ["`client.pets`", "`client.pets.update()`"]
    fences = [t for t in tokens if t.type == "fence"]
    assert [t.info for t in fences] == ["python"] * 4  # setup, types, signature, example
    for fence in fences:
        compile(fence.content, "<api.md>", "exec")
    example = fences[-1].content
    assert "<script>" in example  # the example values are there, as Python literals
    namespace: dict[str, Any] = {}

    class Recorder:
        def __getattr__(self, name: str) -> Any:
            return self

        def __call__(self, **kwargs: Any) -> Any:
            namespace.update(kwargs)

    exec(example, {"client": Recorder()})
    assert namespace["id_b"] == "```\n<script>"
    assert namespace["na_me"] == "```\n```python\n" + HOSTILE
    assert "\x1b" not in markdown and "\u202e" not in markdown and "\x00" not in markdown
    lists = [t for t in tokens if t.type == "bullet_list_open"]
    assert len(lists) == 4  # generic errors, methods, parameters, raises: nothing more
    assert _assert_blocks_sound(markdown) == 4


@pytest.mark.parametrize(
    "text",
    [
        HOSTILE,
        "1) x",
        "===",
        "---",
        "+ x",
        "> q",
        "    code",
        "a\u2028b",
        "\ud800",
        "&amp;",
        "a\r\nb",
    ],
)
def test_md_text_stays_one_plain_paragraph(text: str) -> None:
    markdown_it = pytest.importorskip("markdown_it")
    shown = render.md_text(text)
    assert "\n" not in shown
    tokens = _gfm(markdown_it).parse("para\n\n" + shown + "\n")
    assert [t.type for t in tokens] == ["paragraph_open", "inline", "paragraph_close"] * 2
    assert [c.type for c in tokens[4].children or []] in (["text"], ["text", "text"], ["text"] * 3)


@pytest.mark.parametrize("text", ["a`b", "``", "` x `", "x\ny", "|", "\x00"])
def test_md_code_holds_any_text(text: str) -> None:
    markdown_it = pytest.importorskip("markdown_it")
    tokens = _gfm(markdown_it).parse(render.md_code(text) + "\n")
    children = tokens[1].children or []
    assert [c.type for c in children] == ["code_inline"]
    assert children[0].content == text.replace("\n", "\\x0a").replace("\x00", "\\x00")


# --- (5) determinism and size ------------------------------------------------------------------


def test_api_md_is_identical_across_hash_seeds(tmp_path: Path) -> None:
    outputs = []
    for seed in ("0", "4242"):
        out = tmp_path / f"out{seed}"
        result = subprocess.run(
            [sys.executable, "-m", "generator", "generate", "-q", "--output", str(out)],
            cwd=REPO,
            env={**os.environ, "PYTHONHASHSEED": seed},
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert result.returncode == 0, result.stderr
        outputs.append((out / "api.md").read_bytes())
    assert outputs[0] == outputs[1] == API_MD.read_bytes()


def test_api_md_grows_linearly() -> None:
    """Descriptions are cut, so each operation adds a bounded amount of reference."""
    api = _showcase_api()
    markdown = API_MD.read_text(encoding="utf-8")
    assert len(markdown) < 3_000 * (
        len(api.resources) + sum(len(r.operations) for r in api.resources)
    )
    long = "word " * 10_000
    assert len(render.md_text(long, 500)) < 520


# --- example values ---------------------------------------------------------------------------


def test_example_values_are_data_printed_as_python() -> None:
    from datetime import date

    from generator.model import examples

    value = examples.from_spec(
        {
            "when": date(2024, 5, 1),
            "n": float("nan"),
            "list": [1, 2.5],
            "nested": {"ok": True, "none": None},
            "big": 10**30,
        }
    )
    assert isinstance(value, ir.ExampleObject)
    printed = pysource.example_value(value)
    assert printed == (
        '{"when": "2024-05-01", "n": "nan", "list": [1, 2.5], '
        '"nested": {"ok": True, "none": None}, "big": ' + str(10**30) + "}"
    )
    assert pysource.example_value(float("inf")) == 'float("inf")'
    assert pysource.example_value(ir.ExampleFile()) == 'b"file contents"'
    assert ast.literal_eval(pysource.example_value((("\x00'\"", "\u2028"),))) == [
        ["\x00'\"", "\u2028"]
    ]


def test_placeholders_follow_the_types() -> None:
    from generator.diagnostics import Location
    from generator.model import examples

    where = Location("spec.yaml")
    definitions: dict[str, ir.Definition] = {
        "Color": ir.Enum("Color", "m", ("red", "blue"), None, where),
        "Pet": ir.Model(
            "Pet",
            "m",
            (
                ir.Field(
                    "name",
                    "name",
                    ir.Prim("str"),
                    True,
                    None,
                    None,
                    False,
                    False,
                    False,
                    where,
                ),
                ir.Field(
                    "color",
                    "color",
                    ir.Ref("Color"),
                    True,
                    None,
                    None,
                    False,
                    False,
                    False,
                    where,
                ),
                ir.Field("id", "id", ir.Prim("int"), True, None, None, False, True, False, where),
                ir.Field(
                    "tag",
                    "tag",
                    ir.Prim("str"),
                    False,
                    None,
                    None,
                    False,
                    False,
                    False,
                    where,
                ),
                ir.Field(
                    "self",
                    "self",
                    ir.Ref("Pet"),
                    True,
                    None,
                    None,
                    False,
                    False,
                    False,
                    where,
                ),
            ),
            None,
            None,
            False,
            where,
        ),
    }
    value = examples.placeholder(ir.Ref("Pet"), definitions)
    printed = pysource.example_value(value)
    assert printed.startswith('{"name": "string", "color": "red", "self": {"name": "string"')
    assert printed.count("{") == 5  # a recursive model stops at a bounded depth
    assert examples.placeholder(ir.Nullable(ir.Array(ir.Prim("int"))), definitions) == ()
    assert examples.placeholder(ir.Union((ir.Prim("none"), ir.Prim("int"))), definitions) == 0
    assert examples.placeholder(ir.Prim("bytes"), definitions) == ir.ExampleFile()


def test_readme_examples_are_laid_out_by_black() -> None:
    readme = (GENERATED / "README.md").read_text(encoding="utf-8")
    examples = [code for code in _python_blocks(readme) if code.startswith("result = client.")]
    assert len(examples) == 8  # one per resource with operations
    for code in examples:
        assert black.format_str(code + "\n", mode=black_adapter.mode()) == code + "\n"
        assert max(len(line) for line in code.split("\n")) <= 100


def test_the_reference_laid_out_as_read_is_the_reference_laid_out_at_once() -> None:
    """api.md and the README read the reference an operation at a time (after an edit most of
    api.md's sections are reused and read none of it): the same texts as one call for all."""
    from generator.render.format import cached_black

    api = _showcase_api()
    types = TypePrinter.of(api)
    lazy = render.api_reference(api, types)
    whole = render.reference_from(
        api,
        pysource.lay_out_statements(render.reference_statements(api, types), cached_black),
    )
    assert list(lazy) == list(whole)
    for path, methods in whole.items():
        assert list(lazy[path]) == list(methods)
        for name, expected in methods.items():
            assert lazy[path][name] == expected
