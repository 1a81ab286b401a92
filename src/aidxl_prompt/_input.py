"""Reading untrusted input: a size limit and strict UTF-8.

Prompts and prompt files come from users, pipes and downloads. Everything read here is
refused early, with one line that names the source and the place, when it is:

* larger than :data:`MAX_INPUT_BYTES` (4 MiB; ``max_bytes=`` / ``--max-bytes``),
  checked before anything is parsed;
* not UTF-8 (the first bad byte's offset is named).

YAML input has limits of its own, in :mod:`aidxl_prompt.files._yaml_input` (kept apart so
that reading a prompt never imports a YAML parser).
"""

from __future__ import annotations

from pathlib import Path
from typing import IO

from .errors import InputEncodingError, InputTooLargeError

__all__ = [
    "MAX_INPUT_BYTES",
    "check_size",
    "check_text",
    "decode_utf8",
    "read_stream",
    "read_text_file",
]

MAX_INPUT_BYTES = 4 * 1024 * 1024
"""The default size limit of a prompt or a prompt file, in bytes (4 MiB): a thousand
times the longest real prompt, small enough that parsing it takes well under a second."""

_BOM = "\ufeff"


# --- size and encoding -------------------------------------------------------------------


def check_size(text: str, *, source: str, max_bytes: int = MAX_INPUT_BYTES) -> None:
    """Raise :class:`InputTooLargeError` when ``text`` is over ``max_bytes`` in UTF-8.

    >>> check_size("1girl, smile", source="<prompt>", max_bytes=5)
    Traceback (most recent call last):
    ...
    aidxl_prompt.errors.InputTooLargeError: <prompt>: more than 5 bytes (the limit; raise it with max_bytes / --max-bytes)
    """  # noqa: E501 (the doctest shows the whole message)
    # A character is at most 4 bytes: most texts are decided without encoding them.
    if len(text) > max_bytes or (
        len(text) * 4 > max_bytes and len(text.encode("utf-8", "surrogatepass")) > max_bytes
    ):
        raise InputTooLargeError(source=source, limit=max_bytes)


def decode_utf8(data: bytes, *, source: str) -> str:
    """``data`` as strict UTF-8 (a leading byte-order mark dropped), or
    :class:`InputEncodingError` naming the first bad byte.

    >>> decode_utf8(b"1girl, \\xff", source="<stdin>")
    Traceback (most recent call last):
    ...
    aidxl_prompt.errors.InputEncodingError: <stdin>: not UTF-8 text: byte 0xff at offset 7 (line 1)
    """
    try:
        return data.decode("utf-8").removeprefix(_BOM)
    except UnicodeDecodeError as exc:
        offset = exc.start
        line = data.count(b"\n", 0, offset) + 1
        raise InputEncodingError(
            source=source, offset=offset, byte=data[offset], line=line
        ) from None


def check_text(text: str, *, source: str) -> None:
    """Raise :class:`InputEncodingError` when ``text`` cannot be written as UTF-8.

    A command-line argument with bytes that are not UTF-8 reaches Python as lone
    surrogates (``\\udcff`` for the byte 0xff); the error names that byte and its offset.
    """
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as exc:
        offset = len(text[: exc.start].encode("utf-8"))
        code = ord(text[exc.start])
        # U+DC80..U+DCFF stand for one undecodable byte each (PEP 383).
        byte = code - 0xDC00 if 0xDC80 <= code <= 0xDCFF else code
        line = text.count("\n", 0, exc.start) + 1
        raise InputEncodingError(source=source, offset=offset, byte=byte, line=line) from None


def read_stream(stream: IO[bytes], *, source: str, max_bytes: int = MAX_INPUT_BYTES) -> str:
    """Read a binary stream (standard input) as UTF-8 text, at most ``max_bytes``.

    No more than ``max_bytes + 1`` bytes are read, so an endless stream is refused too.
    """
    data = stream.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise InputTooLargeError(source=source, limit=max_bytes)
    return decode_utf8(data, source=source)


def read_text_file(path: Path, *, max_bytes: int = MAX_INPUT_BYTES) -> str:
    """A file's text (UTF-8), refused unread when it is over ``max_bytes``.

    ``OSError`` (a missing or unreadable file) is left to the caller.
    """
    with path.open("rb") as handle:
        return read_stream(handle, source=str(path), max_bytes=max_bytes)
