"""Seats' firms and their private values for one round.

:func:`build_roster` turns a preset and a seat count into the game's firms (seat types in
proportion to their ``share``, each firm up to ``seat_spread_share`` larger or smaller and cheaper
or dearer than its type). :func:`round_values` gives every seat's private schedule for one round:
units it wants to buy with their value, units it can sell with their cost (the induced values of
experimental economics), the most it may buy and sell, and its profit if it does not trade.

Energy-use rights [tce]: a firm's position is its free allocation minus its need. The schedule
comes from ``agents.bidding.rights_bidder_state`` over its abatement steps (costs above the penalty
count at the penalty: the firm would rather pay it), plus a last sell step at the penalty for the
rights it holds beyond its abatement capacity. Green power [MWh]: a PV seller offers its surplus
at the value of keeping the certificate and its stored energy at the battery's wear cost; a buyer
values its target at the penalty and green power beyond it at ``voluntary_value_share`` of it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray

from agents.abatement import abatement_options
from agents.bidding import BidderState, bidder_state, rights_bidder_state
from market.classroom.presets import (
    MAX_SEATS,
    GameParams,
    GreenMarket,
    GreenSeatType,
    Preset,
    RightsMarket,
    RightsSeatType,
)

Array = NDArray[np.float64]


@dataclass(frozen=True, eq=False)
class Roster:
    """The firms of a game, one per seat.

    Attributes
    ----------
    type_index
        Index into the preset's ``seat_types`` per seat, shape ``(S,)``.
    type_name, firm
        Seat type name and firm name (e.g. ``"Cement plant 2"``) per seat.
    size_factor, cost_factor
        Multipliers of the seat type's quantities and costs per seat, shape ``(S,)``.
    """

    type_index: NDArray[np.int64]
    type_name: tuple[str, ...]
    firm: tuple[str, ...]
    size_factor: Array
    cost_factor: Array

    @property
    def n_seats(self) -> int:
        """Number of seats ``S``."""
        return int(self.type_index.size)


def build_roster(preset: Preset, n_seats: int) -> Roster:
    """The firms of a game with ``n_seats`` seats (deterministic in the preset's seed).

    Seat ``i`` gets the seat type at ``i`` in the cycle where each type repeats ``share`` times,
    so the mix stays the same whatever the class size. Its size and cost factors are drawn
    uniformly in ``1 ± seat_spread_share`` from the preset's seed (the first seats' draws do not
    depend on the number of seats).
    """
    types: Sequence[RightsSeatType | GreenSeatType] = preset.market.seat_types
    cycle = [k for k, t in enumerate(types) for _ in range(t.share)]
    type_index = np.array([cycle[i % len(cycle)] for i in range(n_seats)], dtype=np.int64)
    counts: dict[int, int] = {}
    firms: list[str] = []
    for k in type_index.tolist():
        counts[k] = counts.get(k, 0) + 1
        firms.append(f"{types[k].label} {counts[k]}")
    spread = preset.market.seat_spread_share
    rng = np.random.default_rng([preset.seed, 7])
    draws = rng.uniform(1.0 - spread, 1.0 + spread, size=(2, MAX_SEATS))
    return Roster(
        type_index=type_index,
        type_name=tuple(types[k].name for k in type_index.tolist()),
        firm=tuple(firms),
        size_factor=draws[0, :n_seats].copy(),
        cost_factor=draws[1, :n_seats].copy(),
    )


@dataclass(frozen=True, eq=False)
class RoundValues:
    """Every seat's private values in one round (arrays over seats ``S``).

    Attributes
    ----------
    round
        Round index (0-based).
    schedule
        Buy steps (quantity [unit], value [CNY/unit]) and sell steps (quantity, cost) per seat,
        best first; inactive seats have none.
    max_buy, max_sell
        Most a seat may buy and sell in the round [unit].
    base_profit_cny
        Profit of each seat if it does not trade [CNY].
    active
        Seats in play (a player or a bot); the others take no part.
    auctioneer_qty, auctioneer_price
        Rights offered by the auctioneer [tce] and its reserve price [CNY/tce] (0 and nan without
        an auction).
    cap_units
        The cap of the round [tce] (nan in the green-power game).
    info
        Per-seat figures shown to players, by name (e.g. ``need_tce``, ``allocation_tce``,
        ``pv_surplus_mwh``), each of shape ``(S,)``.
    forecast_mwh
        Green power: each seat's PV surplus in every round of the day [MWh], shape ``(S, R)``.
    """

    round: int
    schedule: BidderState
    max_buy: Array
    max_sell: Array
    base_profit_cny: Array
    active: NDArray[np.bool_]
    auctioneer_qty: float = 0.0
    auctioneer_price: float = float("nan")
    cap_units: float = float("nan")
    info: dict[str, Array] = field(default_factory=dict)
    forecast_mwh: Array | None = None

    @property
    def n_seats(self) -> int:
        """Number of seats ``S``."""
        return self.schedule.n_firms


def fill_cost(qty: Array, cost: Array, amount: Array) -> tuple[Array, Array]:
    """Take ``amount`` per row from steps in column order; return ``(taken per step, cost)``.

    Parameters
    ----------
    qty, cost : shape (S, K)
        Step quantities [unit] and unit costs [CNY/unit] (costs of empty steps are ignored).
    amount : shape (S,)
        Quantity to take per row [unit], ``>= 0``.

    Returns
    -------
    taken : shape (S, K)
        Quantity taken from each step.
    total : shape (S,)
        Cost of what was taken [CNY].
    """
    start = np.cumsum(qty, axis=1) - qty
    taken = np.clip(amount[:, None] - start, 0.0, qty)
    spent = np.where(taken > 0, taken * np.where(np.isfinite(cost), cost, 0.0), 0.0)
    return taken, np.asarray(spent.sum(axis=1), dtype=np.float64)


def schedule_gain_cny(schedule: BidderState, net: Array) -> Array:
    """Value of a net trade to each seat under its schedule [CNY].

    ``net > 0`` (bought): the value of the first ``net`` units of the buy steps (beyond them a
    unit is worth 0). ``net < 0`` (sold): minus the cost of the first ``-net`` units of the sell
    steps. The sum over seats is the market's gains from trade.
    """
    _, value = fill_cost(schedule.buy_qty, schedule.buy_value, np.maximum(net, 0.0))
    _, cost = fill_cost(schedule.sell_qty, schedule.sell_cost, np.maximum(-net, 0.0))
    return np.asarray(value - cost, dtype=np.float64)


def _rights_mac(
    preset: Preset, market: RightsMarket, roster: Roster, penalty: float
) -> tuple[Array, Array]:
    width = max(len(t.abatement) for t in market.seat_types)
    cap = np.zeros((roster.n_seats, width))
    cost = np.zeros((roster.n_seats, width))
    for i, k in enumerate(roster.type_index.tolist()):
        steps = market.seat_types[k].abatement
        cap[i, : len(steps)] = [s.capacity_tce for s in steps]
        cost[i, : len(steps)] = [s.cost_cny_per_tce for s in steps]
    cap *= roster.size_factor[:, None]
    cost = np.minimum(cost * roster.cost_factor[:, None], penalty)
    options = abatement_options(cap, cost)
    return np.array(options.capacity_tce), np.array(options.cost_cny_per_tce)


def rights_compliance(
    mac_capacity_tce: Array,
    mac_cost_cny_per_tce: Array,
    shortfall_tce: Array,
    penalty_cny_per_tce: float,
) -> tuple[Array, Array, Array]:
    """Cheapest way to cover a shortfall of rights: abate up to capacity, then pay the penalty.

    Returns
    -------
    abated_tce, penalty_tce, cost_cny : shape (S,)
        Abatement used, shortfall left to the penalty and the total cost [CNY].
    """
    taken, _ = fill_cost(mac_capacity_tce, mac_cost_cny_per_tce, shortfall_tce)
    useful = mac_cost_cny_per_tce < penalty_cny_per_tce
    used = np.where(useful, taken, 0.0)
    abated = np.asarray(used.sum(axis=1), dtype=np.float64)
    finite_cost = np.where(np.isfinite(mac_cost_cny_per_tce), mac_cost_cny_per_tce, 0.0)
    abate_cost = (used * finite_cost).sum(axis=1)
    penalty_tce = np.asarray(shortfall_tce - abated, dtype=np.float64)
    cost = np.asarray(abate_cost + penalty_tce * penalty_cny_per_tce, dtype=np.float64)
    return abated, penalty_tce, cost


def _rights_values(
    preset: Preset,
    market: RightsMarket,
    params: GameParams,
    roster: Roster,
    round_index: int,
    active: NDArray[np.bool_],
) -> RoundValues:
    types = market.seat_types
    s = roster.size_factor
    k = roster.type_index
    pick = np.asarray
    base = pick([types[j].base_need_tce for j in k.tolist()]) * s * active
    output = pick([types[j].output_t for j in k.tolist()]) * s * active
    margin = output * pick([types[j].margin_cny_per_t for j in k.tolist()])
    bench = output * pick([types[j].benchmark_tce_per_t for j in k.tolist()])
    noise = np.random.default_rng([preset.seed, 11, round_index]).uniform(
        -market.need_noise_share, market.need_noise_share, size=MAX_SEATS
    )[: roster.n_seats]
    need = base * (1.0 + noise)
    assert params.cap_share is not None and params.allocation is not None
    cap = float(params.cap_share * base.sum())
    penalty = params.penalty_cny_per_unit
    if params.allocation == "grandfathering":
        allocation = cap * base / base.sum() if base.sum() > 0 else np.zeros_like(base)
    elif params.allocation == "benchmark":
        allocation = cap * bench / bench.sum() if bench.sum() > 0 else np.zeros_like(base)
    else:
        allocation = np.zeros_like(base)
    mac_cap, mac_cost = _rights_mac(preset, market, roster, penalty)
    mac_cap = mac_cap * active[:, None]
    state = rights_bidder_state(
        allocation - need, abatement_options(mac_cap, np.where(mac_cap > 0, mac_cost, 0.0)), penalty
    )
    extra = np.maximum(allocation - state.sell_qty.sum(axis=1), 0.0)
    schedule = bidder_state(
        state.buy_qty,
        state.buy_value,
        np.concatenate([state.sell_qty, extra[:, None]], axis=1),
        np.concatenate([state.sell_cost, np.full((roster.n_seats, 1), penalty)], axis=1),
    )
    shortfall0 = np.maximum(need - allocation, 0.0)
    _, _, cost0 = rights_compliance(mac_cap, mac_cost, shortfall0, penalty)
    auction = params.allocation == "auction"
    return RoundValues(
        round=round_index,
        schedule=schedule,
        max_buy=need.copy(),
        max_sell=allocation.copy(),
        base_profit_cny=np.asarray(margin - cost0, dtype=np.float64),
        active=active.copy(),
        auctioneer_qty=cap if auction else 0.0,
        auctioneer_price=params.reserve_price_cny_per_unit if auction else float("nan"),
        cap_units=cap,
        info={
            "output_t": output,
            "margin_cny": margin,
            "base_use_tce": base,
            "need_tce": need,
            "allocation_tce": allocation,
            "mac_capacity_tce": mac_cap,
            "mac_cost_cny_per_tce": mac_cost,
        },
    )


def _green_values(
    preset: Preset,
    market: GreenMarket,
    params: GameParams,
    roster: Roster,
    round_index: int,
    active: NDArray[np.bool_],
    soc_start_mwh: Array,
) -> RoundValues:
    types = market.seat_types
    n = roster.n_seats
    s = roster.size_factor * active
    cf = roster.cost_factor

    def per_seat(name: str) -> Array:
        return np.asarray([float(getattr(types[j], name)) for j in roster.type_index.tolist()])

    def battery(name: str) -> Array:
        return np.asarray(
            [
                float(getattr(types[j].battery, name)) if types[j].battery is not None else 0.0
                for j in roster.type_index.tolist()
            ]
        )

    profile = np.asarray(market.pv_kwh_per_kwp)
    pv_all = per_seat("pv_kwp")[:, None] * s[:, None] * profile[None, :] / 1000.0
    own_load = per_seat("own_load_mwh") * s
    forecast = np.maximum(pv_all - own_load[:, None], 0.0)
    pv = pv_all[:, round_index]
    surplus = forecast[:, round_index]
    eff_d = np.where(battery("energy_mwh") > 0, battery("discharge_efficiency"), 1.0)
    eff_c = np.where(battery("energy_mwh") > 0, battery("charge_efficiency"), 1.0)
    power_mwh = battery("power_mw") * s * market.hours_per_round
    stored_offer = np.maximum(np.minimum(soc_start_mwh * eff_d, power_mwh), 0.0)
    load = per_seat("load_mwh") * s
    assert params.target_share is not None
    target = params.target_share * load
    penalty = params.penalty_cny_per_unit
    voluntary = penalty * per_seat("voluntary_value_share")
    schedule = bidder_state(
        np.stack([target, load - target], axis=1),
        np.stack([np.full(n, penalty), voluntary], axis=1),
        np.stack([surplus, stored_offer], axis=1),
        np.stack(
            [per_seat("attribute_cost_cny_per_mwh") * cf, battery("wear_cny_per_mwh") * cf], axis=1
        ),
    )
    return RoundValues(
        round=round_index,
        schedule=schedule,
        max_buy=load.copy(),
        max_sell=surplus + stored_offer,
        base_profit_cny=np.asarray(-penalty * target, dtype=np.float64),
        active=active.copy(),
        info={
            "pv_mwh": pv,
            "own_load_mwh": own_load,
            "pv_surplus_mwh": surplus,
            "soc_start_mwh": soc_start_mwh.copy(),
            "battery_energy_mwh": battery("energy_mwh") * s,
            "battery_offer_mwh": stored_offer,
            "battery_power_mwh": power_mwh,
            "battery_charge_efficiency": eff_c,
            "battery_discharge_efficiency": eff_d,
            "load_mwh": load,
            "target_mwh": target,
        },
        forecast_mwh=forecast,
    )


def round_values(
    preset: Preset,
    params: GameParams,
    roster: Roster,
    round_index: int,
    active: NDArray[np.bool_],
    soc_start_mwh: Array | None = None,
) -> RoundValues:
    """Private values of every seat in a round.

    Parameters
    ----------
    preset, params
        The game's preset and the rules of this round.
    roster
        The game's firms.
    round_index
        Round (0-based); draws the round's need variation (rights) or picks the PV period.
    active
        Seats in play this round (played by a person or a bot), shape ``(S,)``.
    soc_start_mwh
        Green power: each battery's state of charge at the start of the round [MWh] (zeros when
        omitted).
    """
    if isinstance(preset.market, RightsMarket):
        return _rights_values(preset, preset.market, params, roster, round_index, active)
    soc = np.zeros(roster.n_seats) if soc_start_mwh is None else np.asarray(soc_start_mwh)
    return _green_values(preset, preset.market, params, roster, round_index, active, soc)
