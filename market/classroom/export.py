"""CSV export of a game: bids, trades, allocations and payoffs per round.

Every table flags who played each seat (``played_by``: ``player``, ``bot`` or ``none``; bids and
trades carry ``source``). Text cells that a spreadsheet would read as a formula are prefixed
with an apostrophe.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence

from market.classroom.errors import ClassroomInputError
from market.classroom.game import Game

EXPORT_TABLES = ("bids", "trades", "allocations", "payoffs")


def _cell(value: object) -> object:
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return "" if value is None else value


def _csv(header: Sequence[str], rows: Iterable[Sequence[object]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow([_cell(v) for v in row])
    return out.getvalue()


def bids_csv(game: Game) -> str:
    """Every bid submitted (players' edits included; ``standing`` marks the one that counted)."""
    standing = {(b.round, b.seat): b.seq for r in game.standing.values() for b in r.values()}
    rows = []
    for bid in game.bid_log:
        seat = game.seats[bid.seat]
        is_standing = standing.get((bid.round, bid.seat)) == bid.seq
        orders = bid.orders or ()
        if not orders:
            rows.append(
                [
                    bid.round,
                    bid.seq,
                    bid.seat,
                    seat.firm,
                    seat.player,
                    bid.source,
                    is_standing,
                    "",
                    "",
                    "",
                    "",
                    bid.submitted_unix_s,
                ]
            )
        for k, o in enumerate(orders):
            rows.append(
                [
                    bid.round,
                    bid.seq,
                    bid.seat,
                    seat.firm,
                    seat.player,
                    bid.source,
                    is_standing,
                    k,
                    o.side,
                    o.quantity,
                    o.price,
                    bid.submitted_unix_s,
                ]
            )
    header = [
        "round",
        "seq",
        "seat",
        "firm",
        "player",
        "source",
        "standing",
        "order",
        "side",
        "quantity",
        "price",
        "submitted_unix_s",
    ]
    return _csv(header, rows)


def trades_csv(game: Game) -> str:
    """Every order of every round's book with its accepted quantity and payment."""
    rows = []
    for result in game.results:
        for line in result.book:
            firm = game.seats[line.seat].firm if line.seat >= 0 else "auctioneer"
            rows.append(
                [
                    result.round,
                    line.order_id,
                    line.seat,
                    firm,
                    line.source,
                    line.side,
                    line.quantity,
                    line.price,
                    line.accepted,
                    result.price,
                    line.payment_cny,
                ]
            )
    header = [
        "round",
        "order_id",
        "seat",
        "firm",
        "source",
        "side",
        "quantity",
        "limit_price",
        "accepted",
        "clearing_price",
        "payment_cny",
    ]
    return _csv(header, rows)


def _figure_columns(game: Game) -> list[str]:
    if game.preset.market.kind == "energy_rights":
        return [
            "need_tce",
            "allocation_tce",
            "holdings_tce",
            "abated_tce",
            "penalty_tce",
            "use_tce",
            "emissions_tco2",
        ]
    return [
        "pv_mwh",
        "pv_surplus_mwh",
        "soc_start_mwh",
        "soc_end_mwh",
        "target_mwh",
        "green_mwh",
        "shortfall_mwh",
        "emissions_tco2",
    ]


def allocations_csv(game: Game) -> str:
    """Per round and seat: allocation, need and holdings (rights) or PV, battery and green
    power (green-power game), with emissions."""
    columns = _figure_columns(game)
    rows = [
        [r.round, s["seat"], game.seats[s["seat"]].firm, s["source"], s["bought"], s["sold"]]
        + [s.get(c) for c in columns]
        for r in game.results
        for s in r.seats
    ]
    return _csv(["round", "seat", "firm", "played_by", "bought", "sold", *columns], rows)


def payoffs_csv(game: Game) -> str:
    """Per round and seat: payments, profit, profit without trade and the running total (the
    practice round, marked ``practice = 1``, adds nothing to the total)."""
    rows = []
    total = [0.0] * game.header.n_seats
    for r in game.results:
        practice = game.is_practice(r.round)
        for s in r.seats:
            i = s["seat"]
            if not practice:
                total[i] += s["profit_cny"]
            rows.append(
                [
                    r.round,
                    int(practice),
                    i,
                    game.seats[i].firm,
                    game.seats[i].player,
                    s["source"],
                    r.price,
                    s["payment_cny"],
                    s["profit_cny"],
                    s.get("base_profit_cny"),
                    total[i],
                ]
            )
    header = [
        "round",
        "practice",
        "seat",
        "firm",
        "player",
        "played_by",
        "clearing_price",
        "payment_cny",
        "profit_cny",
        "profit_without_trade_cny",
        "cumulative_profit_cny",
    ]
    return _csv(header, rows)


def export_csv(game: Game, table: str) -> str:
    """One export table by name (``bids``, ``trades``, ``allocations`` or ``payoffs``)."""
    makers = {
        "bids": bids_csv,
        "trades": trades_csv,
        "allocations": allocations_csv,
        "payoffs": payoffs_csv,
    }
    if table not in makers:
        raise ClassroomInputError("table", table, f"one of {EXPORT_TABLES}")
    return makers[table](game)
