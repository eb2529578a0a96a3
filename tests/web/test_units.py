"""Pure parts of the web layer: pacing, run control, event stamping, the stream channel."""

from __future__ import annotations

import asyncio
import json
import math
import sqlite3
import threading
import time
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from market.api import Event
from web.bridge import LoopBridgeSink, stamp_json
from web.control import RunControl
from web.hub import EventChannel, StreamHub, StreamItem, lagged_notice
from web.pacing import MAX_CHUNK_H, chunk_hours, due_wall_s, next_chunk_end_h
from web.settings import WebSettings
from web.store import RunStore


def test_chunk_hours_known_values() -> None:
    assert chunk_hours(0.0, 1.0) == 24.0  # unpaced: a day at a time
    assert chunk_hours(24.0, 1.0) == 6.0  # a day per second: four chunks per second
    assert chunk_hours(1.0, 1.0) == 1.0  # never less than one step
    assert chunk_hours(2.0, 0.25) == 0.5
    assert chunk_hours(1e6, 1.0) == 24.0


@given(
    pace=st.floats(min_value=0.0, max_value=1e6, allow_nan=False),
    step=st.sampled_from([0.25, 0.5, 1.0]),
)
def test_chunk_hours_is_whole_steps_between_one_step_and_a_day(pace: float, step: float) -> None:
    chunk = chunk_hours(pace, step)
    assert step <= chunk <= MAX_CHUNK_H
    assert math.isclose(chunk / step, round(chunk / step))


@pytest.mark.parametrize(("pace", "step"), [(-1.0, 1.0), (math.nan, 1.0), (1.0, 0.0)])
def test_chunk_hours_rejects_bad_input(pace: float, step: float) -> None:
    with pytest.raises(ValueError, match="got"):
        chunk_hours(pace, step)


def test_next_chunk_end_aligns_and_stops_at_the_horizon() -> None:
    assert next_chunk_end_h(0.0, 6.0, 100.0) == 6.0
    assert next_chunk_end_h(6.0, 6.0, 100.0) == 12.0
    assert next_chunk_end_h(7.5, 6.0, 100.0) == 12.0
    assert next_chunk_end_h(96.0, 6.0, 100.0) == 100.0


def test_due_wall_time() -> None:
    # 48 simulated hours at 24 h/s from an anchor at (t=10 s, 0 h) are due at t=12 s.
    assert due_wall_s(10.0, 0.0, 48.0, 24.0) == pytest.approx(12.0)


def test_control_speed_pause_and_cancel() -> None:
    control = RunControl(24.0)
    assert control.pace_h_per_s == 24.0
    control.set_speed(2.0)
    assert control.pace_h_per_s == 48.0
    with pytest.raises(ValueError, match="speed: got 0"):
        control.set_speed(0.0)
    version = control.version
    control.pause()
    assert control.paused and control.version == version + 1
    waiter = threading.Thread(target=control.wait_while_paused)
    waiter.start()
    control.resume()
    waiter.join(timeout=5)
    assert not waiter.is_alive()
    control.cancel()
    assert control.cancelled


def test_sleep_until_wakes_on_a_change() -> None:
    control = RunControl(1.0)
    version = control.version
    started = time.monotonic()
    waker = threading.Timer(0.05, control.pause)
    waker.start()
    control.sleep_until(time.monotonic() + 30.0, version)
    assert time.monotonic() - started < 10.0
    waker.join()


def test_stamp_json_adds_the_publish_time() -> None:
    assert json.loads(stamp_json('{"a":1}', 12.5)) == {"a": 1, "published_unix_s": 12.5}
    assert json.loads(stamp_json("{}", 1.0)) == {"published_unix_s": 1.0}
    with pytest.raises(ValueError, match="JSON object"):
        stamp_json("[1]", 1.0)


def test_bridge_batches_events_onto_the_loop() -> None:
    received: list[list[StreamItem]] = []
    stored: list[list[StreamItem]] = []

    async def scenario() -> None:
        loop = asyncio.get_running_loop()
        sink = LoopBridgeSink(loop, received.append, stored.append, clock=lambda: 5.0)

        def engine() -> None:
            sink(Event(1, "park_step", 0.0, {"pv_kw": 1.5}))
            sink(Event(2, "park_day", 24.0, {"park": "p"}))
            assert sink.flush() == 2
            assert sink.flush() == 0

        await asyncio.to_thread(engine)
        await asyncio.sleep(0)

    asyncio.run(scenario())
    assert [[i.seq for i in batch] for batch in received] == [[1, 2]]
    assert stored == received
    first = json.loads(received[0][0].text)
    assert first == {
        "seq": 1,
        "kind": "park_step",
        "time_h": 0.0,
        "pv_kw": 1.5,
        "published_unix_s": 5.0,
    }


def _items(first: int, last: int) -> list[StreamItem]:
    return [StreamItem(s, "k", f'{{"seq":{s}}}') for s in range(first, last + 1)]


def test_channel_buffer_is_bounded_and_readable_by_cursor() -> None:
    channel = EventChannel("r", replay_events=5)
    assert channel.first_buffered_seq == 1 and channel.last_seq == 0
    channel.extend(_items(1, 8))
    assert channel.last_seq == 8
    assert channel.first_buffered_seq == 4
    assert [i.seq for i in channel.read_after(0, 10)] == [4, 5, 6, 7, 8]
    assert [i.seq for i in channel.read_after(5, 2)] == [6, 7]
    assert channel.read_after(8, 10) == []


def test_lagged_notice_fields() -> None:
    notice = json.loads(lagged_notice(3, 10, "slow_client"))
    assert notice == {"kind": "lagged", "dropped": 3, "resume_seq": 10, "reason": "slow_client"}


def test_slow_reader_is_skipped_ahead_and_told(tmp_path: Path) -> None:
    from web.routers.stream import StreamReader

    sent: list[str] = []

    async def scenario() -> None:
        channel = EventChannel("r", replay_events=1000)
        gate = asyncio.Event()

        async def slow_send(text: str) -> None:
            sent.append(text)
            if len(sent) == 1:
                await gate.wait()  # the client stalls after its first message

        reader = StreamReader(
            slow_send,
            store=RunStore(tmp_path / "unused.sqlite3"),
            run_id="r",
            after=0,
            kinds=None,
            queue_events=10,
            batch=1,
        )
        task = asyncio.create_task(reader.live(channel))
        channel.extend(_items(1, 1))
        await asyncio.sleep(0)
        channel.extend(_items(2, 50))  # 49 more while the client is stuck
        gate.set()
        channel.close()
        await asyncio.wait_for(task, 5)

    asyncio.run(scenario())
    messages = [json.loads(t) for t in sent]
    assert messages[0] == {"seq": 1}
    assert messages[1]["kind"] == "lagged" and messages[1]["reason"] == "slow_client"
    assert messages[1]["resume_seq"] == 41
    assert [m["seq"] for m in messages[2:]] == list(range(41, 51))


def test_hub_registry() -> None:
    hub = StreamHub(replay_events=10)

    async def scenario() -> None:
        channel = hub.open("a")
        hub.publish("a", _items(1, 2))
        hub.publish("missing", _items(1, 2))
        assert channel.last_seq == 2
        hub.close("a")
        assert channel.closed and hub.get("a") is None

    asyncio.run(scenario())


def test_settings_reject_bad_values() -> None:
    with pytest.raises(ValueError, match="port"):
        WebSettings(port=70000)
    with pytest.raises(ValueError, match="pace_h_per_s"):
        WebSettings(pace_h_per_s=-1)


def test_store_uses_wal_and_round_trips_events(tmp_path: Path) -> None:
    store = RunStore(tmp_path / "runs.sqlite3")
    with sqlite3.connect(store.path) as db:
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    store.insert_run("r1", "tiny", "json", {"name": "tiny"}, 72.0, [{"name": "p"}], 1.0)
    store.append_events("r1", [(1, "a", "{}"), (2, "b", "{}"), (3, "a", "{}")])
    assert [seq for seq, _, _ in store.read_events("r1", 0, 10)] == [1, 2, 3]
    assert [seq for seq, _, _ in store.read_events("r1", 1, 10, before_seq=3)] == [2]
    store.finish_run("r1", "finished", None, {"total": 1}, {"firms.csv": b"a,b\n"})
    reopened = RunStore(tmp_path / "runs.sqlite3")
    record = reopened.get_run("r1")
    assert record is not None and record.state == "finished" and record.has_summary
    assert reopened.get_summary("r1") == {"total": 1}
    assert reopened.get_file("r1", "firms.csv") == b"a,b\n"
    assert reopened.get_file("r1", "nope.csv") is None
    assert reopened.get_run("other") is None
