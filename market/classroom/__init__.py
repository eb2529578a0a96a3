"""The classroom market game: presets, firms and their private values, rounds, bids, clearing,
payoffs, bots, the competitive equilibrium, debrief data, CSV export and SQLite persistence.

No web and no sockets here: the web app (``web.classroom``) holds the games in memory, runs the
timers and talks to browsers, through ``market.api``.
"""

from market.classroom.bids import MAX_ORDERS_PER_BID, BidOrder, SubmittedBid, validate_bid
from market.classroom.errors import (
    BidError,
    ClassroomInputError,
    GameFullError,
    GameStateError,
    PresetError,
    UnknownGameError,
)
from market.classroom.export import EXPORT_TABLES, export_csv
from market.classroom.game import MAX_NAME_CHARS, Game, GameHeader, Seat, clean_name
from market.classroom.presets import (
    BOT_STRATEGIES,
    MAX_SEATS,
    GameParams,
    Preset,
    default_presets_dir,
    list_presets,
    load_preset,
)
from market.classroom.rounds import BookLine, RoundResult, book_orders, clear_round
from market.classroom.store import GameStore
from market.classroom.views import (
    debrief_view,
    instructor_view,
    leaderboard,
    lobby_view,
    player_view,
    public_view,
)

__all__ = [
    "BOT_STRATEGIES",
    "EXPORT_TABLES",
    "MAX_NAME_CHARS",
    "MAX_ORDERS_PER_BID",
    "MAX_SEATS",
    "BidError",
    "BidOrder",
    "BookLine",
    "ClassroomInputError",
    "Game",
    "GameFullError",
    "GameHeader",
    "GameParams",
    "GameStateError",
    "GameStore",
    "Preset",
    "PresetError",
    "RoundResult",
    "Seat",
    "SubmittedBid",
    "UnknownGameError",
    "book_orders",
    "clean_name",
    "clear_round",
    "debrief_view",
    "default_presets_dir",
    "export_csv",
    "instructor_view",
    "leaderboard",
    "list_presets",
    "load_preset",
    "lobby_view",
    "player_view",
    "public_view",
    "validate_bid",
]
