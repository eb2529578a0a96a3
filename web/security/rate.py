"""Rate limits per client (``limits`` moving windows in memory) and their HTTP error."""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field

from limits import RateLimitItem, parse
from limits.storage import MemoryStorage
from limits.strategies import MovingWindowRateLimiter

from web.errors import WebInputError
from web.settings import WebSettings


class RateLimitedError(WebInputError):
    """A client did something more often than allowed (HTTP 429 with ``Retry-After``).

    Parameters
    ----------
    what
        The limited action (the error's ``path``).
    limit
        The limit in ``limits`` notation.
    retry_after_s
        Seconds until the action is allowed again.
    """

    def __init__(self, what: str, limit: str, retry_after_s: int) -> None:
        self.retry_after_s = retry_after_s
        super().__init__(what, "too many", f"at most {limit}; retry in {retry_after_s} s", 429)


@dataclass
class RateLimits:
    """The server's per-client limits (active only on a guarded server).

    Attributes
    ----------
    enabled
        Whether limits apply (``False`` on loopback: the local user is trusted).
    join, create, seats
        Join attempts and unknown join codes, game creations, seats taken in one game.
    """

    enabled: bool
    join: RateLimitItem
    create: RateLimitItem
    seats: RateLimitItem
    limiter: MovingWindowRateLimiter = field(
        default_factory=lambda: MovingWindowRateLimiter(MemoryStorage())
    )

    @classmethod
    def from_settings(cls, settings: WebSettings) -> RateLimits:
        """Limits of a server with these settings."""
        return cls(
            settings.guarded,
            parse(settings.join_rate),
            parse(settings.game_create_rate),
            parse(f"{settings.seat_claims_per_client}/day"),
        )

    def _retry_s(self, item: RateLimitItem, keys: tuple[str, ...]) -> int:
        reset = self.limiter.get_window_stats(item, *keys).reset_time
        return max(1, math.ceil(reset - time.time()))

    def hit(self, what: str, item: RateLimitItem, *keys: str) -> None:
        """Count one action of a client; raise :class:`RateLimitedError` beyond the limit."""
        if self.enabled and not self.limiter.hit(item, what, *keys):
            raise RateLimitedError(what, str(item), self._retry_s(item, (what, *keys)))

    def check(self, what: str, item: RateLimitItem, *keys: str) -> None:
        """Raise :class:`RateLimitedError` if one more action would exceed the limit."""
        if self.enabled and not self.limiter.test(item, what, *keys):
            raise RateLimitedError(what, str(item), self._retry_s(item, (what, *keys)))
