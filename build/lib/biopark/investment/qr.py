"""The park's consultation QR code (PNG and SVG) pointing at its public page."""

from __future__ import annotations

import io

import segno


def consult_url(base_url: str, park_code: str) -> str:
    """The public consultation page of a park."""
    return f"{base_url.rstrip('/')}/consult/{park_code}"


def qr_bytes(url: str, kind: str) -> bytes:
    """The QR code of url as PNG or SVG bytes."""
    code = segno.make(url, error="m")
    buf = io.BytesIO()
    if kind == "svg":
        code.save(buf, kind="svg", scale=8, border=2, dark="#0b6e6e")
    elif kind == "png":
        code.save(buf, kind="png", scale=10, border=2)
    else:
        raise ValueError("kind must be png or svg")
    return buf.getvalue()
