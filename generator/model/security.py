"""Security schemes and servers: what a generated client's constructor takes beyond the defaults.

Each security scheme becomes a constructor argument and an environment variable; OAuth2 with a
client credentials flow takes a (client id, client secret) pair, from the argument or from two
variables. Servers become a ``server=`` choice (when there are several) and one argument per
server variable, with its default and allowed values.
"""

from __future__ import annotations

from typing import Any

from generator.diagnostics import Diagnostics, Location
from generator.load.specdata import text
from generator.model import ir
from generator.model.bounded import scalar_text
from generator.model.naming import Namer, snake_identifier

# Keyword arguments every generated constructor has; scheme and variable arguments avoid them.
CONSTRUCTOR_ARGUMENTS = frozenset(
    {
        "base_url",
        "timeout",
        "max_retries",
        "default_headers",
        "default_query",
        "http_client",
        "strict_response_validation",
        "self",
        "super",
        "retry",
        "max_response_bytes",
        "max_event_bytes",
        "hooks",
        "auth",
        "server",
    }
)


def constructor_namer() -> Namer:
    return Namer(set(CONSTRUCTOR_ARGUMENTS))


def security_schemes(
    document: dict[str, Any],
    value: Any,
    env_prefix: str,
    api_key_env: str | None,
    arguments: Namer,
) -> tuple[ir.SecurityScheme, ...]:
    if not isinstance(value, dict):
        return ()
    scopes = _required_scopes(document)
    credential_like = [
        k
        for k, v in value.items()
        if isinstance(v, dict) and v.get("type") in ("http", "apiKey", "oauth2", "openIdConnect")
    ]
    single = len(credential_like) == 1
    out: list[ir.SecurityScheme] = []
    for key in credential_like:
        scheme = value[key]
        kind = str(scheme["type"])
        http_scheme = scalar_text(scheme.get("scheme", "")).lower() or None
        flow = _client_credentials(scheme) if kind == "oauth2" else None
        if flow is not None:
            argument = "client_credentials" if single else snake_identifier(key, "credential")
            env = None
        elif single and not (kind == "http" and http_scheme == "basic"):
            argument, env = "api_key", api_key_env or f"{env_prefix}_API_KEY"
        else:
            argument = snake_identifier(key, "credential")
            env = f"{env_prefix}_{argument.upper().rstrip('_')}"
        argument = arguments.take(argument)
        variable = f"{env_prefix}_" if single else f"{env_prefix}_{argument.upper().rstrip('_')}_"
        out.append(
            ir.SecurityScheme(
                key=str(key),
                kind=kind,
                scheme=http_scheme,
                location_in=scalar_text(scheme.get("in")) if kind == "apiKey" else None,
                param_name=scalar_text(scheme.get("name")) if kind == "apiKey" else None,
                argument=argument,
                env_var=None if http_scheme == "basic" else env,
                description=text(scheme.get("description")),
                token_url=flow,
                scopes=scopes.get(str(key), ()) if flow else (),
                client_id_env=f"{variable}CLIENT_ID" if flow else None,
                client_secret_env=f"{variable}CLIENT_SECRET" if flow else None,
            )
        )
    return tuple(out)


def _required_scopes(document: dict[str, Any]) -> dict[str, tuple[str, ...]]:
    """Per scheme, the scopes the description's security requirements ask for (document and
    operations): what a client credentials token is requested with."""
    requirements: list[Any] = []
    requirements.extend(document.get("security") or [])
    paths = document.get("paths")
    for item in paths.values() if isinstance(paths, dict) else ():
        for operation in item.values() if isinstance(item, dict) else ():
            if isinstance(operation, dict) and isinstance(operation.get("security"), list):
                requirements.extend(operation["security"])
    found: dict[str, set[str]] = {}
    for requirement in requirements:
        for name, wanted in requirement.items() if isinstance(requirement, dict) else ():
            if isinstance(wanted, list):
                found.setdefault(str(name), set()).update(str(s) for s in wanted)
    return {name: tuple(sorted(values)) for name, values in found.items()}


def _client_credentials(scheme: dict[str, Any]) -> str | None:
    """The token URL of an oauth2 scheme's client credentials flow, if it declares one."""
    flows = scheme.get("flows")
    flow = flows.get("clientCredentials") if isinstance(flows, dict) else None
    if not isinstance(flow, dict):
        return None
    token_url = scalar_text(flow.get("tokenUrl") or "").strip()
    return token_url or None


def servers(
    document: dict[str, Any], arguments: Namer, where: Location, diagnostics: Diagnostics
) -> tuple[tuple[ir.Server, ...], tuple[ir.ServerVariable, ...]]:
    """The description's servers (named for ``server=``) and their variables, as arguments."""
    value = document.get("servers")
    if not isinstance(value, list):
        return (), ()
    names = Namer()
    found: list[ir.Server] = []
    variables: dict[str, ir.ServerVariable] = {}
    for index, server in enumerate(value):
        if not isinstance(server, dict):
            continue
        url = scalar_text(server.get("url") or "").strip().rstrip("/")
        if not url:
            continue
        wanted = scalar_text(server.get("x-speakeasy-server-id") or "") or scalar_text(
            server.get("description") or ""
        )
        name = names.take(snake_identifier(wanted, f"server_{index + 1}"))
        found.append(ir.Server(name=name, url=url, description=text(server.get("description"))))
        declared = server.get("variables")
        if not isinstance(declared, dict):
            continue
        for var_name, variable in declared.items():
            if str(var_name) in variables or not isinstance(variable, dict):
                continue
            if "default" not in variable:
                diagnostics.warning(
                    "W440",
                    f"server variable {var_name!r} has no default",
                    where.child(str(index), "variables", str(var_name)),
                    "OpenAPI requires one; the empty string is used",
                )
            enum = variable.get("enum")
            allowed = tuple(scalar_text(v) for v in enum) if isinstance(enum, list) else ()
            variables[str(var_name)] = ir.ServerVariable(
                name=str(var_name),
                argument=arguments.take(snake_identifier(str(var_name), "variable")),
                default=scalar_text(variable.get("default") or ""),
                allowed=allowed,
                description=text(variable.get("description")),
            )
    return tuple(found), tuple(variables.values())
