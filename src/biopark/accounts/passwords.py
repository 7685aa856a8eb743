"""Password rules: at least 12 characters and not one of the passwords attackers try first.

The list is generated here from the patterns that dominate every leaked-password
list (common words and names, keyboard walks, digit runs, the park's own name,
each with the usual suffixes), so nothing is downloaded and the rule is readable.
"""

from __future__ import annotations

import re

from biopark.errors import ValidationFailed

MIN_LENGTH = 12

_WORDS = [
    "password",
    "passw0rd",
    "p@ssw0rd",
    "pass",
    "admin",
    "administrator",
    "root",
    "user",
    "guest",
    "test",
    "demo",
    "welcome",
    "letmein",
    "iloveyou",
    "woaini",
    "love",
    "monkey",
    "dragon",
    "master",
    "shadow",
    "sunshine",
    "princess",
    "football",
    "baseball",
    "superman",
    "batman",
    "trustno1",
    "starwars",
    "whatever",
    "freedom",
    "secret",
    "changeme",
    "default",
    "qwerty",
    "qwertyuiop",
    "asdfgh",
    "asdfghjkl",
    "zxcvbn",
    "zxcvbnm",
    "qazwsx",
    "1qaz2wsx",
    "qweasd",
    "qweasdzxc",
    "abc",
    "abcd",
    "abcdef",
    "abcdefg",
    "abcdefgh",
    "abc123",
    "aaa111",
    "biopark",
    "park",
    "chongqing",
    "beijing",
    "shanghai",
    "china",
    "zhongguo",
    "wangluo",
    "huawei",
    "xiaomi",
    "tencent",
    "baidu",
]
_SUFFIXES = ["", "1", "12", "123", "1234", "12345", "123456", "!", "@", "!@#", "@123", "#123"]
_SUFFIXES += [str(y) for y in range(1990, 2031)] + [f"@{y}" for y in range(2015, 2031)]
_WALKS = [
    "1234567890",
    "0987654321",
    "qwertyuiop",
    "asdfghjkl",
    "zxcvbnm",
    "1q2w3e4r5t6y",
    "1qaz2wsx3edc",
    "qazwsxedcrfv",
    "abcdefghijklmnopqrstuvwxyz",
]


def _common() -> frozenset[str]:
    out = {word + suffix for word in _WORDS for suffix in _SUFFIXES}
    for walk in _WALKS:
        for start in range(len(walk)):
            for end in range(start + 6, len(walk) + 1):
                out.add(walk[start:end])
                out.add(walk[start:end] * 2)
    return frozenset(out)


COMMON = _common()


def _is_common(password: str) -> bool:
    lowered = password.lower()
    if lowered in COMMON:
        return True
    # Words repeated or padded with digits and symbols: "password2024!", "admin123admin123".
    core = re.sub(r"[\d\W_]+$", "", re.sub(r"^[\d\W_]+", "", lowered))
    if core in _WORDS or (core and core * 2 == lowered):
        return True
    # One character repeated, or a run of consecutive digits.
    if len(set(lowered)) <= 2:
        return True
    return lowered.isdigit() and lowered in (
        "01234567890123456789" * 2 + "98765432109876543210" * 2
    )


def check_password(password: str, *, username: str = "") -> None:
    """Refuse a password that is short, common or made of the username."""
    if len(password) < MIN_LENGTH:
        raise ValidationFailed(
            f"密码至少 {MIN_LENGTH} 位", en=f"Password needs at least {MIN_LENGTH} characters"
        )
    if _is_common(password) or (username and username.lower() in password.lower()):
        raise ValidationFailed(
            "密码过于常见或包含用户名，请换一个更难猜的密码",
            en="Password is too common or contains the username; choose a harder one",
        )
