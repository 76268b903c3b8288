"""A client generated from tests/events/events.yaml: webhooks and callbacks as typed events,
deprecated operations and arguments (for type checkers and as a warning once), and a binary
download through `with_streaming_response`."""

from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import importlib
import json
import subprocess
import sys
import time
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from generator.cli import main
from generator.config import load_config
from generator.diagnostics import Diagnostics
from tests.conftest import REPO, require_corpus

EVENTS = REPO / "tests" / "events"
KEY = b"events test key, 32 bytes long!!"
SECRET = "whsec_" + base64.b64encode(KEY).decode()


def signed(body: bytes, *, at: int | None = None, msg: str = "msg_1") -> dict[str, str]:
    at = int(time.time()) if at is None else at
    mac = hmac.new(KEY, f"{msg}.{at}.".encode() + body, hashlib.sha256).digest()
    return {
        "webhook-id": msg,
        "webhook-timestamp": str(at),
        "webhook-signature": "v1," + base64.b64encode(mac).decode(),
    }


@pytest.fixture(scope="module")
def out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("events") / "client"
    code = main(
        [
            "generate",
            str(EVENTS / "events.yaml"),
            "-o",
            str(folder),
            "--config",
            str(EVENTS / "oagen.toml"),
            "-q",
        ]
    )
    assert code == 0
    return folder


@pytest.fixture(scope="module")
def events(out: Path) -> Iterator[Any]:
    sys.path.insert(0, str(out))
    try:
        yield importlib.import_module("events_client")
    finally:
        sys.path.remove(str(out))
        for name in [m for m in sys.modules if m.split(".")[0] == "events_client"]:
            del sys.modules[name]


# -- webhooks -------------------------------------------------------------------------------------


def test_unwrap_returns_the_typed_event(events: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    from events_client.models.order_paid import OrderPaid
    from events_client.models.order_shipped import OrderShipped

    client = events.Events(api_key="k")
    paid = json.dumps({"type": "order.paid", "data": {"id": "o1", "status": "paid"}}).encode()
    event = client.webhooks.unwrap(paid, signed(paid), secret=SECRET)
    assert isinstance(event, OrderPaid)
    assert event.data.id == "o1"
    shipped = b'{"type":"order.shipped","data":{"id":"o2","status":"shipped"},"carrier":"ups"}'
    monkeypatch.setenv("EVENTS_WEBHOOK_SECRET", SECRET)  # the secret from the environment
    event = client.webhooks.unwrap(shipped, signed(shipped))
    assert isinstance(event, OrderShipped)
    assert event.carrier == "ups"
    # The callback an operation declares is an event too.
    status = b'{"order_id":"o3","status":"paid"}'
    event = client.webhooks.unwrap(status, signed(status))
    assert type(event).__name__ == "CreateOrderStatusChangedEvent"
    assert event.order_id == "o3"


def test_unwrap_refuses_what_is_not_proven(events: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    client = events.AsyncEvents(api_key="k")  # the same for the async client
    body = b'{"type":"order.paid","data":{"id":"o1","status":"paid"}}'
    monkeypatch.delenv("EVENTS_WEBHOOK_SECRET", raising=False)
    with pytest.raises(events.WebhookVerificationError, match="EVENTS_WEBHOOK_SECRET"):
        client.webhooks.unwrap(body, signed(body))
    with pytest.raises(events.WebhookVerificationError, match="wrong secret"):
        client.webhooks.unwrap(body.replace(b"o1", b"o9"), signed(body), secret=SECRET)
    with pytest.raises(events.WebhookVerificationError, match="old"):
        client.webhooks.unwrap(body, signed(body, at=int(time.time()) - 3600), secret=SECRET)
    with pytest.raises(events.WebhookVerificationError, match="missing"):
        client.webhooks.verify_signature(body, {}, secret=SECRET)
    client.webhooks.verify_signature(body, signed(body), secret=SECRET)


def test_webhooks_with_the_stripe_scheme_from_config(tmp_path: Path) -> None:
    config = tmp_path / "oagen.toml"
    config.write_text(
        (EVENTS / "oagen.toml").read_text(encoding="utf-8").replace("events_client", "stripey")
        + '\n[tool.oagen.webhooks]\nscheme = "stripe"\nsignature_header = "X-Sig"\n'
        'tolerance = 60\nsecret_env = "STRIPEY_SECRET"\n',
        encoding="utf-8",
    )
    out = tmp_path / "client"
    spec = str(EVENTS / "events.yaml")
    assert main(["generate", spec, "-o", str(out), "--config", str(config), "-q"]) == 0
    sys.path.insert(0, str(out))
    try:
        stripey = importlib.import_module("stripey")
        body, now = b'{"order_id":"o3","status":"paid"}', int(time.time())
        mac = hmac.new(b"sk_hook", f"{now}.".encode() + body, hashlib.sha256).hexdigest()
        hooks = stripey.Events(api_key="k").webhooks
        event = hooks.unwrap(body, {"x-sig": f"t={now},v1={mac}"}, secret="sk_hook")
        assert event.order_id == "o3"
        old = f"t={now - 61},v1={mac}"
        with pytest.raises(stripey.WebhookVerificationError, match="60 s old"):
            hooks.unwrap(body, {"x-sig": old}, secret="sk_hook")
    finally:
        sys.path.remove(str(out))
        for name in [m for m in sys.modules if m.split(".")[0] == "stripey"]:
            del sys.modules[name]


def test_a_bad_webhooks_table_is_located(tmp_path: Path) -> None:
    config = tmp_path / "pyproject.toml"
    config.write_text(
        '[tool.oagen.webhooks]\nscheme = "hmac"\nsignature_header = "X Sig"\n'
        'tolerance = -1\nsecret = "x"\nsecret_env = "1BAD"\n',
        encoding="utf-8",
    )
    diagnostics = Diagnostics()
    load_config(config, diagnostics, explicit=True)
    found = {(d.location.pointer, d.code) for d in diagnostics.items}
    assert found == {
        ("/tool/oagen/webhooks/scheme", "E010"),
        ("/tool/oagen/webhooks/signature_header", "E010"),
        ("/tool/oagen/webhooks/tolerance", "E010"),
        ("/tool/oagen/webhooks/secret", "E010"),
        ("/tool/oagen/webhooks/secret_env", "E010"),
    }


# -- deprecations -------------------------------------------------------------------------------


def _order(request: httpx.Request) -> httpx.Response:
    if request.url.path.endswith("/old-status"):
        return httpx.Response(200, text="paid")
    if request.url.path == "/v1/orders":
        return httpx.Response(200, json=[])
    return httpx.Response(200, json={"id": "o1", "status": "open"})


def test_deprecated_operations_and_arguments_warn_once(events: Any) -> None:
    http = httpx.Client(transport=httpx.MockTransport(_order))
    client = events.Events(api_key="k", http_client=http)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        client.orders.retrieve(id="o1")
        client.orders.list(cursor="c")
        assert caught == []
        for _ in range(3):
            client.orders.legacy(id="o1")  # type: ignore[deprecated]
            client.orders.list(page_token="t")  # type: ignore[deprecated]
            client.orders.old_status(id="o1")  # type: ignore[deprecated]
    messages = [str(w.message) for w in caught]
    assert messages == [
        "`legacy` is deprecated: Use getOrder instead.",
        "The `page_token` argument of `list` is deprecated: Use `cursor` instead.",
        "`old_status` is deprecated.",
    ]
    assert all(w.category is DeprecationWarning for w in caught)
    assert {w.filename for w in caught} == {__file__}  # pointing at the caller's line
    assert client.orders.legacy.__deprecated__ == messages[0]


def test_type_checkers_see_the_deprecations(out: Path, tmp_path: Path) -> None:
    user = out / "use_events.py"
    user.write_text(
        "from events_client import Events\n\n"
        "client = Events(api_key='k')\n"
        "client.orders.retrieve(id='o1')\n"
        "client.orders.list(cursor='c')\n"
        "client.orders.legacy(id='o1')\n"
        "client.orders.list(page_token='t')\n",
        encoding="utf-8",
    )
    done = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--enable-error-code", "deprecated",
         "--cache-dir", str(tmp_path / "mypy"), "use_events.py"],
        cwd=out, capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    lines = [line for line in done.stdout.splitlines() if line.startswith("use_events.py")]
    assert [line.split(":")[1] for line in lines] == ["6", "7"], done.stdout
    assert "Use getOrder instead" in lines[0]
    assert "Use `cursor` instead" in lines[1]


# -- the generated package and lazy downloads ---------------------------------------------------


def test_the_generated_package_is_strict_clean(out: Path, tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--cache-dir", str(tmp_path / "mypy"),
         "events_client"],
        cwd=out, capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout
    black = [sys.executable, "-m", "black", "--check", "--quiet", "events_client"]
    assert subprocess.run(black, cwd=out, timeout=600).returncode == 0


def test_a_binary_download_streams(events: Any) -> None:
    body = bytes(range(256)) * 1024

    def export(request: httpx.Request) -> httpx.Response:
        return httpx.Response(
            200, headers={"content-type": "application/octet-stream"}, content=body
        )

    client = events.Events(
        api_key="k", http_client=httpx.Client(transport=httpx.MockTransport(export))
    )
    with client.with_streaming_response.exports.retrieve(id="e1") as response:
        assert response.headers["content-type"] == "application/octet-stream"
        assert b"".join(response.iter_bytes(chunk_size=1000)) == body
    assert client.exports.retrieve(id="e1") == body
    # A resource whose only deprecation is an argument's.
    with pytest.warns(DeprecationWarning, match="use `downloadExportV2` instead"):
        client.exports.retrieve(id="e1", format="csv")  # type: ignore[deprecated]

    async def main_async() -> None:
        transport = httpx.MockTransport(export)
        aclient = events.AsyncEvents(
            api_key="k", http_client=httpx.AsyncClient(transport=transport)
        )
        async with aclient.with_streaming_response.exports.retrieve(id="e1") as response:
            assert await response.read() == body

    asyncio.run(main_async())


# -- the corpus -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("entry", "events_expected"),
    [
        ("oai-learn-v3.1/webhook-example.yaml", ["newPet"]),
        ("oai-learn-v3.0/callback-example.yaml", [None]),
        ("oas-3.1-schema-tests/minimal_hooks.yaml", []),
    ],
)
def test_corpus_webhooks(tmp_path: Path, entry: str, events_expected: list[str | None]) -> None:
    spec = require_corpus() / entry
    out = tmp_path / "client"
    config = tmp_path / "oagen.toml"
    config.write_text('[tool.oagen]\npackage = "hooked"\n', encoding="utf-8")
    assert main(["generate", str(spec), "-o", str(out), "--config", str(config), "-q"]) == 0
    module = out / "hooked" / "webhooks.py"
    assert module.exists() == bool(events_expected)
    if events_expected:
        text = module.read_text(encoding="utf-8")
        for name in events_expected:
            assert name is None or f"`{name}`" in text
