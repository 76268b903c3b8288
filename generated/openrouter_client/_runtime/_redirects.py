"""Following redirects without carrying credentials to another origin.

httpx strips only ``Authorization`` when it follows a redirect to another host, so an API key in
any other header, the query string or a cookie would reach whoever the ``Location`` names. The
client therefore sends with ``follow_redirects=False`` and builds each next request here: the
same origin (scheme, host and port) keeps every credential (and gets the query-string ones back
if the ``Location`` dropped them); any other origin gets none of them. The one exception, as in
httpx, is an upgrade from ``http://host`` to ``https://host`` on default ports: the same host,
reached more safely. Other headers named like credentials (``X-Vendor-Token``, ``Session-Id``,
``X-Signature``: any name containing auth, token, key, secret, session, passw, signature,
credential or cookie) are dropped too, since a caller may add them by hand through
``default_headers`` or ``extra_headers``.

Once a hop has left the origin, credentials are never added again, not even when another hop
returns to it: the origin that redirected away is the one to trust, and the next one only says
where it wants to go. Userinfo in a ``Location`` is dropped (httpx would turn it into an
``Authorization`` header the server chose). Targets other than http(s) are refused.
"""

from __future__ import annotations

from collections.abc import Collection
from urllib.parse import unquote

import httpx

from ._errors import RedirectError
from ._files import UploadStream
from ._logging import secret_like

__all__ = ["RedirectPolicy", "same_origin"]

_DEFAULT_PORTS = {"http": 80, "https": 443}


def _origin(url: httpx.URL) -> tuple[str, str, int | None]:
    return (url.scheme, url.host, url.port or _DEFAULT_PORTS.get(url.scheme))


def same_origin(a: httpx.URL, b: httpx.URL) -> bool:
    """Scheme, host and port (default ports filled in) are equal."""
    return _origin(a) == _origin(b)


def _is_https_upgrade(old: httpx.URL, new: httpx.URL) -> bool:
    return (
        old.scheme == "http"
        and new.scheme == "https"
        and old.host == new.host
        and old.port in (None, 80)
        and new.port in (None, 443)
    )


class RedirectPolicy:
    """What a client strips or restores when it follows a redirect.

    ``credential_headers`` are lower-case header names that carry credentials (``cookie`` and
    ``authorization`` among them); ``query_names`` the names of query-string credentials.
    """

    __slots__ = ("credential_headers", "query_names")

    def __init__(
        self, *, credential_headers: Collection[str], query_names: Collection[str]
    ) -> None:
        self.credential_headers = frozenset(credential_headers)
        self.query_names = frozenset(unquote(name) for name in query_names)

    def next_request(
        self,
        request: httpx.Request,
        response: httpx.Response,
        query_pieces: Collection[str],
        hops: int,
        max_hops: int,
        carries: bool = True,
    ) -> tuple[httpx.Request, bool]:
        """The request that follows ``response`` and whether it keeps credentials.

        ``query_pieces`` are the ``name=value`` query credentials of the original call, put back
        on a same-origin target. ``carries`` says whether ``request`` still holds them: False once
        an earlier hop left the origin, and then no later hop gets them back.
        """
        if hops >= max_hops:
            raise RedirectError(
                f"Stopped after {hops} redirects (the limit is the http client's "
                "max_redirects); the server may be redirecting in a loop.",
                request=request,
            )
        url = _target(request, response)
        keeps = carries and (same_origin(request.url, url) or _is_https_upgrade(request.url, url))
        # httpx sends a URL's userinfo as Basic auth: only the caller's own, and only where the
        # other credentials go; never userinfo the server wrote into the Location.
        userinfo = request.url.userinfo if keeps else b""
        if url.userinfo != userinfo:
            url = url.copy_with(userinfo=userinfo)
        url = self._query_for(url, keeps, query_pieces)
        method = _method(request.method, response.status_code)
        headers = httpx.Headers(request.headers)
        headers["host"] = url.netloc.decode("ascii")
        if not keeps:
            for name in self.credential_headers:
                headers.pop(name, None)
            # Headers the caller added by hand (default_headers, extra_headers) that are named
            # like credentials: the policy cannot know them, so their name decides.
            for name in [n for n in headers if secret_like(n)]:
                headers.pop(name, None)
        body: httpx.SyncByteStream | httpx.AsyncByteStream | None = request.stream
        if method != request.method and method == "GET":
            body = None
            for name in ("content-length", "transfer-encoding", "content-type"):
                headers.pop(name, None)
        elif isinstance(body, UploadStream) and not body.replayable:
            raise RedirectError(
                f"The server answered {response.status_code} (send the request again to another "
                "URL), but the upload is read from a stream that cannot seek; pass bytes, a path "
                "or a seekable file to follow such redirects.",
                request=request,
            )
        next_request = httpx.Request(
            method, url, headers=headers, stream=body, extensions=request.extensions
        )
        return next_request, keeps

    def _query_for(self, url: httpx.URL, keeps: bool, query_pieces: Collection[str]) -> httpx.URL:
        if not self.query_names:
            return url
        query = url.query.decode("ascii")
        pieces = [p for p in query.split("&") if p] if query else []
        # Names compared decoded too: "api%5Fkey" is the same parameter to most servers.
        names = self.query_names
        kept = [p for p in pieces if unquote(p.partition("=")[0]) not in names]
        if keeps:
            kept.extend(query_pieces)  # the client's own values, once
        elif len(kept) == len(pieces):
            return url
        return url.copy_with(query="&".join(kept).encode("ascii") or None)


def _target(request: httpx.Request, response: httpx.Response) -> httpx.URL:
    location = response.headers["location"]
    try:
        url = request.url.join(location)
    except httpx.InvalidURL as exc:
        raise RedirectError(
            f"The server redirected to a malformed URL ({exc}).", request=request
        ) from None
    if url.scheme not in _DEFAULT_PORTS or not url.host:
        # file:, data:, javascript:, ... or no host at all: not somewhere an API client goes.
        raise RedirectError(
            f"The server redirected to a {url.scheme or 'relative'!s}: URL; only http and "
            "https targets are followed.",
            request=request,
        )
    return url


def _method(method: str, status: int) -> str:
    # As httpx and browsers do: 303 (and 302) turn into GET, and so does a POST answered by 301.
    if status in (302, 303) and method != "HEAD":
        return "GET"
    if status == 301 and method == "POST":
        return "GET"
    return method
