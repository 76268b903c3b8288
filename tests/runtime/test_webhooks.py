"""Webhook signatures: Standard Webhooks (the published vector and vectors computed here with
hmac), the Stripe scheme, and every way a request can fail to prove where it came from."""

from __future__ import annotations

import base64
import hashlib
import hmac
import time

import pytest

from generator.runtime import BaseWebhooks, WebhookScheme, WebhookVerificationError
from generator.runtime import verify_signature as verify

# The example of the Standard Webhooks specification (and of Svix's documentation).
SPEC_SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
SPEC_ID = "msg_p5jXN8AQM9LWM0D4loKWxJek"
SPEC_TIMESTAMP = 1614265330
SPEC_BODY = '{"test": 2432232314}'
SPEC_SIGNATURE = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="

KEY = b"a 24-byte test key here!"
SECRET = "whsec_" + base64.b64encode(KEY).decode()
STRIPE = WebhookScheme(kind="stripe", signature_header="Stripe-Signature")
STRIPE_SECRET = "whsec_stripe_test_secret"


def standard_headers(
    body: bytes, *, key: bytes = KEY, msg: str = "msg_1", at: int
) -> dict[str, str]:
    """Signed the way the specification says, written out here independently of the runtime."""
    mac = hmac.new(key, f"{msg}.{at}.".encode() + body, hashlib.sha256).digest()
    return {
        "webhook-id": msg,
        "webhook-timestamp": str(at),
        "webhook-signature": "v1," + base64.b64encode(mac).decode(),
    }


def stripe_header(body: bytes, *, secret: str = STRIPE_SECRET, at: int) -> str:
    mac = hmac.new(secret.encode(), f"{at}.".encode() + body, hashlib.sha256).hexdigest()
    return f"t={at},v1={mac}"


def test_the_specification_vector() -> None:
    headers = {
        "webhook-id": SPEC_ID,
        "webhook-timestamp": str(SPEC_TIMESTAMP),
        "webhook-signature": SPEC_SIGNATURE,
    }
    verify(SPEC_BODY, headers, SPEC_SECRET, now=SPEC_TIMESTAMP + 10)
    verify(SPEC_BODY.encode(), headers, SPEC_SECRET, now=SPEC_TIMESTAMP - 10)
    with pytest.raises(WebhookVerificationError, match="No webhook signature matches"):
        verify(SPEC_BODY + " ", headers, SPEC_SECRET, now=SPEC_TIMESTAMP)


def test_vectors_computed_with_hmac() -> None:
    now = 1_700_000_000
    for body in (b"{}", b'{"type":"order.paid","data":{"id":"o1"}}', "caf\u00e9".encode()):
        verify(body, standard_headers(body, at=now), SECRET, now=now)
        verify(
            body, {"Stripe-Signature": stripe_header(body, at=now)}, STRIPE_SECRET, STRIPE, now=now
        )


def test_the_secret_prefix_is_optional() -> None:
    body, now = b"{}", 1_700_000_000
    verify(body, standard_headers(body, at=now), base64.b64encode(KEY).decode(), now=now)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda h, b: (h, b + b" "), "No webhook signature matches"),  # tampered body
        (lambda h, b: ({**h, "webhook-id": "msg_2"}, b), "No webhook signature matches"),
        (lambda h, b: ({**h, "webhook-timestamp": "1699990000"}, b), "old"),  # not the signed one
        (lambda h, b: ({**h, "webhook-signature": "v2," + h["webhook-signature"][3:]}, b), "No"),
        (lambda h, b: ({**h, "webhook-timestamp": "soon"}, b), "not a number"),
        (lambda h, b: ({k: v for k, v in h.items() if k != "webhook-id"}, b), "webhook-id"),
        (lambda h, b: ({k: v for k, v in h.items() if k != "webhook-signature"}, b), "missing"),
        (lambda h, b: ({**h, "webhook-signature": "x" * 10_000}, b), "not a usable value"),
    ],
)
def test_tampered_or_incomplete_requests_are_refused(change: object, message: str) -> None:
    body, now = b'{"type":"order.paid"}', 1_700_000_000
    headers, sent = change(standard_headers(body, at=now), body)  # type: ignore[operator]
    with pytest.raises(WebhookVerificationError, match=message):
        verify(sent, headers, SECRET, now=now)


def test_a_wrong_secret_is_refused() -> None:
    body, now = b"{}", 1_700_000_000
    headers = standard_headers(body, at=now)
    wrong = "whsec_" + base64.b64encode(b"another key, same length").decode()
    with pytest.raises(WebhookVerificationError, match="wrong secret"):
        verify(body, headers, wrong, now=now)
    with pytest.raises(WebhookVerificationError, match="base64"):
        verify(body, headers, "whsec_not base64!", now=now)
    with pytest.raises(WebhookVerificationError, match="secret"):
        verify(body, headers, "", now=now)


def test_old_and_future_timestamps_are_refused() -> None:
    body, signed_at = b"{}", 1_700_000_000
    headers = standard_headers(body, at=signed_at)
    verify(body, headers, SECRET, now=signed_at + 300)  # the default tolerance, just
    with pytest.raises(WebhookVerificationError, match="old"):
        verify(body, headers, SECRET, now=signed_at + 301)
    with pytest.raises(WebhookVerificationError, match="future"):
        verify(body, headers, SECRET, now=signed_at - 301)
    strict = WebhookScheme(tolerance=5)
    with pytest.raises(WebhookVerificationError, match="5 s old"):
        verify(body, headers, SECRET, strict, now=signed_at + 6)


def test_one_good_signature_among_several_is_enough() -> None:
    body, now = b"{}", 1_700_000_000
    headers = standard_headers(body, at=now)
    old_key = b"the key before a rotation"
    stale = base64.b64encode(hmac.new(old_key, b"x", hashlib.sha256).digest()).decode()
    headers["webhook-signature"] = f"v1,{stale} v1a,whatever {headers['webhook-signature']}"
    verify(body, headers, SECRET, now=now)


def test_header_names_are_matched_without_case_and_can_be_configured() -> None:
    body, now = b"{}", 1_700_000_000
    signed = standard_headers(body, at=now)
    svix = WebhookScheme(
        signature_header="svix-signature", id_header="svix-id", timestamp_header="svix-timestamp"
    )
    headers = {
        "Svix-Id": signed["webhook-id"],
        "SVIX-TIMESTAMP": signed["webhook-timestamp"],
        "svix-signature": signed["webhook-signature"],
    }
    verify(body, headers, SECRET, svix, now=now)
    with pytest.raises(WebhookVerificationError, match="webhook-signature header is missing"):
        verify(body, headers, SECRET, now=now)


def test_stripe_scheme() -> None:
    body, now = b'{"id":"evt_1"}', 1_700_000_000
    good = stripe_header(body, at=now)
    verify(body, {"stripe-signature": good}, STRIPE_SECRET, STRIPE, now=now)
    # Several v1 entries (a secret being rolled) and a v0 one are fine.
    mixed = f"t={now},v1={'0' * 64},v0=abc,{good.split(',')[1]}"
    verify(body, {"Stripe-Signature": mixed}, STRIPE_SECRET, STRIPE, now=now)
    for bad, message in (
        (good.replace("t=", "t=1"), "old|future|matches"),
        (f"t={now}", "no t=... and v1"),
        (f"v1={'0' * 64}", "no t=... and v1"),
        (stripe_header(body, secret="whsec_other", at=now), "wrong secret"),
        (stripe_header(body, at=now - 1000), "old"),
    ):
        with pytest.raises(WebhookVerificationError, match=message):
            verify(body, {"Stripe-Signature": bad}, STRIPE_SECRET, STRIPE, now=now)
    with pytest.raises(WebhookVerificationError, match="matches"):
        verify(body + b"!", {"Stripe-Signature": good}, STRIPE_SECRET, STRIPE, now=now)


def test_base_webhooks_take_the_secret_from_the_call_the_instance_or_the_environment(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    class Hooks(BaseWebhooks):
        scheme = WebhookScheme(secret_env="TEST_WEBHOOK_SECRET")
        event_type = dict[str, int]

    body = b'{"n": 1}'
    headers = standard_headers(body, at=int(time.time()))
    monkeypatch.delenv("TEST_WEBHOOK_SECRET", raising=False)
    with pytest.raises(WebhookVerificationError, match="set TEST_WEBHOOK_SECRET"):
        Hooks()._unwrap(body, headers, None)
    assert Hooks()._unwrap(body, headers, SECRET) == {"n": 1}
    assert Hooks(secret=SECRET)._unwrap(body, headers, None) == {"n": 1}
    monkeypatch.setenv("TEST_WEBHOOK_SECRET", SECRET)
    assert Hooks()._unwrap(body, headers, None) == {"n": 1}
    assert SECRET not in repr(Hooks(secret=SECRET))
