"""Tokens and join codes of the classroom game.

Tokens are ``secrets.token_urlsafe(32)`` (256 random bits). Only their SHA-256 hashes are stored;
a presented token is hashed and compared with :func:`hmac.compare_digest`. Join codes are six
characters from an alphabet without look-alikes (no 0/O, 1/I/L, 2/Z, 5/S, 8/B).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Callable, Iterable

#: Characters of join codes: easy to read aloud and to type, no look-alikes.
CODE_ALPHABET = "ACDEFGHJKMNPQRTUVWXY34679"
CODE_LENGTH = 6
#: Largest token accepted from a client [characters] (longer input is refused unread).
MAX_TOKEN_CHARS = 128


def new_token() -> str:
    """A fresh secret token (256 random bits, URL-safe text)."""
    return secrets.token_urlsafe(32)


def token_hash(token: str) -> str:
    """SHA-256 hex digest of a token (what the database keeps)."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def token_matches(token: str | None, stored_hash: str | None) -> bool:
    """Whether a presented token hashes to a stored hash (constant-time comparison)."""
    if not token or not stored_hash or len(token) > MAX_TOKEN_CHARS:
        return False
    return hmac.compare_digest(token_hash(token), stored_hash)


def find_token(token: str | None, stored: Iterable[tuple[int, str | None]]) -> int | None:
    """The key whose stored hash matches the token, comparing against every entry.

    Parameters
    ----------
    token
        The presented token.
    stored
        ``(key, hash)`` pairs (e.g. seat number and seat token hash).
    """
    if not token or len(token) > MAX_TOKEN_CHARS:
        return None
    digest = token_hash(token)
    found: int | None = None
    for key, stored_hash in stored:
        if stored_hash is not None and hmac.compare_digest(digest, stored_hash):
            found = key
    return found


def new_join_code(taken: Callable[[str], bool]) -> str:
    """A random join code not yet in use."""
    while True:
        code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
        if not taken(code):
            return code


def normalise_code(text: str) -> str:
    """A join code as typed (spaces, dashes and case ignored)."""
    return "".join(ch for ch in text.upper() if ch.isalnum())[:16]
