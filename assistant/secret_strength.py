"""Strength checks for the application's secrets (production refuses weak ones).

A secret is accepted when it is long, drawn from more than one character class, varied,
and carries at least :data:`MIN_ENTROPY_BITS` by a conservative estimate. The messages
name the setting and the rule, never any character of the secret.
"""

from __future__ import annotations

import math
import string
from collections import Counter

MIN_LENGTH = 32
MIN_ENTROPY_BITS = 128.0
MIN_DISTINCT = 12

#: Published development values, refused in production whatever their length.
PUBLISHED = frozenset({"change-me-dev-secret", "change-me-dev-chainlit-secret", "changethis"})

_CLASSES = (
    (string.ascii_lowercase, 26),
    (string.ascii_uppercase, 26),
    (string.digits, 10),
)
_HINT = "generate one with: python -c 'import secrets; print(secrets.token_urlsafe(48))'"
_SETTINGS = (
    "SECOND_OPINION_SECURITY__SECRET_KEY",
    "SECOND_OPINION_SECURITY__CHAINLIT_AUTH_SECRET",
)


def entropy_bits(secret: str) -> float:
    """A conservative entropy estimate: the lower of the alphabet bound and the observed one.

    The alphabet bound is ``length * log2(size of the character classes used)``; the
    observed bound is ``length * Shannon entropy of the character frequencies``, which
    punishes repetition (``"ab" * 32`` has one bit per character).
    """
    if not secret:
        return 0.0
    pool = sum(size for chars, size in _CLASSES if any(c in chars for c in secret))
    if any(not any(c in chars for chars, _ in _CLASSES) for c in secret):
        pool += 33  # punctuation and everything else
    counts = Counter(secret)
    shannon = -sum(n / len(secret) * math.log2(n / len(secret)) for n in counts.values())
    return min(len(secret) * math.log2(pool), len(secret) * shannon)


def _classes_used(secret: str) -> int:
    used = sum(1 for chars, _ in _CLASSES if any(c in chars for c in secret))
    return used + (1 if any(not any(c in chars for chars, _ in _CLASSES) for c in secret) else 0)


def weakness(secret: str) -> str | None:
    """Why a secret is too weak, in words that do not reveal it; None when it is strong."""
    if secret in PUBLISHED or any(p in secret for p in PUBLISHED):
        return "is a published development value"
    if len(secret) < MIN_LENGTH:
        return f"is shorter than {MIN_LENGTH} characters"
    if _classes_used(secret) < 2:
        return "uses one character class only (mix letters, digits or symbols)"
    if len(set(secret)) < MIN_DISTINCT:
        return f"uses fewer than {MIN_DISTINCT} distinct characters"
    if entropy_bits(secret) < MIN_ENTROPY_BITS:
        return f"carries less than {MIN_ENTROPY_BITS:.0f} bits of entropy"
    return None


def secret_problems(secret_key: str, chainlit_secret: str) -> list[str]:
    """Every problem with the two secrets, e.g. for the production settings check."""
    problems = [
        f"{name} must be set to a strong secret: it {why} ({_HINT})"
        for name, value in zip(_SETTINGS, (secret_key, chainlit_secret), strict=True)
        if (why := weakness(value)) is not None
    ]
    if secret_key == chainlit_secret:
        problems.append(f"{_SETTINGS[0]} and {_SETTINGS[1]} must differ")
    return problems
