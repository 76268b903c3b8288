"""Undoing ``Content-Encoding`` in pieces of bounded size.

httpx decompresses each chunk it receives in one call, so one 64 KiB chunk of a gzip bomb becomes
about 64 MiB before anything can count it, and ``Content-Encoding: gzip, gzip`` turns a body of a
thousand bytes into a gigabyte at once. Here gzip and deflate are inflated with ``max_length``:
no piece is larger than ``PIECE`` bytes, so a size cap holds within one piece of its value
whatever the compression ratio. Other encodings (br, zstd: only decoded when their packages are
installed) are left to httpx; ``bounded_decoder`` returns None for them. More than
``MAX_LAYERS`` gzip or deflate layers is a ``DecodingError``: each layer holds a decompressor and
a frame of the generator chain, so ``gzip`` repeated through a 64 KiB header would cost memory
and end in a ``RecursionError``.
"""

from __future__ import annotations

import functools
import zlib
from collections.abc import AsyncIterator, Iterator, Sequence

import httpx

__all__ = [
    "MAX_LAYERS",
    "PIECE",
    "BoundedDecoder",
    "aiter_decoded",
    "bounded_decoder",
    "iter_decoded",
]

PIECE = 64 * 1024
MAX_LAYERS = 8  # no server compresses a body more than twice on purpose
# Encodings httpx decodes when one of these packages is installed (and passes over otherwise).
_HTTPX_DECODES = {"br": ("brotli", "brotlicffi"), "zstd": ("zstandard",)}


class _Inflate:
    """One gzip or deflate layer; deflate is tried as zlib first, then raw, as httpx does."""

    __slots__ = ("_d", "_retry_raw")

    def __init__(self, encoding: str) -> None:
        gzip = encoding in ("gzip", "x-gzip")
        self._d = zlib.decompressobj(zlib.MAX_WBITS | 16 if gzip else zlib.MAX_WBITS)
        self._retry_raw = not gzip

    def feed(self, data: bytes) -> Iterator[bytes]:
        while data:
            try:
                piece = self._d.decompress(data, PIECE)
            except zlib.error:
                if not self._retry_raw:
                    raise
                self._retry_raw = False  # deflate without the zlib header
                self._d = zlib.decompressobj(-zlib.MAX_WBITS)
                continue
            self._retry_raw = False
            if piece:
                yield piece
            data = self._d.unconsumed_tail

    def flush(self) -> Iterator[bytes]:
        rest = self._d.flush()
        if rest:
            yield rest


class BoundedDecoder:
    """Raw body bytes in, decoded pieces of at most ``PIECE`` bytes out."""

    __slots__ = ("_layers", "_request")

    def __init__(self, layers: Sequence[_Inflate], request: httpx.Request) -> None:
        self._layers = layers  # the last encoding applied first
        self._request = request

    def feed(self, data: bytes) -> Iterator[bytes]:
        try:
            yield from self._through(0, data)
        except zlib.error as exc:
            raise httpx.DecodingError(str(exc), request=self._request) from exc

    def flush(self) -> Iterator[bytes]:
        try:
            for index, layer in enumerate(self._layers):
                for piece in layer.flush():
                    yield from self._through(index + 1, piece)
        except zlib.error as exc:
            raise httpx.DecodingError(str(exc), request=self._request) from exc

    def _through(self, index: int, data: bytes) -> Iterator[bytes]:
        if index == len(self._layers):
            yield data
            return
        for piece in self._layers[index].feed(data):
            yield from self._through(index + 1, piece)


def bounded_decoder(response: httpx.Response) -> BoundedDecoder | None:
    """The decoder for ``response``'s encodings, or None if httpx must decode one (br, zstd).

    Other names (identity, one nobody knows, br without its package) are passed over, as httpx
    passes them over: were they left to httpx, ``gzip, gzip, x`` would inflate a bomb a whole
    chunk at a time.
    """
    layers: list[_Inflate] = []
    for value in response.headers.get_list("content-encoding", split_commas=True):
        encoding = value.strip().lower()
        if encoding in ("gzip", "x-gzip", "deflate"):
            layers.append(_Inflate(encoding))
        elif encoding in _HTTPX_DECODES and _httpx_decodes(encoding):
            return None
    if len(layers) > MAX_LAYERS:
        raise httpx.DecodingError(
            f"The response is compressed {len(layers)} times (Content-Encoding); at most "
            f"{MAX_LAYERS} layers are undone.",
            request=response.request,
        )
    layers.reverse()
    return BoundedDecoder(layers, response.request)


@functools.cache
def _httpx_decodes(encoding: str) -> bool:
    import importlib.util  # only a br or zstd response gets here

    if encoding == "zstd" and tuple(map(int, httpx.__version__.split(".")[:2])) < (0, 28):
        return False  # httpx decodes zstd from 0.28 on
    return any(importlib.util.find_spec(name) is not None for name in _HTTPX_DECODES[encoding])


def iter_decoded(response: httpx.Response) -> Iterator[bytes]:
    """``response.iter_bytes()``, with gzip and deflate inflated in bounded pieces."""
    decoder = bounded_decoder(response)
    if decoder is None or response.is_stream_consumed:  # already read: its content is decoded
        yield from response.iter_bytes()
        return
    for raw in response.iter_raw():
        yield from decoder.feed(raw)
    yield from decoder.flush()


async def aiter_decoded(response: httpx.Response) -> AsyncIterator[bytes]:
    """The async twin of ``iter_decoded``."""
    decoder = bounded_decoder(response)
    if decoder is None or response.is_stream_consumed:
        async for chunk in response.aiter_bytes():
            yield chunk
        return
    async for raw in response.aiter_raw():
        for piece in decoder.feed(raw):
            yield piece
    for piece in decoder.flush():
        yield piece
