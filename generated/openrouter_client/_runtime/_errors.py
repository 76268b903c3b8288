"""Exceptions raised by generated clients.

::

    APIError
    ├── APIConnectionError            no usable response (the httpx error is in __cause__)
    │   ├── APITimeoutError
    │   └── RedirectError             a redirect the client refuses: a non-http(s) target, too many
    ├── APIResponseValidationError    a 2xx body that cannot be parsed (or strict validation failed)
    ├── ResponseTooLargeError         a body or stream event over the client's size cap
    ├── InvalidRequestError           (also a ValueError) a value that cannot be sent safely: an
    │                                 empty, "." or ".." path parameter, a header with CR/LF
    ├── MissingCredentialsError       an operation needs credentials that were not configured
    └── APIStatusError                an error status, or an error object inside a 2xx body
        ├── BadRequestError           400
        ├── AuthenticationError       401
        ├── PermissionDeniedError     403
        ├── NotFoundError             404
        ├── ConflictError             409
        ├── UnprocessableEntityError  422
        ├── RateLimitError            429
        └── InternalServerError       >= 500

Other statuses (402, 408, ...) raise a plain ``APIStatusError``; check ``.status_code``.
Messages never contain credentials: they pass through the client's redactor. They are also safe
to print: at most ``MAX_MESSAGE`` characters, with control characters (ANSI escapes, CR/LF, C1
controls) and invisible line or direction changes escaped, since much of a message is text the
server chose.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from typing import Any

import httpx
import pydantic

from ._models import get_adapter
from ._text import escape_unprintable

__all__ = [
    "APIConnectionError",
    "APIError",
    "APIResponseValidationError",
    "APIStatusError",
    "APITimeoutError",
    "AuthenticationError",
    "BadRequestError",
    "ConflictError",
    "InternalServerError",
    "InvalidRequestError",
    "MissingCredentialsError",
    "NotFoundError",
    "PermissionDeniedError",
    "RateLimitError",
    "RedirectError",
    "ResponseTooLargeError",
    "UnprocessableEntityError",
]

MAX_MESSAGE = 1000  # characters of a message; the whole error body stays in ``.body``


def printable(text: str) -> str:
    """``text`` cut to ``MAX_MESSAGE`` characters, with unprintable characters escaped."""
    if len(text) > MAX_MESSAGE:
        text = text[:MAX_MESSAGE] + "..."
    return escape_unprintable(text)


class APIError(Exception):
    """Base of every error raised by the client."""

    message: str
    request: httpx.Request | None
    body: object
    # The response header holding the server's request id; the client sets its configured one.
    request_id_header: str | None = "x-request-id"

    def __init__(
        self, message: str, *, request: httpx.Request | None = None, body: object = None
    ) -> None:
        message = printable(message)
        super().__init__(message)
        self.message = message
        self.request = request
        self.body = body

    def __str__(self) -> str:
        return self.message

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.message!r})"

    @property
    def request_id(self) -> str | None:
        """The server's request id (None when there was no response, or it sent none)."""
        response = getattr(self, "response", None)
        if response is None or not self.request_id_header:
            return None
        value: str | None = response.headers.get(self.request_id_header)
        return value


class APIConnectionError(APIError):
    """The request could not be sent or the response could not be read."""

    def __init__(
        self, message: str = "Connection error.", *, request: httpx.Request | None = None
    ) -> None:
        super().__init__(message, request=request)


class APITimeoutError(APIConnectionError):
    """The request timed out."""

    def __init__(
        self, message: str = "Request timed out.", *, request: httpx.Request | None = None
    ) -> None:
        super().__init__(message, request=request)


class RedirectError(APIConnectionError):
    """A redirect the client will not follow (a non-http(s) ``Location``, or too many hops)."""


class ResponseTooLargeError(APIError):
    """A response body, or one line or event of a stream, is larger than the client accepts.

    ``limit`` is the cap in bytes (``max_response_bytes`` or ``max_event_bytes``); raise it on
    the client if such responses are expected.
    """

    limit: int

    def __init__(self, message: str, *, limit: int, request: httpx.Request | None = None) -> None:
        super().__init__(message, request=request)
        self.limit = limit


class InvalidRequestError(APIError, ValueError):
    """A value that cannot be sent safely, raised before any network call.

    A path parameter that is empty, ``.`` or ``..`` (it would address another endpoint), a header
    name or value with control characters such as CR/LF (header injection), or a credential that
    cannot be sent where its scheme puts it. The message names the parameter, never the secret.
    """


class MissingCredentialsError(APIError):
    """Raised before any network call when an operation's security cannot be satisfied."""


class APIResponseValidationError(APIError):
    """A successful response whose body could not be parsed into the declared type."""

    response: httpx.Response
    status_code: int

    def __init__(self, message: str, *, response: httpx.Response, body: object = None) -> None:
        super().__init__(message, request=_request_of(response), body=body)
        self.response = response
        self.status_code = response.status_code


class APIStatusError(APIError):
    """The server answered with an error (an error status, or an error object in a 2xx body)."""

    response: httpx.Response
    status_code: int
    headers: httpx.Headers

    def __init__(
        self,
        message: str,
        *,
        response: httpx.Response,
        body: object = None,
        status_code: int | None = None,
    ) -> None:
        super().__init__(message, request=_request_of(response), body=body)
        self.response = response
        self.status_code = response.status_code if status_code is None else status_code
        self.headers = response.headers

    def __str__(self) -> str:
        return f"Error code: {self.status_code} - {self.message}"

    def __repr__(self) -> str:
        return f"{type(self).__name__}(status_code={self.status_code}, message={self.message!r})"


class BadRequestError(APIStatusError):
    pass


class AuthenticationError(APIStatusError):
    pass


class PermissionDeniedError(APIStatusError):
    pass


class NotFoundError(APIStatusError):
    pass


class ConflictError(APIStatusError):
    pass


class UnprocessableEntityError(APIStatusError):
    pass


class RateLimitError(APIStatusError):
    pass


class InternalServerError(APIStatusError):
    pass


_BY_STATUS: dict[int, type[APIStatusError]] = {
    400: BadRequestError,
    401: AuthenticationError,
    403: PermissionDeniedError,
    404: NotFoundError,
    409: ConflictError,
    422: UnprocessableEntityError,
    429: RateLimitError,
}


def status_error_class(status: int) -> type[APIStatusError]:
    if status >= 500:
        return InternalServerError
    return _BY_STATUS.get(status, APIStatusError)


def _request_of(response: httpx.Response) -> httpx.Request | None:
    try:
        return response.request
    except RuntimeError:  # a response built by hand, without a request
        return None


def decode_body(response: httpx.Response) -> object:
    """The error body as JSON if it parses, else as text (None when empty)."""
    content = response.content
    if not content:
        return None
    try:
        return json.loads(content)
    except (ValueError, RecursionError):  # not JSON, or nested deeper than Python recurses
        return response.text


def error_message(body: object, fallback: str, error_key: str | None = None) -> str:
    """The human message of an error body, e.g. body["error"]["message"] or body["message"]."""
    if isinstance(body, Mapping):
        for key in (error_key, "error"):
            if key is None:
                continue
            err = body.get(key)
            if isinstance(err, Mapping):
                msg = err.get("message")
                if isinstance(msg, str) and msg:
                    return msg
            elif isinstance(err, str) and err:
                return err
        for key in ("message", "detail"):
            msg = body.get(key)
            if isinstance(msg, str) and msg:
                return msg
    elif isinstance(body, str) and body.strip():
        # Cut well past MAX_MESSAGE: the message is redacted before APIError cuts it to size,
        # so a credential straddling this cut never shows.
        return body.strip()[: MAX_MESSAGE * 4]
    return fallback


def typed_error_body(error_types: Mapping[str, object], status: int, data: object) -> object:
    """``data`` validated as the declared error type ("404" > "4XX" > "default"), if any."""
    if not error_types:
        return data
    tp = error_types.get(str(status))
    if tp is None:
        tp = error_types.get(f"{status // 100}XX", error_types.get(f"{status // 100}xx"))
    if tp is None:
        tp = error_types.get("default")
    if tp is None:
        return data
    try:
        return get_adapter(tp).validate_python(data)
    except (pydantic.ValidationError, pydantic.PydanticSchemaGenerationError, TypeError):
        return data  # an undeclared error shape is still an error: keep the raw body


def make_status_error(
    response: httpx.Response,
    error_types: Mapping[str, object],
    *,
    error_key: str | None,
    redact: Callable[[str], str],
) -> APIStatusError:
    """The error for a non-2xx response whose body has been read."""
    status = response.status_code
    data = decode_body(response)
    message = redact(error_message(data, response.reason_phrase or f"HTTP {status}", error_key))
    body = typed_error_body(error_types, status, data)
    return status_error_class(status)(message, response=response, body=body)


def embedded_error(data: object, error_key: str) -> object:
    """The error object a 2xx JSON body (or stream event) carries under ``error_key``, or None.

    Counts when the key holds an object, or when it holds anything else and it is the only
    non-null member of the body.
    """
    if not isinstance(data, dict):
        return None
    err = data.get(error_key)
    if isinstance(err, dict):
        return err
    if err is None or err == "" or err is False:
        return None
    if all(v is None for k, v in data.items() if k != error_key):
        return err
    return None


def make_embedded_error(
    response: httpx.Response,
    data: dict[str, Any],
    err: object,
    error_types: Mapping[str, object],
    *,
    error_key: str,
    redact: Callable[[str], str],
) -> APIStatusError:
    """The error for an error object found inside a 2xx body or a stream event."""
    status = _status_from_code(err.get("code") if isinstance(err, dict) else None)
    message = redact(error_message(data, "Error in response body", error_key))
    if status is None:
        return APIStatusError(message, response=response, body=data)
    body = typed_error_body(error_types, status, data)
    cls = status_error_class(status) if status >= 400 else APIStatusError
    return cls(message, response=response, body=body, status_code=status)


def _status_from_code(code: object) -> int | None:
    if isinstance(code, bool):
        return None
    if isinstance(code, str) and code.isdigit():
        code = int(code)
    if isinstance(code, int) and 100 <= code <= 599:
        return code
    return None
