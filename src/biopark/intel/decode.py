"""Bytes to text: BOMs, UTF-8, the GB family; binary and truncated input are refused."""

from __future__ import annotations

import codecs
import re


class DecodeError(ValueError):
    """The bytes are not text we can read."""


_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_META_CHARSET = re.compile(rb"<meta[^>]+charset\s*=\s*[\"']?([A-Za-z0-9_-]+)", re.I)
# Control bytes that never occur in text files (tab, LF, FF, CR and ESC excluded).
_CONTROL = bytes(i for i in range(32) if i not in (9, 10, 12, 13, 27))
_GB_NAMES = {"gbk", "gb2312", "gb18030", "cp936", "hz"}


def _looks_binary(data: bytes) -> bool:
    head = data[:8192]
    if b"\x00" in head:
        return True
    # Deleting the control bytes and comparing lengths counts them all in one pass.
    bad = len(head) - len(head.translate(None, _CONTROL))
    return bad > max(4, len(head) // 100)


def _declared(data: bytes) -> str | None:
    m = _META_CHARSET.search(data[:4096])
    if not m:
        return None
    name = m.group(1).decode("ascii", "ignore").lower()
    try:
        codecs.lookup(name)
    except LookupError:
        return None
    # GB18030 is a strict superset of GBK and GB2312, so it reads all three.
    return "gb18030" if name in _GB_NAMES else name


def _utf8_truncated(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as exc:
        return exc.reason == "unexpected end of data" and exc.start >= len(data) - 3
    return False


def decode_bytes(*, data: bytes) -> str:
    """Decode document bytes to text, or raise DecodeError with a clear reason."""
    if not data.strip():
        raise DecodeError("empty file: no text to extract")
    for bom, enc in _BOMS:
        if data.startswith(bom):
            return data.decode(enc, errors="replace")
    if _looks_binary(data):
        raise DecodeError("binary file: not a text or HTML document")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        if _utf8_truncated(data):
            raise DecodeError(
                "truncated input: the file ends in the middle of a UTF-8 character"
            ) from None
    declared = _declared(data)
    if declared:
        try:
            return data.decode(declared)
        except (UnicodeDecodeError, LookupError):
            pass
    try:
        # Most non-UTF-8 Chinese pages are GBK; trying it first avoids a slow detection.
        return data.decode("gb18030")
    except UnicodeDecodeError as exc:
        if exc.start >= len(data) - 1:
            raise DecodeError(
                "truncated input: the file ends in the middle of a GBK/GB18030 character"
            ) from None
    from charset_normalizer import from_bytes  # only for bytes that are not UTF-8/GB

    best = from_bytes(data).best()
    if best is None:
        raise DecodeError("undecodable file: no text encoding fits these bytes")
    return str(best)
