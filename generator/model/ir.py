"""The intermediate representation: what the generated client is made of.

Frozen, slotted dataclasses holding tuples. Operations refer to types by name, never by embedding
them. Every node carries the `Location` it came from. Names and types are decided by the builder;
types are data (`TypeExpr`), printed as Python only at render time (`render/types.py`). No field
holds Python source text.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from generator.diagnostics import Location

# --- type expressions ------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Prim:
    """A builtin: str, int, float, bool, bytes, date, datetime, time, uuid, any, none, object."""

    name: str


@dataclass(frozen=True, slots=True)
class Ref:
    """A named type defined in the models package."""

    name: str


@dataclass(frozen=True, slots=True)
class Array:
    item: TypeExpr


@dataclass(frozen=True, slots=True)
class Map:
    value: TypeExpr


@dataclass(frozen=True, slots=True)
class Tuple:
    items: tuple[TypeExpr, ...]


@dataclass(frozen=True, slots=True, eq=False)
class Literal:
    """Equal only with the same values of the same types: Python has True == 1 and 0 == False,
    so by plain tuple equality Literal[True] and Literal[1] were one type, and the type
    printer's memo printed both as whichever came first."""

    values: tuple[str | int | float | bool | None, ...]

    def _typed(self) -> tuple[tuple[type, object], ...]:
        return tuple((type(value), value) for value in self.values)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Literal) and self._typed() == other._typed()

    def __hash__(self) -> int:
        return hash(self._typed())


@dataclass(frozen=True, slots=True)
class Union:
    options: tuple[TypeExpr, ...]
    discriminator: Discriminator | None = None


@dataclass(frozen=True, slots=True)
class Nullable:
    inner: TypeExpr


TypeExpr = Prim | Ref | Array | Map | Tuple | Literal | Union | Nullable


@dataclass(frozen=True, slots=True)
class Discriminator:
    property: str  # wire name of the tag property
    mapping: tuple[tuple[str, str], ...]  # tag value -> model name


# --- named types -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Field:
    name: str  # Python attribute name
    wire_name: str
    type: TypeExpr
    required: bool
    description: str | None
    default_doc: str | None  # the spec's default, for documentation
    deprecated: bool
    read_only: bool
    write_only: bool
    location: Location


@dataclass(frozen=True, slots=True)
class Model:
    kind: ClassVar[str] = "model"
    name: str
    module: str
    fields: tuple[Field, ...]
    description: str | None
    extra_type: TypeExpr | None  # type of additionalProperties values, when declared
    deprecated: bool
    location: Location


@dataclass(frozen=True, slots=True)
class Enum:
    kind: ClassVar[str] = "enum"
    name: str
    module: str
    values: tuple[str | int | float | bool | None, ...]
    description: str | None
    location: Location


@dataclass(frozen=True, slots=True)
class Alias:
    kind: ClassVar[str] = "alias"
    name: str
    module: str
    type: TypeExpr
    description: str | None
    location: Location


Definition = Model | Enum | Alias


@dataclass(frozen=True, slots=True)
class ModelModule:
    name: str  # module name inside the models package
    definitions: tuple[Definition, ...]  # in dependency order
    rebuild: tuple[str, ...]  # models whose forward references cross into this module


# --- operations ----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Parameter:
    name: str  # Python keyword argument
    wire_name: str
    location_in: str  # path, query, header, cookie
    type: TypeExpr
    required: bool
    description: str | None
    style: str | None
    explode: bool | None
    deprecated: bool
    location: Location
    deprecation: str | None = None  # the note a deprecated parameter warns with


@dataclass(frozen=True, slots=True)
class BodyField:
    name: str
    wire_name: str
    type: TypeExpr
    required: bool
    description: str | None
    is_file: bool  # a multipart file part: the argument takes a file
    is_stream_flag: bool
    deprecation: str | None = None  # the note a deprecated body property warns with


@dataclass(frozen=True, slots=True)
class RequestBody:
    content_type: str
    required: bool
    fields: tuple[BodyField, ...]  # exploded object properties, as keyword arguments
    whole_name: str | None  # when not exploded: the keyword argument taking the whole body
    whole_type: TypeExpr | None  # its type
    whole_is_file: bool  # the whole body is a file's bytes: the argument takes a file
    description: str | None
    location: Location


@dataclass(frozen=True, slots=True)
class ErrorType:
    status: str  # "400", "4XX", "default"
    type: TypeExpr  # what the error body is parsed as
    error_class: str  # the runtime's exception raised for it: `BadRequestError`, `APIStatusError`


# --- example values: data, printed as Python at render time ---------------------------------


@dataclass(frozen=True, slots=True)
class ExampleObject:
    """A JSON object of an example, keys in the spec's order."""

    items: tuple[tuple[str, ExampleValue], ...]


@dataclass(frozen=True, slots=True)
class ExampleFile:
    """A placeholder for an uploaded file (printed as a bytes literal)."""


ExampleValue = (
    None | bool | int | float | str | tuple["ExampleValue", ...] | ExampleObject | ExampleFile
)


@dataclass(frozen=True, slots=True)
class ExampleArgument:
    name: str  # the Python keyword argument
    value: ExampleValue
    from_spec: bool  # False: a placeholder built from the argument's type


@dataclass(frozen=True, slots=True)
class RetrySettings:
    """A retry policy as data: from `x-speakeasy-retries` and `[tool.oagen.retry]` (config wins,
    key by key). None = not given (the runtime's default applies)."""

    max_retries: int | None
    initial_delay: float | None  # seconds
    max_delay: float | None  # seconds
    statuses: tuple[str, ...] | None  # "429", "5XX"
    retry_connection_errors: bool | None
    exponent: float | None
    max_elapsed: float | None  # seconds
    sources: tuple[str, ...]  # where the values came from: "x-speakeasy-retries", "config"


@dataclass(frozen=True, slots=True)
class Pagination:
    """How a list operation pages (see docs/pagination.md); the runtime's `Paging` is printed
    from it. Paths into the response are the models' attribute names; parameters are wire
    names, as the request's `query`/`body` mappings key them."""

    strategy: str  # cursor, offset, page, next_url, link_header
    source: str  # x-oagen-pagination, x-speakeasy-pagination, x-ms-pageable, x-fern-pagination,
    # or inferred
    reason: str  # for an inference: the convention recognised (Markdown)
    item: TypeExpr  # the type of each item
    items: tuple[str, ...]  # where the items are; (): the body is the list
    parameter: str | None  # the parameter a next request changes (cursor, offset, page)
    parameter_in: str  # query, body
    limit_parameter: str | None  # the page size: a shorter page is the last
    next: tuple[str, ...]  # the next cursor or link
    item_cursor: str | None  # the last item's field that is the next cursor
    has_more: tuple[str, ...]  # a boolean: false on the last page
    first: int  # the first page's number (page strategy)


@dataclass(frozen=True, slots=True)
class Operation:
    operation_id: str
    method_name: str
    constant: str  # module-level name of the runtime `Operation` description
    http_method: str
    path: str
    resource: str  # the resource's call path from the client: "chat.completions"
    summary: str | None
    description: str | None
    deprecated: bool
    parameters: tuple[Parameter, ...]
    body: RequestBody | None
    response: TypeExpr | None  # what the non-streaming call returns; None: no body
    response_kind: str  # json, text, binary, none
    stream: TypeExpr | None  # type of each SSE event, when the operation streams
    stream_mode: str | None  # "flag": a body property switches to SSE; "accept": a method-only
    # argument asks for SSE with the Accept header; "always": the operation only streams
    stream_argument: str | None  # the Python argument that switches, for "flag" and "accept"
    errors: tuple[ErrorType, ...]
    security: tuple[tuple[str, ...], ...]
    location: Location
    example_arguments: tuple[ExampleArgument, ...]  # an example call's arguments, from the
    # spec's examples, with placeholders for required arguments the spec gives no example for
    embedded_errors: bool  # False when a success body declares the error key as required data
    retry: RetrySettings | None  # the description's policy for this operation (with config)
    # Header of the idempotency key when this operation declares its own (a header parameter
    # named like one); None: the API's.
    idempotency_header: str | None
    # The argument taking a caller's idempotency key (a declared header parameter, or the
    # per-call option); None on idempotent methods.
    idempotency_argument: str | None
    idempotency_option: bool  # True: the argument is the per-call option, not a parameter
    pagination: Pagination | None = None  # None: the operation returns its body as it is
    # The note a deprecated operation warns with (`deprecated` is True); from the spec's hint
    # (x-speakeasy-deprecation-message...) where it gives one.
    deprecation: str | None = None


@dataclass(frozen=True, slots=True)
class SubResource:
    """A resource as an attribute of its parent resource: `client.chat.completions`."""

    attribute: str
    module: str
    class_name: str
    async_class_name: str
    raw_class_name: str
    async_raw_class_name: str
    streaming_class_name: str
    async_streaming_class_name: str
    class_names: tuple[str, ...]  # the six classes above, in import order


@dataclass(frozen=True, slots=True)
class Resource:
    attribute: str  # the last name of its call path: client.<parent>.<attribute>
    path: str  # the call path from the client: "chat.completions"
    parent: str | None  # the parent's call path; None for the client's own attributes
    children: tuple[SubResource, ...]  # its sub-resources, by attribute
    class_name: str
    async_class_name: str
    module: str
    description: str | None
    operations: tuple[Operation, ...]
    raw_class_name: str
    async_raw_class_name: str
    streaming_class_name: str  # methods returning a context manager over the unread response
    async_streaming_class_name: str
    class_names: tuple[str, ...]  # the six classes above, in import order


@dataclass(frozen=True, slots=True)
class WebhookEvent:
    """A request the API sends (an OpenAPI 3.1 webhook or an operation's callback)."""

    name: str  # the webhook's key, or "<operationId> <callback name>"
    kind: str  # webhook, callback
    http_method: str
    type: TypeExpr  # of its JSON body
    summary: str | None
    description: str | None
    location: Location


@dataclass(frozen=True, slots=True)
class WebhookSignature:
    """How the API signs those requests (`[tool.oagen.webhooks]`, else Standard Webhooks)."""

    scheme: str  # standard, stripe
    signature_header: str
    id_header: str | None  # standard only
    timestamp_header: str | None  # standard only
    tolerance: float  # seconds
    secret_env: str


@dataclass(frozen=True, slots=True)
class Webhooks:
    """`client.webhooks`: verify a request's signature and read its typed event."""

    events: tuple[WebhookEvent, ...]
    event_type: TypeExpr  # the union of the events' types (one type when they share it)
    signature: WebhookSignature


@dataclass(frozen=True, slots=True)
class SecurityScheme:
    key: str  # name in components.securitySchemes
    kind: str  # http, apiKey, oauth2, openIdConnect
    scheme: str | None  # bearer, basic
    location_in: str | None  # header, query, cookie (apiKey)
    param_name: str | None
    argument: str  # constructor keyword argument
    env_var: str | None
    description: str | None
    token_url: str | None = None  # OAuth2 client credentials: the token endpoint
    scopes: tuple[str, ...] = ()
    client_id_env: str | None = None
    client_secret_env: str | None = None


@dataclass(frozen=True, slots=True)
class Server:
    name: str  # the value of the constructor's server= option
    url: str  # with {variables}
    description: str | None


@dataclass(frozen=True, slots=True)
class ServerVariable:
    name: str  # as in the URL template
    argument: str  # constructor keyword argument
    default: str
    allowed: tuple[str, ...]  # () = any value
    description: str | None


@dataclass(frozen=True, slots=True)
class Api:
    title: str
    version: str
    description: str | None
    spec_version: str
    base_url: str
    package: str
    distribution: str
    package_version: str
    client_class: str
    async_client_class: str
    env_prefix: str
    base_url_env: str
    log_env: str
    security_schemes: tuple[SecurityScheme, ...]
    modules: tuple[ModelModule, ...]
    model_names: tuple[tuple[str, str], ...]  # (name, module), sorted by name
    resources: tuple[Resource, ...]
    default_headers: tuple[tuple[str, str], ...]
    sse_done: str | None
    error_key: str | None
    retry: RetrySettings | None  # the API's policy (config, else document-level description)
    idempotency_header: str | None  # None: no idempotency key
    license: str | None
    urls: tuple[tuple[str, str], ...]  # (label, url) for the distribution's metadata
    naming_style: str  # the inference style chosen for operations without naming hints
    naming_sources: tuple[tuple[str, int], ...]  # operations named by each source, most first
    webhooks: Webhooks | None  # None: the description declares no webhooks nor callbacks
    operation_total: int  # operations in the spec, generated or not
    schema_total: int  # named schemas in the spec
    servers: tuple[Server, ...] = ()  # selectable with server= when there are several
    server_variables: tuple[ServerVariable, ...] = ()
    request_id_header: str | None = "x-request-id"
