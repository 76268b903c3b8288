"""Runtime support for the generated client: transport, auth, retries, parsing, streaming.

Copied verbatim into every generated package; it knows nothing about any one API. Everything
API-specific reaches it as data: an ``Operation`` per operation and a ``ClientConfig`` per client.
"""

from ._client import AsyncAPIResource, AsyncClient, SyncAPIResource, SyncClient
from ._errors import (
    APIConnectionError,
    APIError,
    APIResponseValidationError,
    APIStatusError,
    APITimeoutError,
    AuthenticationError,
    BadRequestError,
    ConflictError,
    InternalServerError,
    InvalidRequestError,
    MissingCredentialsError,
    NotFoundError,
    PermissionDeniedError,
    RateLimitError,
    RedirectError,
    ResponseTooLargeError,
    UnprocessableEntityError,
)
from ._models import BaseModel, Lenient, tagged_by
from ._operation import (
    DEFAULT_MAX_RETRIES,
    DEFAULT_TIMEOUT,
    ClientConfig,
    Operation,
    Param,
    SecurityScheme,
)
from ._pagination import AsyncPage, AsyncPaginator, Paging, SyncPage
from ._response import (
    APIResponse,
    AsyncAPIResponse,
    async_to_raw_response_wrapper,
    to_raw_response_wrapper,
)
from ._retries import RetryPolicy
from ._streaming import AsyncStream, ServerSentEvent, SSEDecoder, Stream
from ._types import NOT_GIVEN, Body, FileTypes, Headers, NotGiven, Query, TimeoutTypes

__all__ = [
    "DEFAULT_MAX_RETRIES",
    "DEFAULT_TIMEOUT",
    "NOT_GIVEN",
    "APIConnectionError",
    "APIError",
    "APIResponse",
    "APIResponseValidationError",
    "APIStatusError",
    "APITimeoutError",
    "AsyncAPIResource",
    "AsyncAPIResponse",
    "AsyncClient",
    "AsyncPage",
    "AsyncPaginator",
    "AsyncStream",
    "AuthenticationError",
    "BadRequestError",
    "BaseModel",
    "Body",
    "ClientConfig",
    "ConflictError",
    "FileTypes",
    "Headers",
    "InternalServerError",
    "InvalidRequestError",
    "Lenient",
    "MissingCredentialsError",
    "NotFoundError",
    "NotGiven",
    "Operation",
    "Paging",
    "Param",
    "PermissionDeniedError",
    "Query",
    "RateLimitError",
    "RedirectError",
    "ResponseTooLargeError",
    "RetryPolicy",
    "SSEDecoder",
    "SecurityScheme",
    "ServerSentEvent",
    "Stream",
    "SyncAPIResource",
    "SyncClient",
    "SyncPage",
    "TimeoutTypes",
    "UnprocessableEntityError",
    "async_to_raw_response_wrapper",
    "tagged_by",
    "to_raw_response_wrapper",
]
