"""Time-based one-time passwords (RFC 6238) as a second factor, with an enrolment QR code."""

from __future__ import annotations

import io

import pyotp
import segno

ISSUER = "biopark"


def new_secret() -> str:
    """A fresh base32 secret for an authenticator app."""
    return pyotp.random_base32()


def verify(secret: str, code: str | None) -> bool:
    """True when the 6-digit code is valid now (one step of clock drift allowed)."""
    digits = (code or "").strip().replace(" ", "")
    return (
        len(digits) == 6 and digits.isdigit() and pyotp.TOTP(secret).verify(digits, valid_window=1)
    )


def qr_svg(secret: str, *, username: str) -> str:
    """The otpauth:// URI as an inline SVG QR code for the enrolment page."""
    uri = pyotp.TOTP(secret).provisioning_uri(name=username, issuer_name=ISSUER)
    buf = io.BytesIO()
    segno.make(uri, error="m").save(buf, kind="svg", scale=5, border=2, xmldecl=False)
    return buf.getvalue().decode()
