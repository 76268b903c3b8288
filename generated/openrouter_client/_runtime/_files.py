"""Uploads: file contents as re-iterable request streams, and multipart/form-data encoding.

A path is opened only while its bytes are being sent and closed right after; an open file object
is rewound to where it was at call time before every attempt, so retries resend the same bytes.
A body read from a stream that cannot seek (a pipe, a socket) is sent once: such a call is not
retried, and a 307/308 redirect of it is refused.
File objects passed by the caller are never closed (the caller owns them).
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Iterator, Sequence
from typing import IO

import httpx

from ._errors import InvalidRequestError

__all__ = ["UploadStream", "file_source", "is_file_like", "multipart_stream"]

_CHUNK = 64 * 1024


class FileSource:
    """The bytes of one upload, readable once per attempt."""

    __slots__ = ("_data", "_file", "_path", "_sent", "_start", "size")

    def __init__(self, value: object) -> None:
        self._data: bytes | None = None
        self._path: str | None = None
        self._file: IO[bytes] | None = None
        self._start: int | None = None
        self._sent = False
        self.size: int | None
        if isinstance(value, (bytes, bytearray, memoryview)):
            self._data = bytes(value)
            self.size = len(self._data)
        elif isinstance(value, os.PathLike):
            self._path = os.fspath(value)
            self.size = os.stat(self._path).st_size  # a missing file fails before any request
        elif hasattr(value, "read"):
            file: IO[bytes] = value  # type: ignore[assignment]
            self._file = file
            self.size = None
            try:
                self._start = file.tell()
                end = file.seek(0, os.SEEK_END)
                file.seek(self._start)
                self.size = end - self._start
            except (AttributeError, OSError, ValueError):
                self._start = None  # not seekable: can be sent once only
        else:
            raise TypeError(
                f"cannot upload a {type(value).__name__}: pass bytes, an open binary file, "
                "or a pathlib.Path"
            )

    @property
    def replayable(self) -> bool:
        """Whether the bytes can be read again (for a retry or a 307/308 redirect)."""
        return self._file is None or self._start is not None

    @property
    def name(self) -> str | None:
        if self._path is not None:
            return os.path.basename(self._path)
        name = getattr(self._file, "name", None)
        return os.path.basename(name) if isinstance(name, str) else None

    def chunks(self) -> Iterator[bytes]:
        if self._data is not None:
            yield self._data
        elif self._path is not None:
            with open(self._path, "rb") as f:
                while chunk := f.read(_CHUNK):
                    yield chunk
        elif self._file is not None:
            if self._start is not None:
                self._file.seek(self._start)
            elif self._sent:
                # The client does not retry or redirect such a body; this guards other replays.
                raise InvalidRequestError(
                    "An upload read from a non-seekable stream cannot be sent twice; pass bytes, "
                    "a path or a seekable file."
                )
            self._sent = True
            while chunk := self._file.read(_CHUNK):
                yield bytes(chunk)


def is_file_like(value: object) -> bool:
    if isinstance(value, (bytes, bytearray, memoryview, os.PathLike)) or hasattr(value, "read"):
        return True
    return isinstance(value, tuple) and 2 <= len(value) <= 3 and is_file_like(value[1])


def file_source(value: object, default_name: str) -> tuple[str, FileSource, str]:
    """(filename, source, content type) from bytes, a file, a path, or a tuple of those."""
    filename: str | None = None
    content_type: str | None = None
    if isinstance(value, tuple):
        if len(value) == 3:
            filename, value, content_type = value
        else:
            filename, value = value
    source = FileSource(value)
    filename = filename or source.name or default_name
    if content_type is None:
        import mimetypes  # only uploads need it; keep it off the import path

        content_type = mimetypes.guess_type(filename)[0] or "application/octet-stream"
    return filename, source, _checked_content_type(content_type)


class UploadStream(httpx.SyncByteStream, httpx.AsyncByteStream):
    """A request body made of literal bytes and file sources; iterable once per attempt."""

    def __init__(self, pieces: Sequence[bytes | FileSource]) -> None:
        self._pieces = pieces
        length: int | None = 0
        for piece in pieces:
            size = len(piece) if isinstance(piece, bytes) else piece.size
            length = None if size is None or length is None else length + size
        self.length = length
        self.replayable = all(isinstance(p, bytes) or p.replayable for p in pieces)

    def __iter__(self) -> Iterator[bytes]:
        for piece in self._pieces:
            if isinstance(piece, bytes):
                yield piece
            else:
                yield from piece.chunks()

    async def __aiter__(self) -> AsyncIterator[bytes]:
        # File reads are blocking; uploads are read in 64 KiB chunks, as httpx itself does.
        for chunk in self:
            yield chunk


# Names in Content-Disposition, encoded as httpx and urllib3 do (the HTML form rules, with every
# control character percent-encoded): a quote, CR or LF would end the name or the header line,
# and a trailing backslash would escape the closing quote for servers that read quoted-strings.
_DISPOSITION = str.maketrans(
    {'"': "%22", "\\": "\\\\", "\x7f": "%7F", **{chr(c): f"%{c:02X}" for c in range(0x20)}}
)


def _quote_header(value: str) -> str:
    return value.translate(_DISPOSITION)


def _checked_content_type(value: str) -> str:
    if any(c < " " or c == "\x7f" for c in value):
        raise InvalidRequestError(
            "The content type of an upload contains a control character (such as a line "
            "break), which would add headers of its own to the request; remove it."
        )
    return value


def multipart_stream(
    fields: Sequence[tuple[str, str, str | None]],
    files: Sequence[tuple[str, str, FileSource, str]],
) -> tuple[UploadStream, str]:
    """The body and Content-Type of a multipart/form-data request.

    ``fields`` are (name, value, content type or None); ``files`` are (name, filename, source,
    content type).
    """
    boundary = os.urandom(16).hex()
    delimiter = f"--{boundary}\r\n".encode()
    pieces: list[bytes | FileSource] = []
    for name, value, content_type in fields:
        head = f'Content-Disposition: form-data; name="{_quote_header(name)}"\r\n'
        if content_type is not None:
            head += f"Content-Type: {content_type}\r\n"
        pieces.append(delimiter + head.encode() + b"\r\n" + value.encode() + b"\r\n")
    for name, filename, source, content_type in files:
        head = (
            f'Content-Disposition: form-data; name="{_quote_header(name)}"; '
            f'filename="{_quote_header(filename)}"\r\n'
            f"Content-Type: {content_type}\r\n\r\n"
        )
        pieces.append(delimiter + head.encode())
        pieces.append(source)
        pieces.append(b"\r\n")
    pieces.append(f"--{boundary}--\r\n".encode())
    return UploadStream(pieces), f"multipart/form-data; boundary={boundary}"
