"""A hand-written stand-in for a generated client, used to exercise the runtime."""

from __future__ import annotations

from collections.abc import Mapping
from functools import cached_property
from typing import Any, ClassVar, Literal, cast

import httpx
from pydantic import Field

from generator.runtime import (
    NOT_GIVEN,
    AsyncAPIResource,
    AsyncClient,
    AsyncStream,
    BaseModel,
    ClientConfig,
    Headers,
    Lenient,
    NotGiven,
    Operation,
    Param,
    Query,
    RetryPolicy,
    SecurityScheme,
    Stream,
    SyncAPIResource,
    SyncClient,
    async_to_raw_response_wrapper,
    to_raw_response_wrapper,
)

# -- models ---------------------------------------------------------------------------------------


class Message(BaseModel):
    role: Lenient[Literal["user", "assistant", "system"]]
    content: str | None = None


class Choice(BaseModel):
    index: int
    message: Message | None = None
    finish_reason: Lenient[Literal["stop", "length"]] | None = None


class Completion(BaseModel):
    id: str
    object: str | None = None
    choices: list[Choice]
    model_from: str | None = Field(default=None, alias="from")


class Delta(BaseModel):
    content: str | None = None
    role: str | None = None


class ChunkChoice(BaseModel):
    index: int
    delta: Delta


class Chunk(BaseModel):
    id: str
    choices: list[ChunkChoice]


class Key(BaseModel):
    hash: str
    name: str
    limit: float | None = None
    disabled: bool | None = None


class NotFoundBody(BaseModel):
    class Detail(BaseModel):
        code: int
        message: str

    error: Detail


class GenericErrorBody(BaseModel):
    error: dict[str, Any]


# -- operations -----------------------------------------------------------------------------------

_ERRORS: Mapping[str, object] = {"404": NotFoundBody, "4XX": GenericErrorBody}

CHAT = Operation(
    method="POST",
    path="/chat/completions",
    operation_id="create_chat_completion",
    security=(("bearerAuth",),),
    request_content_type="application/json",
    response_type=Completion,
    stream_type=Chunk,
    params=(Param("X-Title", "header"),),
    error_types=_ERRORS,
)
GET_KEY = Operation(
    method="GET",
    path="/keys/{hash}",
    operation_id="get_key",
    params=(Param("hash", "path"), Param("include", "query", explode=False)),
    security=(("bearerAuth",),),
    response_type=Key,
    error_types=_ERRORS,
)
LIST_KEYS = Operation(
    method="GET",
    path="/keys",
    operation_id="list_keys",
    params=(Param("offset", "query"), Param("filter", "query", style="deepObject")),
    security=(("bearerAuth",),),
    response_type=list[Key],
)
CREATE_KEY = Operation(
    method="POST",
    path="/keys",
    operation_id="create_key",
    security=(("bearerAuth",),),
    request_content_type="application/json",
    response_type=Key,
)
DELETE_KEY = Operation(
    method="DELETE",
    path="/keys/{hash}",
    operation_id="delete_key",
    params=(Param("hash", "path"),),
    security=(("bearerAuth",),),
    response_type=None,
    response_kind="none",
)
MODELS = Operation(
    method="GET",
    path="/models",
    operation_id="list_models",
    response_type=dict[str, Any],
)
UPLOAD = Operation(
    method="POST",
    path="/files",
    operation_id="upload_file",
    security=(("bearerAuth",),),
    request_content_type="multipart/form-data",
    response_type=dict[str, Any],
    file_fields=frozenset({"file", "attachments"}),
)


# -- client ---------------------------------------------------------------------------------------

CONFIG = ClientConfig(
    default_base_url="https://api.example.test/v1",
    base_url_env="FAKE_BASE_URL",
    security_schemes={
        "bearerAuth": SecurityScheme(
            type="http", scheme="bearer", argument="api_key", env_var="FAKE_API_KEY"
        ),
    },
    user_agent="fake-api-python/1.0",
    error_key="error",
    log_env="FAKE_LOG",
    logger_name="fake_api",
)


class Chat(SyncAPIResource):
    def create(
        self,
        *,
        model: str,
        messages: list[dict[str, Any]],
        max_tokens: int | NotGiven | None = NOT_GIVEN,
        stream: bool | NotGiven = NOT_GIVEN,
        x_title: str | NotGiven = NOT_GIVEN,
        extra_headers: Headers | None = None,
        extra_query: Query | None = None,
        extra_body: dict[str, object] | None = None,
        timeout: float | httpx.Timeout | NotGiven | None = NOT_GIVEN,
    ) -> Completion | Stream[Chunk]:
        return cast(
            "Completion | Stream[Chunk]",
            self._client.request(
                CHAT,
                headers={"X-Title": x_title},
                body={"model": model, "messages": messages, "max_tokens": max_tokens,
                      "stream": stream},
                stream=stream,
                extra_headers=extra_headers,
                extra_query=extra_query,
                extra_body=extra_body,
                timeout=timeout,
            ),
        )  # fmt: skip

    @cached_property
    def with_raw_response(self) -> ChatRaw:
        return ChatRaw(self)


class ChatRaw:
    def __init__(self, chat: Chat) -> None:
        self.create = to_raw_response_wrapper(chat.create)


class Keys(SyncAPIResource):
    def get(self, hash: str, *, include: list[str] | NotGiven = NOT_GIVEN) -> Key:
        return cast(Key, self._client.request(GET_KEY, path={"hash": hash},
                                              query={"include": include}))  # fmt: skip

    def list(
        self, *, offset: int | NotGiven = NOT_GIVEN, filter: dict[str, Any] | NotGiven = NOT_GIVEN
    ) -> list[Key]:
        return cast(
            "list[Key]",
            self._client.request(LIST_KEYS, query={"offset": offset, "filter": filter}),
        )

    def create(self, *, name: str, limit: float | NotGiven | None = NOT_GIVEN) -> Key:
        return cast(Key, self._client.request(CREATE_KEY, body={"name": name, "limit": limit}))

    def delete(self, hash: str) -> None:
        self._client.request(DELETE_KEY, path={"hash": hash})


class Files(SyncAPIResource):
    def upload(self, *, file: Any, purpose: str, **fields: Any) -> dict[str, Any]:
        body = {"file": file, "purpose": purpose, **fields}
        return cast("dict[str, Any]", self._client.request(UPLOAD, body=body))


class FakeAPI(SyncClient):
    _config: ClassVar[ClientConfig] = CONFIG

    def __init__(
        self,
        *,
        api_key: str | None = None,
        base_url: str | None = None,
        timeout: float | httpx.Timeout | NotGiven | None = NOT_GIVEN,
        max_retries: int | None = None,
        default_headers: Mapping[str, str] | None = None,
        default_query: Mapping[str, object] | None = None,
        http_client: httpx.Client | None = None,
        strict_response_validation: bool = False,
        max_response_bytes: int | NotGiven = NOT_GIVEN,
        max_event_bytes: int | NotGiven = NOT_GIVEN,
        retry: RetryPolicy | None = None,
        hooks: list[object] | None = None,
    ) -> None:
        super().__init__(
            credentials={"bearerAuth": api_key},
            base_url=base_url,
            timeout=timeout,
            max_retries=max_retries,
            default_headers=default_headers,
            default_query=default_query,
            http_client=http_client,
            strict_response_validation=strict_response_validation,
            max_response_bytes=max_response_bytes,
            max_event_bytes=max_event_bytes,
            retry=retry,
            hooks=hooks,
        )

    @cached_property
    def chat(self) -> Chat:
        return Chat(self)

    @cached_property
    def keys(self) -> Keys:
        return Keys(self)

    @cached_property
    def files(self) -> Files:
        return Files(self)

    def models(self) -> dict[str, Any]:
        return cast("dict[str, Any]", self.request(MODELS))


class AsyncChat(AsyncAPIResource):
    async def create(
        self,
        *,
        model: str,
        messages: list[dict[str, Any]],
        stream: bool | NotGiven = NOT_GIVEN,
        extra_body: dict[str, object] | None = None,
        timeout: float | httpx.Timeout | NotGiven | None = NOT_GIVEN,
    ) -> Completion | AsyncStream[Chunk]:
        return cast(
            "Completion | AsyncStream[Chunk]",
            await self._client.request(
                CHAT,
                body={"model": model, "messages": messages, "stream": stream},
                stream=stream,
                extra_body=extra_body,
                timeout=timeout,
            ),
        )

    @cached_property
    def with_raw_response(self) -> AsyncChatRaw:
        return AsyncChatRaw(self)


class AsyncChatRaw:
    def __init__(self, chat: AsyncChat) -> None:
        self.create = async_to_raw_response_wrapper(chat.create)


class AsyncKeys(AsyncAPIResource):
    async def get(self, hash: str) -> Key:
        return cast(Key, await self._client.request(GET_KEY, path={"hash": hash}))

    async def create(self, *, name: str, limit: float | NotGiven | None = NOT_GIVEN) -> Key:
        body = {"name": name, "limit": limit}
        return cast(Key, await self._client.request(CREATE_KEY, body=body))


class AsyncFakeAPI(AsyncClient):
    _config: ClassVar[ClientConfig] = CONFIG

    def __init__(
        self,
        *,
        api_key: str | None = None,
        base_url: str | None = None,
        timeout: float | httpx.Timeout | NotGiven | None = NOT_GIVEN,
        max_retries: int | None = None,
        http_client: httpx.AsyncClient | None = None,
        strict_response_validation: bool = False,
        max_response_bytes: int | NotGiven = NOT_GIVEN,
        max_event_bytes: int | NotGiven = NOT_GIVEN,
        retry: RetryPolicy | None = None,
        hooks: list[object] | None = None,
    ) -> None:
        super().__init__(
            credentials={"bearerAuth": api_key},
            base_url=base_url,
            timeout=timeout,
            max_retries=max_retries,
            http_client=http_client,
            strict_response_validation=strict_response_validation,
            max_response_bytes=max_response_bytes,
            max_event_bytes=max_event_bytes,
            retry=retry,
            hooks=hooks,
        )

    @cached_property
    def chat(self) -> AsyncChat:
        return AsyncChat(self)

    @cached_property
    def keys(self) -> AsyncKeys:
        return AsyncKeys(self)
