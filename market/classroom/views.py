"""What each screen sees: the public view (projector, spectators), a player's view of their own
firm, the instructor's view of every seat, and the debrief data. Plain JSON-ready data; names
and other player text are data, never markup.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import NDArray

from agents.bidding import BidderState
from market.classroom.game import Game
from market.classroom.presets import GreenMarket, RightsMarket
from market.classroom.rounds import RoundResult


def _r(value: float, digits: int = 3) -> float:
    return round(float(value), digits)


def step_curves(result: RoundResult) -> dict[str, dict[str, list[float]]]:
    """Demand and supply step curves of a round's book (for plotly lines with ``shape: hv``).

    Returns
    -------
    dict
        ``demand`` and ``supply``, each ``{"q": [...], "p": [...]}``: ``q`` holds the cumulative
        quantity where each step starts plus the end of the last one; ``p`` the step prices
        (the last repeated).
    """
    curves: dict[str, dict[str, list[float]]] = {}
    for name, side, descending in (("demand", "buy", True), ("supply", "sell", False)):
        steps = sorted(
            ((line.price, line.quantity) for line in result.book if line.side == side),
            key=lambda s: -s[0] if descending else s[0],
        )
        q = [0.0]
        p: list[float] = []
        for price, quantity in steps:
            q.append(_r(q[-1] + quantity))
            p.append(_r(price, 4))
        if p:
            p.append(p[-1])
        curves[name] = {"q": q if p else [], "p": p}
    return curves


def round_summary(result: RoundResult) -> dict[str, Any]:
    """A cleared round as shown on every screen: price, volume, equilibrium, totals, curves."""
    return {
        "round": result.round,
        "price": result.price,
        "volume": _r(result.volume),
        "interval": result.interval,
        "equilibrium": result.equilibrium,
        "totals": result.totals,
        "params": result.params,
        "curves": step_curves(result),
    }


def price_path(game: Game) -> list[dict[str, Any]]:
    """One row per cleared round: price, volume, equilibrium, efficiency, emissions and cap
    (``practice`` marks the unscored practice round)."""
    return [
        {
            "round": r.round,
            "practice": game.is_practice(r.round),
            "price": r.price,
            "volume": _r(r.volume),
            "ce_price": r.equilibrium.get("price"),
            "ce_price_low": r.equilibrium.get("price_low"),
            "ce_price_high": r.equilibrium.get("price_high"),
            "ce_volume": _r(r.equilibrium.get("volume") or 0.0),
            "efficiency": r.equilibrium.get("efficiency"),
            "emissions_tco2": _r(r.totals.get("emissions_tco2") or 0.0),
            "cap_tco2": r.totals.get("cap_tco2"),
            "use_units": _r(r.totals.get("use_units") or 0.0),
            "cap_units": r.totals.get("cap_units"),
            "target_units": r.totals.get("target_units"),
        }
        for r in game.results
    ]


def public_view(game: Game, now: float) -> dict[str, Any]:
    """The view of the projector and of spectators (no names, no private values)."""
    h = game.header
    market = game.preset.market
    submitted = game.submitted()
    controlled = [game.controlled_by(i) for i in range(h.n_seats)]
    labels = None
    if isinstance(market, GreenMarket):
        labels = [market.period_labels[game.period_index(r)] for r in range(h.n_rounds)]
    return {
        "code": h.code,
        "preset": game.preset.name,
        "title": game.preset.title,
        "description": game.preset.description,
        "market": market.kind,
        "unit": game.preset.unit,
        "values_status": game.preset.values_status,
        "status": h.status,
        "round": h.round,
        "n_rounds": h.n_rounds,
        "practice_rounds": h.practice_rounds,
        "period_labels": labels,
        "deadline_unix_s": h.deadline_unix_s,
        "server_unix_s": now,
        "seconds_left": game.seconds_left(now),
        "round_seconds": h.round_seconds,
        "params": h.params.model_dump(),
        "seats": {
            "total": h.n_seats,
            "players": controlled.count("player"),
            "bots": controlled.count("bot"),
            "submitted": len(submitted),
        },
        "bots_enabled": h.bots_enabled,
        "bot_strategy": h.bot_strategy,
        "leaderboard_hidden": h.leaderboard_hidden and h.status != "finished",
        "version": h.version,
        "last": round_summary(game.results[-1]) if game.results else None,
        "path": price_path(game),
    }


def lobby_view(game: Game) -> dict[str, Any]:
    """What the projector adds to the public view: the names of the players who have joined,
    sorted (so the list does not tell which firm anyone plays). Names are data, never markup."""
    return {"joined": sorted(s.player for s in game.seats if s.player is not None)}


def _rights_firm(game: Game, seat: int, round_index: int) -> dict[str, Any]:
    market = game.preset.market
    assert isinstance(market, RightsMarket)
    values = game.values(round_index)
    info = values.info
    seat_type = market.seat_types[int(game.roster.type_index[seat])]
    size = float(game.roster.size_factor[seat])
    cost = float(game.roster.cost_factor[seat])
    penalty = game.header.params.penalty_cny_per_unit
    return {
        "output_t": _r(info["output_t"][seat]),
        "margin_cny": _r(info["margin_cny"][seat], 0),
        "need_tce": _r(info["need_tce"][seat]),
        "allocation_tce": _r(info["allocation_tce"][seat]),
        "position_tce": _r(info["allocation_tce"][seat] - info["need_tce"][seat]),
        "penalty_cny_per_tce": penalty,
        "abatement": [
            {
                "name": step.name,
                "kind": step.kind,
                "capacity_tce": _r(step.capacity_tce * size),
                "cost_cny_per_tce": _r(min(step.cost_cny_per_tce * cost, penalty), 1),
            }
            for step in seat_type.abatement
        ],
    }


def _green_firm(game: Game, seat: int, round_index: int) -> dict[str, Any]:
    market = game.preset.market
    assert isinstance(market, GreenMarket)
    values = game.values(round_index)
    info = values.info
    seat_type = market.seat_types[int(game.roster.type_index[seat])]
    cost = float(game.roster.cost_factor[seat])
    forecast = values.forecast_mwh
    period = game.period_index(round_index)
    data: dict[str, Any] = {
        "role": seat_type.role,
        "period": market.period_labels[period],
        "period_index": period,
        "penalty_cny_per_mwh": game.header.params.penalty_cny_per_unit,
    }
    if seat_type.role == "pv_seller":
        data.update(
            pv_mwh=_r(info["pv_mwh"][seat]),
            own_load_mwh=_r(info["own_load_mwh"][seat]),
            pv_surplus_mwh=_r(info["pv_surplus_mwh"][seat]),
            certificate_value_cny_per_mwh=_r(seat_type.attribute_cost_cny_per_mwh * cost, 1),
            forecast_surplus_mwh=[] if forecast is None else [_r(v) for v in forecast[seat]],
            period_labels=list(market.period_labels),
        )
        if seat_type.battery is not None:
            data["battery"] = {
                "energy_mwh": _r(info["battery_energy_mwh"][seat]),
                "soc_mwh": _r(info["soc_start_mwh"][seat]),
                "offer_mwh": _r(info["battery_offer_mwh"][seat]),
                "wear_cny_per_mwh": _r(seat_type.battery.wear_cny_per_mwh * cost, 1),
            }
    else:
        data.update(
            load_mwh=_r(info["load_mwh"][seat]),
            target_mwh=_r(info["target_mwh"][seat]),
            voluntary_value_cny_per_mwh=_r(
                seat_type.voluntary_value_share * game.header.params.penalty_cny_per_unit, 1
            ),
        )
    return data


def own_schedule(schedule: BidderState, seat: int) -> dict[str, list[dict[str, float | None]]]:
    """A seat's private schedule, best step first: what each unit bought is worth to it
    (``buy_steps``: quantity [unit], value [CNY/unit]) and what each unit sold costs it
    (``sell_steps``: quantity, cost); empty steps left out, an unbounded value is ``None``."""

    def steps(qty: NDArray[np.float64], price: NDArray[np.float64], name: str) -> list[Any]:
        return [
            {"quantity": _r(q), name: _r(p, 2) if np.isfinite(p) else None}
            for q, p in zip(qty[seat].tolist(), price[seat].tolist(), strict=True)
            if q > 1e-9
        ]

    return {
        "buy_steps": steps(schedule.buy_qty, schedule.buy_value, "value_cny_per_unit"),
        "sell_steps": steps(schedule.sell_qty, schedule.sell_cost, "cost_cny_per_unit"),
    }


def _seat_result(result: RoundResult, seat: int) -> dict[str, Any]:
    mine = result.seats[seat]
    trades = [
        {
            "order_id": line.order_id,
            "side": line.side,
            "quantity": line.quantity,
            "limit_price": line.price,
            "accepted": _r(line.accepted),
            "payment_cny": _r(line.payment_cny, 2),
        }
        for line in result.book
        if line.seat == seat
    ]
    return {"round": result.round, "price": result.price, "trades": trades, **mine}


def player_view(game: Game, seat: int, now: float) -> dict[str, Any]:
    """A player's own firm: values of the round being played, standing bid and results."""
    s = game.seats[seat]
    round_index = game.playing_round()
    values: dict[str, Any] | None = None
    if round_index is not None:
        v = game.values(round_index)
        firm = (
            _rights_firm(game, seat, round_index)
            if isinstance(game.preset.market, RightsMarket)
            else _green_firm(game, seat, round_index)
        )
        values = {
            "round": round_index,
            "preview": game.status not in ("open", "paused"),
            "active": bool(v.active[seat]),
            "max_buy": _r(v.max_buy[seat]),
            "max_sell": _r(v.max_sell[seat]),
            "profit_without_trade_cny": _r(v.base_profit_cny[seat], 0),
            **own_schedule(v.schedule, seat),
            **firm,
        }
    bid = None
    if game.status in ("open", "paused"):
        standing = game.standing_bid(seat, game.header.round)
        if standing is not None:
            bid = {
                "orders": [o.as_dict() for o in standing.orders],
                "source": standing.source,
                "submitted_unix_s": standing.submitted_unix_s,
            }
    history = [
        {
            "round": r.round,
            "practice": game.is_practice(r.round),
            "price": r.price,
            "net": r.seats[seat]["net"],
            "profit_cny": r.seats[seat]["profit_cny"],
            "source": r.seats[seat]["source"],
        }
        for r in game.results
    ]
    return {
        "seat": seat,
        "firm": s.firm,
        "type": s.type_name,
        "type_label": game.seat_label(seat),
        "player": s.player,
        "controlled_by": game.controlled_by(seat),
        "values": values,
        "bid": bid,
        "last": _seat_result(game.results[-1], seat) if game.results else None,
        "history": history,
        "total_profit_cny": _r(sum(h["profit_cny"] for h in history if not h["practice"]), 2),
        "final": final_standing(game, seat) if game.status == "finished" else None,
    }


def final_standing(game: Game, seat: int) -> dict[str, Any]:
    """A seat's place at the end: rank among all seats, gain and profit over the scored rounds."""
    board = leaderboard(game)
    row = next(r for r in board if r["seat"] == seat)
    return {
        "rank": row["rank"],
        "of": len(board),
        "gain_cny": row["gain_cny"],
        "total_profit_cny": row["total_profit_cny"],
        "scored_rounds": len(game.scored_results()),
        "best_gain_cny": board[0]["gain_cny"] if board else 0.0,
    }


def leaderboard(game: Game) -> list[dict[str, Any]]:
    """Seats ranked by their gain from trading (profit over what they would make without it).

    Raw profits differ by firm size, so the ranking uses the gain; both are listed. Only the
    scored rounds count (not the practice round).
    """
    profit = game.cumulative_profit()
    base = np.zeros(game.header.n_seats)
    for result in game.scored_results():
        base += np.array([s.get("base_profit_cny", 0.0) for s in result.seats])
    gain = profit - base
    order = sorted(range(game.header.n_seats), key=lambda i: (-gain[i], i))
    return [
        {
            "rank": k + 1,
            "seat": i,
            "firm": game.seats[i].firm,
            "player": game.seats[i].player,
            "controlled_by": game.controlled_by(i),
            "gain_cny": _r(gain[i], 2),
            "total_profit_cny": _r(profit[i], 2),
        }
        for k, i in enumerate(order)
    ]


def instructor_view(game: Game, now: float) -> dict[str, Any]:
    """Every seat with its player, who plays it, whether it has bid, and its profit so far."""
    submitted = game.submitted()
    profit = game.cumulative_profit()
    return {
        "seats": [
            {
                "seat": s.index,
                "firm": s.firm,
                "type_label": game.seat_label(s.index),
                "player": s.player,
                "controlled_by": game.controlled_by(s.index),
                "submitted": s.index in submitted,
                "total_profit_cny": _r(profit[s.index], 2),
            }
            for s in game.seats
        ],
        "leaderboard_hidden": game.header.leaderboard_hidden,
        "bot_strategy": game.header.bot_strategy,
    }


def debrief_view(game: Game, with_leaderboard: bool) -> dict[str, Any]:
    """Data of the debrief charts, and the leaderboard when it may be shown.

    Keys: ``rounds`` (price path with the equilibrium, emissions and cap), ``merit_order`` (per
    round demand and supply curves, price and equilibrium price), ``profits`` (per seat: firm,
    who played it, total profit and gain), ``leaderboard`` (``None`` when hidden).
    """
    board = leaderboard(game)
    return {
        "code": game.code,
        "preset": game.preset.name,
        "title": game.preset.title,
        "unit": game.preset.unit,
        "market": game.preset.market.kind,
        "status": game.status,
        "rounds": price_path(game),
        "practice_rounds": game.header.practice_rounds,
        "merit_order": [
            {
                "round": r.round,
                "practice": game.is_practice(r.round),
                "price": r.price,
                "ce_price": r.equilibrium.get("price"),
                "volume": _r(r.volume),
                "ce_volume": _r(r.equilibrium.get("volume") or 0.0),
                **step_curves(r),
            }
            for r in game.results
        ],
        "profits": sorted(
            (
                {
                    "seat": row["seat"],
                    "firm": row["firm"],
                    "controlled_by": row["controlled_by"],
                    "total_profit_cny": row["total_profit_cny"],
                    "gain_cny": row["gain_cny"],
                }
                for row in board
            ),
            key=lambda row: row["seat"],
        ),
        "leaderboard": board if with_leaderboard else None,
    }
