"""Runtime support for the generated client: transport, auth, retries, parsing, streaming.

Copied verbatim into every generated package; it knows nothing about any one API. Everything
API-specific reaches it as data: an ``Operation`` per operation and a ``ClientConfig`` per client.
"""

from ._async_client import AsyncAPIResource, AsyncClient
from ._auth_flows import AuthOption, ClientCredentials, TokenProvider
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
from ._hooks import Hook, HookContext
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
from ._streamed_response import (
    AsyncStreamedAPIResponse,
    AsyncStreamedResponseContext,
    StreamedAPIResponse,
    StreamedResponseContext,
    async_to_streamed_response_wrapper,
    to_streamed_response_wrapper,
)
from ._streaming import AsyncStream, ServerSentEvent, SSEDecoder, Stream
from ._sync_client import SyncAPIResource, SyncClient
from ._types import NOT_GIVEN, Body, FileTypes, Headers, NotGiven, Query, TimeoutTypes
from ._webhooks import BaseWebhooks, WebhookScheme, WebhookVerificationError, verify_signature

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
    "AsyncStreamedAPIResponse",
    "AsyncStreamedResponseContext",
    "AuthOption",
    "AuthenticationError",
    "BadRequestError",
    "BaseModel",
    "BaseWebhooks",
    "Body",
    "ClientConfig",
    "ClientCredentials",
    "ConflictError",
    "FileTypes",
    "Headers",
    "Hook",
    "HookContext",
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
    "StreamedAPIResponse",
    "StreamedResponseContext",
    "SyncAPIResource",
    "SyncClient",
    "SyncPage",
    "TimeoutTypes",
    "TokenProvider",
    "UnprocessableEntityError",
    "WebhookScheme",
    "WebhookVerificationError",
    "async_to_raw_response_wrapper",
    "async_to_streamed_response_wrapper",
    "tagged_by",
    "to_raw_response_wrapper",
    "to_streamed_response_wrapper",
    "verify_signature",
]
