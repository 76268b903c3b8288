"""Uploads: file contents as re-readable request bodies, multipart/form-data encoded by httpx.

A path is opened only while its bytes are being sent and closed right after; an open file object
is rewound to where it was at call time before every attempt, so retries resend the same bytes.
A body read from a stream that cannot seek (a pipe, a socket) is sent once: such a call is not
retried, and a 307/308 redirect of it is refused.
File objects passed by the caller are never closed (the caller owns them).
"""

from __future__ import annotations

import io
import os
from collections.abc import AsyncIterator, Iterable, Iterator, Mapping, Sequence
from typing import IO, Any, cast

import httpx

from ._errors import InvalidRequestError

__all__ = ["FileSource", "UploadStream", "file_source", "is_file_like", "multipart_body"]

_CHUNK = 64 * 1024


class FileSource:
    """One upload as a binary file that starts at offset 0 on every attempt.

    httpx reads it as it reads any file: ``seek(0)`` before sending, ``read()`` until empty, and
    ``tell()``/``seek(0, SEEK_END)`` for the length. Offset 0 is where the caller's file stood at
    call time; a path is opened at the first read and closed at the end of its bytes.
    """

    __slots__ = ("_file", "_handle", "_path", "_pos", "_sent", "_start", "size")

    def __init__(self, value: os.PathLike[str] | IO[bytes]) -> None:
        self._path: str | None = None
        self._file: IO[bytes] | None = None
        self._handle: IO[bytes] | None = None
        self._start: int | None = None
        self._pos = 0
        self._sent = False
        self.size: int | None = None
        if isinstance(value, os.PathLike):
            self._path = os.fspath(value)
            self.size = os.stat(self._path).st_size  # a missing file fails before any request
            return
        self._file = value
        try:
            self._start = value.tell()
            end = value.seek(0, os.SEEK_END)
            value.seek(self._start)
            self.size = end - self._start
        except (AttributeError, OSError, ValueError):
            self._start = None  # not seekable: can be sent once only

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

    def tell(self) -> int:
        if self.size is None:
            raise io.UnsupportedOperation("the length of this upload is not known")
        return self._pos

    def seek(self, offset: int, whence: int = os.SEEK_SET) -> int:
        if whence == os.SEEK_END and self.size is not None:
            offset += self.size
        elif whence == os.SEEK_CUR:
            offset += self._pos
        elif whence != os.SEEK_SET:
            raise io.UnsupportedOperation("the length of this upload is not known")
        if self._file is not None:
            if self._start is not None:
                self._file.seek(self._start + offset)
            elif offset != self._pos or (offset == 0 and self._sent):
                # The client does not retry or redirect such a body; this guards other replays.
                raise InvalidRequestError(
                    "An upload read from a non-seekable stream cannot be sent twice; pass "
                    "bytes, a path or a seekable file."
                )
        elif self._handle is not None:
            self._handle.close()
            self._handle = None
        self._pos = offset
        return offset

    def read(self, size: int = -1) -> bytes:
        if self._file is not None:
            self._sent = True
            chunk = bytes(self._file.read(size))
        else:
            assert self._path is not None
            if self._handle is None:
                self._handle = open(self._path, "rb")  # noqa: SIM115 - closed at its end below
                self._handle.seek(self._pos)
            chunk = self._handle.read(size)
            if not chunk:  # the end: closed before the response is read
                self._handle.close()
                self._handle = None
        self._pos += len(chunk)
        return chunk

    def chunks(self) -> Iterator[bytes]:
        self.seek(0)
        while chunk := self.read(_CHUNK):
            yield chunk


class UploadStream(httpx.SyncByteStream, httpx.AsyncByteStream):
    """A request body that is read again on every attempt, with its length where known."""

    def __init__(self, body: Iterable[bytes], length: int | None, replayable: bool) -> None:
        self._body = body
        self.length = length
        self.replayable = replayable

    @classmethod
    def of_file(cls, source: FileSource) -> UploadStream:
        return cls(_Rewinding(source), source.size, source.replayable)

    def __iter__(self) -> Iterator[bytes]:
        yield from self._body

    async def __aiter__(self) -> AsyncIterator[bytes]:
        # File reads are blocking; uploads are read in 64 KiB chunks, as httpx itself does.
        for chunk in self._body:
            yield chunk


class _Rewinding:
    def __init__(self, source: FileSource) -> None:
        self._source = source

    def __iter__(self) -> Iterator[bytes]:
        return self._source.chunks()


def is_file_like(value: object) -> bool:
    if isinstance(value, (bytes, bytearray, memoryview, os.PathLike)) or hasattr(value, "read"):
        return True
    return isinstance(value, tuple) and 2 <= len(value) <= 3 and is_file_like(value[1])


Upload = bytes | FileSource


def file_source(value: object, default_name: str) -> tuple[str, Upload, str]:
    """(filename, contents, content type) from bytes, a file, a path, or a tuple of those."""
    filename: str | None = None
    content_type: str | None = None
    if isinstance(value, tuple):
        if len(value) == 3:
            filename, value, content_type = value
        else:
            filename, value = value
    source: Upload
    if isinstance(value, (bytes, bytearray, memoryview)):
        source = bytes(value)
    elif isinstance(value, os.PathLike) or hasattr(value, "read"):
        source = FileSource(value)  # type: ignore[arg-type]
        filename = filename or source.name
    else:
        raise TypeError(
            f"cannot upload a {type(value).__name__}: pass bytes, an open binary file, "
            "or a pathlib.Path"
        )
    filename = filename or default_name
    if content_type is None:
        import mimetypes  # only uploads need it; keep it off the import path

        content_type = mimetypes.guess_type(filename)[0] or "application/octet-stream"
    return filename, source, _checked_content_type(content_type)


def _checked_content_type(value: str) -> str:
    # httpx writes a part's Content-Type as given: a line break would add headers of its own.
    if any(c < " " or c == "\x7f" for c in value):
        raise InvalidRequestError(
            "The content type of an upload contains a control character (such as a line "
            "break), which would add headers of its own to the request; remove it."
        )
    return value


# A part of a multipart body: (name, (filename or None, contents, content type or None)).
Part = tuple[str, tuple[str | None, "str | Upload", str | None]]


def multipart_body(data: Mapping[str, str], parts: Sequence[Part]) -> tuple[UploadStream, str]:
    """The body and Content-Type of a multipart/form-data request, encoded by httpx.

    ``data`` are plain text fields; ``parts`` are files and fields with a content type of their
    own. httpx quotes names and filenames (a quote, CR or LF cannot end the name or the header
    line) and rewinds every file before each send.
    """
    # httpx encodes multipart only while building a request: this one is never sent.
    # A FileSource is read as httpx reads a binary file (read, seek, tell), not typed as one.
    encoded = httpx.Request("POST", "http://upload.invalid/", data=data, files=cast(Any, parts))
    body = encoded.stream  # a multipart stream is both sync and async, re-iterable
    assert isinstance(body, httpx.SyncByteStream)
    length = encoded.headers.get("content-length")
    replayable = all(
        not isinstance(source, FileSource) or source.replayable for _, (_, source, _) in parts
    )
    return (
        UploadStream(body, None if length is None else int(length), replayable),
        encoded.headers["content-type"],
    )
