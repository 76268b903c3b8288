"""The base URL from the API description's servers: one chosen by name, with its variables."""

from __future__ import annotations

from collections.abc import Mapping

from ._errors import InvalidRequestError
from ._operation import ClientConfig

__all__ = ["server_url"]


def server_url(config: ClientConfig, server: str | None, variables: Mapping[str, str]) -> str:
    """The URL of ``server`` (None: the first) with ``variables`` (others: their defaults)."""
    if not config.servers:
        if server is not None or variables:
            raise InvalidRequestError("this API describes no servers to choose from")
        return config.default_base_url
    names = [name for name, _ in config.servers]
    if server is None:
        template = config.servers[0][1]
    elif server in names:
        template = config.servers[names.index(server)][1]
    else:
        raise InvalidRequestError(f"server must be one of {names}, got {server!r}")
    known = {name: (default, allowed) for name, default, allowed in config.server_variables}
    for name, value in variables.items():
        if name not in known:
            raise InvalidRequestError(f"{name!r} is not a server variable of this API")
        allowed = known[name][1]
        if allowed and value not in allowed:
            raise InvalidRequestError(f"{name} must be one of {list(allowed)}, got {value!r}")
        if not isinstance(value, str) or not value or any(c in value for c in "/?#@ "):
            # A value is one piece of the host or path: "/", "?" or "@" would redirect the
            # whole client (and its credentials) elsewhere.
            raise InvalidRequestError(f"{name} must be a plain name, got {value!r}")
    for name, (default, _allowed) in known.items():
        template = template.replace("{" + name + "}", variables.get(name, default))
    return template
