"""Deciding about a response: retry or not, errors, logging, parsing the body or the events."""

from __future__ import annotations

import json
import logging
from time import perf_counter
from typing import Any

import httpx
import pydantic

from ._client_state import ClientState
from ._errors import (
    APIConnectionError,
    APIError,
    APIResponseValidationError,
    APIStatusError,
    APITimeoutError,
    embedded_error,
    make_embedded_error,
    make_status_error,
)
from ._hooks import HookContext
from ._models import SchemaMismatch, validate_json
from ._operation import Operation
from ._options import checked_retry_policy, retry_count
from ._retries import RetryPolicy, retry_delay, should_retry_status
from ._streaming import EventParser
from ._types import NotGiven

_INFO = logging.INFO


class ResponseHandling(ClientState):
    """Retry decisions, error mapping and parsing (no I/O)."""

    def _policy(
        self, operation: Operation, retry: RetryPolicy | int | NotGiven
    ) -> tuple[RetryPolicy, int]:
        """The retry policy of one call and its number of retries.

        Precedence: the call's ``retry=``, the client's (constructor or ``with_options``), the
        operation's (from the API description), the API's (config or description). An int, and
        the client's ``max_retries``, replace only the number of retries.
        """
        if isinstance(retry, RetryPolicy):
            return retry, retry.max_retries
        policy = self._retry or operation.retry or self._default_retry
        if isinstance(retry, int) and not isinstance(retry, NotGiven):
            return policy, retry_count(retry)
        if not isinstance(retry, NotGiven):
            checked_retry_policy(retry)  # raises
        if self._max_retries_given or self._retry is not None:
            return policy, self._max_retries
        return policy, policy.max_retries

    def _retry_after_response(
        self,
        response: httpx.Response,
        retries_taken: int,
        max_retries: int,
        policy: RetryPolicy,
        elapsed: float,
    ) -> float | None:
        """Seconds to wait before retrying an error response, or None to raise it."""
        if not should_retry_status(response.status_code, response.headers, policy.status_codes):
            return None
        config = self._config
        delay = self._delay(policy, retries_taken, max_retries, response.headers, elapsed)
        if self._logger.isEnabledFor(_INFO):
            reason = f"HTTP {response.status_code}"
            if delay is not None:
                self._log_retry(response.request, reason, delay, retries_taken, max_retries)
            elif retries_taken < max_retries:
                self._logger.info(
                    "Not retrying %s %s (%s): the server asks to wait longer than %s s, or the "
                    "retry time limit (%s s) is reached",
                    response.request.method,
                    self._redactor.url(str(response.request.url)),
                    reason,
                    config.max_retry_after,
                    policy.max_elapsed,
                )
        return delay

    def _retry_after_error(
        self,
        exc: Exception,
        request: httpx.Request,
        retries_taken: int,
        max_retries: int,
        policy: RetryPolicy,
        elapsed: float,
    ) -> float | None:
        """Seconds to wait before retrying after a transport error, or None to raise."""
        if isinstance(exc, (httpx.UnsupportedProtocol, httpx.LocalProtocolError)):
            return None  # a bad URL or request: trying again cannot help
        if not policy.retry_connection_errors:
            return None
        delay = self._delay(policy, retries_taken, max_retries, None, elapsed)
        if delay is not None and self._logger.isEnabledFor(_INFO):
            self._log_retry(request, type(exc).__name__, delay, retries_taken, max_retries)
        return delay

    def _delay(
        self,
        policy: RetryPolicy,
        retries_taken: int,
        max_retries: int,
        headers: httpx.Headers | None,
        elapsed: float,
    ) -> float | None:
        return retry_delay(
            retries_taken,
            max_retries,
            headers,
            initial=policy.initial_delay,
            maximum=policy.max_delay,
            max_retry_after=self._config.max_retry_after,
            exponent=policy.exponent,
            elapsed=elapsed,
            max_elapsed=policy.max_elapsed,
        )

    def _log_retry(
        self, request: httpx.Request, reason: str, delay: float, taken: int, max_retries: int
    ) -> None:
        self._logger.info(
            "Retrying %s %s in %.2f s (retry %d of %d) after %s",
            request.method,
            self._redactor.url(str(request.url)),
            delay,
            taken + 1,
            max_retries,
            reason,
        )

    def _log_response(self, response: httpx.Response, start: float) -> None:
        request = response.request
        self._logger.info(
            'HTTP Request: %s %s "%d %s" %.1f ms',
            request.method,
            self._redactor.url(str(request.url)),
            response.status_code,
            response.reason_phrase,
            (perf_counter() - start) * 1000.0,
        )

    def _connection_error(self, exc: Exception, request: httpx.Request) -> APIConnectionError:
        detail = self._redactor.text(
            f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
        )
        if isinstance(exc, httpx.TimeoutException):
            return APITimeoutError(f"Request timed out ({detail}).", request=request)
        return APIConnectionError(f"Connection error ({detail}).", request=request)

    def _status_error(self, operation: Operation, response: httpx.Response) -> APIStatusError:
        if self._logger.isEnabledFor(_INFO):
            self._logger.info(
                'HTTP Request: %s %s "%d %s"',
                response.request.method,
                self._redactor.url(str(response.request.url)),
                response.status_code,
                response.reason_phrase,
            )
        return make_status_error(
            response,
            operation.error_types,
            error_key=self._config.error_key,
            redact=self._redactor.text,
        )

    def _context(self, operation: Operation, attempt: int) -> HookContext:
        return HookContext(
            operation_id=operation.operation_id,
            call_path=operation.call_path,
            resource=operation.resource,
            method=operation.method,
            path=operation.path,
            attempt=attempt,
        )

    def _mark_request_id(self, exc: APIError) -> None:
        """Errors read the request id from the configured header."""
        header = self._config.request_id_header
        if header != APIError.request_id_header:
            exc.request_id_header = header

    # -- parsing --------------------------------------------------------------------------------

    def _parse_body(self, operation: Operation, response: httpx.Response) -> Any:
        kind = operation.response_kind
        if kind == "json":
            content = response.content
            if not content:
                return None
            marker = self._marker_bytes
            if marker is not None and marker in content:
                self._raise_embedded_error(operation, response, content)
            if operation.response_type is None:
                return None
            result = self._validate(
                operation, operation.response_type, operation.response_model, content, response
            )
            header = self._config.request_id_header
            if header and isinstance(result, pydantic.BaseModel):
                # An undeclared underscore name, kept beside the fields (never dumped or compared);
                # set as pydantic itself sets such names, without its slower __setattr__.
                object.__setattr__(result, "_request_id", response.headers.get(header))
            return result
        if kind == "text":
            return response.text
        if kind == "binary":
            return response.content
        return None

    def _validate(
        self,
        operation: Operation,
        tp: object,
        model: type[pydantic.BaseModel] | None,
        content: bytes | str,
        response: httpx.Response,
    ) -> Any:
        try:
            return validate_json(
                tp,
                model,
                content,
                strict=self._strict,
                logger=self._logger,
                label=operation.operation_id,
            )
        except SchemaMismatch as exc:
            first = exc.error.errors(include_url=False, include_input=False)[0]
            where = ".".join(str(p) for p in first["loc"]) or "(root)"
            raise APIResponseValidationError(
                f"{operation.operation_id}: the response does not match its schema "
                f"({exc.error.error_count()} errors; first at {where}: {first['msg']})",
                response=response,
                body=exc.data,
            ) from exc.error
        except pydantic.ValidationError as exc:
            text = content if isinstance(content, str) else content.decode("utf-8", "replace")
            raise APIResponseValidationError(
                f"{operation.operation_id}: the response is not valid JSON",
                response=response,
                body=text,
            ) from exc

    def _raise_embedded_error(
        self, operation: Operation, response: httpx.Response, content: bytes | str
    ) -> None:
        key = self._config.error_key
        if key is None or not operation.embedded_errors:
            return
        try:
            data = json.loads(content)
        except (ValueError, RecursionError):
            return  # not JSON (or nested too deep to read): validation reports it
        err = embedded_error(data, key)
        if err is not None:
            raise make_embedded_error(
                response,
                data,
                err,
                operation.error_types,
                error_key=key,
                redact=self._redactor.text,
            )

    def _json_instead_of_events(self, response: httpx.Response) -> bool:
        """A streaming call answered with JSON: its body may hold an error object."""
        if self._marker_bytes is None:
            return False
        content_type: str = response.headers.get("content-type", "")
        return "json" in content_type

    def _event_parser(self, operation: Operation) -> EventParser[Any]:
        tp, model = operation.stream_type, operation.stream_model
        validate: Any
        if tp is None:
            validate = None
        elif model is not None:
            validate = model.model_validate_json
        else:
            from ._models import get_adapter

            validate = get_adapter(tp).validate_json

        def recover(response: httpx.Response, data: str, exc: pydantic.ValidationError) -> Any:
            return self._validate(operation, tp, model, data, response)

        def on_error_marker(response: httpx.Response, data: str) -> None:
            self._raise_embedded_error(operation, response, data)

        return EventParser(
            max_event_bytes=self._max_event_bytes,
            validate=validate,
            recover=recover,
            done=self._config.sse_done,
            error_marker=self._marker_str if operation.embedded_errors else None,
            on_error_marker=on_error_marker,
        )
