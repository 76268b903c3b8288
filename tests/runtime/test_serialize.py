from __future__ import annotations

import datetime as dt
import enum
import io
import json
import uuid
from decimal import Decimal
from email.parser import BytesParser
from email.policy import HTTP
from pathlib import Path
from typing import Any

import pytest

from generator.runtime import NOT_GIVEN, BaseModel, Operation, Param
from generator.runtime._files import UploadStream
from generator.runtime._serialize import (
    build_path,
    encode_body,
    encode_json,
    serialize_cookie_param,
    serialize_header_param,
    serialize_path_param,
    serialize_query_param,
    to_str,
)

STRING = "blue"
ARRAY = ["blue", "black", "brown"]
OBJECT = {"R": 100, "G": 200, "B": 150}


def _param(location: str, style: str, explode: bool) -> Param:
    return Param("color", location, style=style, explode=explode)  # type: ignore[arg-type]


# The "Style Examples" table of the OpenAPI specification (3.1.1), row by row.
PATH_TABLE = [
    ("matrix", False, ";color=blue", ";color=blue,black,brown", ";color=R,100,G,200,B,150"),
    ("matrix", True, ";color=blue", ";color=blue;color=black;color=brown", ";R=100;G=200;B=150"),
    ("label", False, ".blue", ".blue,black,brown", ".R,100,G,200,B,150"),
    ("label", True, ".blue", ".blue.black.brown", ".R=100.G=200.B=150"),
    ("simple", False, "blue", "blue,black,brown", "R,100,G,200,B,150"),
    ("simple", True, "blue", "blue,black,brown", "R=100,G=200,B=150"),
]
QUERY_TABLE = [
    ("form", False, "color=blue", "color=blue,black,brown", "color=R,100,G,200,B,150"),
    ("form", True, "color=blue", "color=blue&color=black&color=brown", "R=100&G=200&B=150"),
    ("spaceDelimited", False, None, "color=blue%20black%20brown",
     "color=R%20100%20G%20200%20B%20150"),
    ("pipeDelimited", False, None, "color=blue%7Cblack%7Cbrown",
     "color=R%7C100%7CG%7C200%7CB%7C150"),
    ("deepObject", True, None, None, "color%5BR%5D=100&color%5BG%5D=200&color%5BB%5D=150"),
]  # fmt: skip


@pytest.mark.parametrize(("style", "explode", "string", "array", "obj"), PATH_TABLE)
def test_path_styles(style: str, explode: bool, string: str, array: str, obj: str) -> None:
    p = _param("path", style, explode)
    assert serialize_path_param("color", STRING, p) == string
    assert serialize_path_param("color", ARRAY, p) == array
    assert serialize_path_param("color", OBJECT, p) == obj


@pytest.mark.parametrize(("style", "explode", "string", "array", "obj"), QUERY_TABLE)
def test_query_styles(
    style: str, explode: bool, string: str | None, array: str | None, obj: str
) -> None:
    p = _param("query", style, explode)
    if string is not None:
        assert "&".join(serialize_query_param("color", STRING, p)) == string
    if array is not None:
        assert "&".join(serialize_query_param("color", ARRAY, p)) == array
    assert "&".join(serialize_query_param("color", OBJECT, p)) == obj


def test_style_defaults_follow_the_location() -> None:
    assert (Param("a", "query").resolved_style, Param("a", "query").resolved_explode) == (
        "form",
        True,
    )
    assert Param("a", "cookie").resolved_style == "form"
    assert Param("a", "path").resolved_style == "simple"
    assert Param("a", "path").resolved_explode is False
    assert Param("a", "header").resolved_style == "simple"
    assert Param("a", "query", style="pipeDelimited").resolved_explode is False


@pytest.mark.parametrize(
    ("explode", "expected"),
    [
        (False, ["blue,black,brown", "R,100,G,200,B,150"]),
        (True, ["blue,black,brown", "R=100,G=200,B=150"]),
    ],
)
def test_header_simple_style(explode: bool, expected: list[str]) -> None:
    p = _param("header", "simple", explode)
    assert serialize_header_param("color", STRING, p) == "blue"
    assert serialize_header_param("color", ARRAY, p) == expected[0]
    assert serialize_header_param("color", OBJECT, p) == expected[1]


def test_header_omitted_for_none_and_empty() -> None:
    assert serialize_header_param("x", None, None) is None
    assert serialize_header_param("x", [], None) is None
    assert serialize_header_param("x", {}, None) is None
    assert serialize_header_param("x", True, None) == "true"


def test_cookie_form_style() -> None:
    assert serialize_cookie_param("color", STRING, None) == ["color=blue"]
    assert serialize_cookie_param("color", ARRAY, _param("cookie", "form", False)) == [
        "color=blue,black,brown"
    ]
    assert serialize_cookie_param("color", ARRAY, _param("cookie", "form", True)) == [
        "color=blue",
        "color=black",
        "color=brown",
    ]
    assert serialize_cookie_param("color", OBJECT, _param("cookie", "form", True)) == [
        "R=100",
        "G=200",
        "B=150",
    ]
    assert serialize_cookie_param("s", "a b;c", None) == ["s=a%20b%3Bc"]


def test_scalars_as_strings() -> None:
    class Color(str, enum.Enum):  # noqa: UP042  # the pre-StrEnum idiom must work too
        RED = "red"

    class Level(enum.IntEnum):
        HIGH = 3

    assert to_str(True) == "true"
    assert to_str(False) == "false"
    assert to_str(Color.RED) == "red"
    assert to_str(Level.HIGH) == "3"
    assert to_str(1.5) == "1.5"
    assert to_str(dt.date(2024, 1, 2)) == "2024-01-02"
    assert to_str(dt.datetime(2024, 1, 2, 3, 4, 5, tzinfo=dt.UTC)) == "2024-01-02T03:04:05+00:00"
    u = uuid.UUID(int=1)
    assert to_str(u) == str(u)


def test_query_percent_encoding_and_allow_reserved() -> None:
    assert serialize_query_param("q", "a&b=c/d e", None) == ["q=a%26b%3Dc%2Fd%20e"]
    p = Param("q", "query", allow_reserved=True)
    assert serialize_query_param("q", "a/b:c?d", p) == ["q=a/b:c?d"]
    assert serialize_query_param("q", "x#y", p) == ["q=x%23y"]  # "#" would end the URL
    assert serialize_query_param("flag", False, None) == ["flag=false"]
    assert serialize_query_param("ids", [], None) == []
    assert serialize_query_param("m", "naïve", None) == ["m=na%C3%AFve"]


def test_deep_object_nests() -> None:
    p = Param("filter", "query", style="deepObject", explode=True)
    out = serialize_query_param("filter", {"a": {"b": 1}, "tags": ["x", "y"], "n": None}, p)
    assert out == ["filter%5Ba%5D%5Bb%5D=1", "filter%5Btags%5D=x", "filter%5Btags%5D=y"]


def test_model_as_object_parameter() -> None:
    class Range(BaseModel):
        low: int
        high: int | None = None

    assert serialize_query_param("r", Range(low=1), _param("query", "form", True)) == ["low=1"]


def test_path_values_are_fully_percent_encoded() -> None:
    op = Operation("GET", "/keys/{hash}/items/{id}", "get_item")
    assert build_path(op, {"hash": "a/b c?d", "id": 7}) == "/keys/a%2Fb%20c%3Fd/items/7"
    assert build_path(Operation("GET", "/plain", "p"), None) == "/plain"


@pytest.mark.parametrize("bad", [NOT_GIVEN, None, ""])
def test_missing_path_value_is_an_error(bad: object) -> None:
    op = Operation("GET", "/keys/{hash}", "get_key")
    with pytest.raises(ValueError, match="hash"):
        build_path(op, {"hash": bad})


# -- bodies ---------------------------------------------------------------------------------------

JSON_OP = Operation("POST", "/x", "x", request_content_type="application/json")


def test_json_body_drops_not_given_and_keeps_none() -> None:
    content, ctype = encode_body(JSON_OP, {"a": 1, "b": NOT_GIVEN, "c": None}, None)
    assert ctype == "application/json"
    assert content == b'{"a":1,"c":null}'


def test_json_body_nested_not_given_is_dropped() -> None:
    body = {"outer": {"keep": 1, "drop": NOT_GIVEN}, "list": [1, NOT_GIVEN, 2]}
    content, _ = encode_body(JSON_OP, body, None)
    assert isinstance(content, bytes)
    assert json.loads(content) == {"outer": {"keep": 1}, "list": [1, 2]}


def test_json_body_serialises_models_by_alias_and_unset_fields_skipped() -> None:
    from pydantic import Field

    class Msg(BaseModel):
        role: str
        sender: str | None = Field(default=None, alias="from")
        name: str | None = None

    body = {
        "messages": [Msg(role="user", sender="me"), {"role": "x"}],
        "explicit": Msg(role="a", name=None),
    }
    content, _ = encode_body(JSON_OP, body, None)
    assert isinstance(content, bytes)
    assert json.loads(content) == {
        "messages": [{"role": "user", "from": "me"}, {"role": "x"}],
        "explicit": {"role": "a", "name": None},
    }


def test_json_body_rich_values() -> None:
    class Color(enum.Enum):
        RED = "red"

    value = {
        "when": dt.datetime(2024, 5, 6, 7, 8, 9),
        "day": dt.date(2024, 5, 6),
        "id": uuid.UUID(int=5),
        "amount": Decimal("1.50"),
        "color": Color.RED,
        "raw": b"\x00\x01",
        "tags": ("a", "b"),
        "set": frozenset({1}),
        "text": "héllo",
    }
    decoded = json.loads(encode_json(value))
    assert decoded == {
        "when": "2024-05-06T07:08:09",
        "day": "2024-05-06",
        "id": str(uuid.UUID(int=5)),
        "amount": "1.50",
        "color": "red",
        "raw": "AAE=",
        "tags": ["a", "b"],
        "set": [1],
        "text": "héllo",
    }
    assert "héllo".encode() in encode_json(value)  # not \u-escaped


def test_extra_body_is_merged_into_object_bodies() -> None:
    class Req(BaseModel):
        a: int

    content, _ = encode_body(JSON_OP, {"a": 1}, {"b": 2})
    assert content == b'{"a":1,"b":2}'
    content, _ = encode_body(JSON_OP, Req(a=1), {"b": 2})
    assert content == b'{"a":1,"b":2}'
    content, _ = encode_body(JSON_OP, NOT_GIVEN, {"b": 2})
    assert content == b'{"b":2}'
    with pytest.raises(TypeError):
        encode_body(JSON_OP, [1, 2], {"b": 2})


def test_no_body() -> None:
    assert encode_body(JSON_OP, NOT_GIVEN, None) == (None, None)


def test_form_body() -> None:
    op = Operation("POST", "/x", "x", request_content_type="application/x-www-form-urlencoded")
    content, ctype = encode_body(
        op, {"a": "x y", "b": [1, 2], "c": {"d": True}, "skip": NOT_GIVEN, "none": None}, None
    )
    assert ctype == "application/x-www-form-urlencoded"
    assert content == b"a=x+y&b=1&b=2&c%5Bd%5D=true"


def test_text_and_binary_bodies(tmp_path: Path) -> None:
    text_op = Operation("POST", "/x", "x", request_content_type="text/plain")
    assert encode_body(text_op, "héllo", None) == ("héllo".encode(), "text/plain")
    bin_op = Operation("POST", "/x", "x", request_content_type="application/octet-stream")
    assert encode_body(bin_op, b"\x00\x01", None) == (b"\x00\x01", "application/octet-stream")

    path = tmp_path / "blob.bin"
    path.write_bytes(b"0123456789")
    stream, ctype = encode_body(bin_op, path, None)
    assert isinstance(stream, UploadStream)
    assert stream.length == 10
    assert b"".join(stream) == b"0123456789"
    assert b"".join(stream) == b"0123456789"  # re-iterable for retries

    f = io.BytesIO(b"xxABCD")
    f.seek(2)
    stream, _ = encode_body(bin_op, f, None)
    assert isinstance(stream, UploadStream)
    assert stream.length == 4
    assert b"".join(stream) == b"ABCD"
    assert b"".join(stream) == b"ABCD"  # rewound to where it was
    assert not f.closed  # the caller's file stays open

    image_op = Operation("PUT", "/x", "x", request_content_type="image/png")
    _, ctype = encode_body(image_op, ("a.png", b"png", "image/x-custom"), None)
    assert ctype == "image/x-custom"


def test_path_uploads_are_opened_lazily_and_closed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import builtins

    opened: list[Any] = []
    real_open = builtins.open

    def spy_open(*args: Any, **kwargs: Any) -> Any:
        f = real_open(*args, **kwargs)
        opened.append(f)
        return f

    path = tmp_path / "a.txt"
    path.write_bytes(b"abc")
    op = Operation("POST", "/x", "x", request_content_type="application/octet-stream")
    monkeypatch.setattr(builtins, "open", spy_open)
    stream, _ = encode_body(op, path, None)
    assert opened == []  # nothing opened before sending
    assert isinstance(stream, UploadStream)
    assert b"".join(stream) == b"abc"
    assert len(opened) == 1
    assert opened[0].closed


def test_missing_upload_path_fails_before_sending(tmp_path: Path) -> None:
    op = Operation("POST", "/x", "x", request_content_type="application/octet-stream")
    with pytest.raises(FileNotFoundError):
        encode_body(op, tmp_path / "nope.bin", None)


def _parse_multipart(content: bytes, content_type: str) -> list[Any]:
    message = BytesParser(policy=HTTP).parsebytes(
        b"Content-Type: " + content_type.encode() + b"\r\n\r\n" + content
    )
    return list(message.iter_parts())


def test_multipart_body(tmp_path: Path) -> None:
    op = Operation(
        "POST",
        "/files",
        "upload",
        request_content_type="multipart/form-data",
        file_fields=frozenset({"file", "extra"}),
    )
    path = tmp_path / "notes.txt"
    path.write_text("from disk")
    body = {
        "file": path,
        "extra": [("a.json", b"{}", "application/json"), io.BytesIO(b"raw")],
        "purpose": "fine-tune",
        "count": 3,
        "flag": True,
        "meta": {"k": "v"},
        "skipped": NOT_GIVEN,
        "nothing": None,
    }
    stream, ctype = encode_body(op, body, None)
    assert isinstance(stream, UploadStream)
    assert ctype is not None and ctype.startswith("multipart/form-data; boundary=")
    content = b"".join(stream)
    assert stream.length == len(content)
    parts = _parse_multipart(content, ctype)
    got = {
        (p.get_param("name", header="content-disposition"), p.get_filename()): (
            p.get_content_type(),
            p.get_payload(decode=True),
        )
        for p in parts
    }
    assert got == {
        ("purpose", None): ("text/plain", b"fine-tune"),
        ("count", None): ("text/plain", b"3"),
        ("flag", None): ("text/plain", b"true"),
        ("meta", None): ("application/json", b'{"k":"v"}'),
        ("file", "notes.txt"): ("text/plain", b"from disk"),
        ("extra", "a.json"): ("application/json", b"{}"),
        ("extra", "extra"): ("application/octet-stream", b"raw"),
    }


def test_multipart_rejects_str_for_a_file_field() -> None:
    op = Operation(
        "POST",
        "/f",
        "f",
        request_content_type="multipart/form-data",
        file_fields=frozenset({"file"}),
    )
    with pytest.raises(TypeError, match=r"pathlib\.Path"):
        encode_body(op, {"file": "/etc/passwd"}, None)
