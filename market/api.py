"""The public API of the engine, for adapters (the web app, notebooks, studies).

Adapters import from here only; everything else in ``market`` may change between releases.
"""

from market.config import ConfigError, ConfigIssue, ScenarioConfig, load_config, parse_config
from market.engine.bus import (
    BILLING_PERIOD,
    PARK_DAY,
    PARK_STEP,
    RUN_FINISHED,
    RUN_STARTED,
    Event,
    EventBus,
    JsonlSink,
    RecordingSink,
    Sink,
    event_to_json,
)
from market.engine.simulation import Simulation
from market.native_output import load_highs_quietly
from market.results import RunResults
from market.runner import (
    EVENTS_FILE,
    RESULT_FILES,
    FinishedRun,
    RunError,
    RunOutcome,
    finish_run,
    open_event_log,
    run_scenario,
    simulate,
    with_seed,
)
from market.table import format_summary_table

__all__ = [
    "BILLING_PERIOD",
    "EVENTS_FILE",
    "PARK_DAY",
    "PARK_STEP",
    "RESULT_FILES",
    "RUN_FINISHED",
    "RUN_STARTED",
    "ConfigError",
    "ConfigIssue",
    "Event",
    "EventBus",
    "FinishedRun",
    "JsonlSink",
    "RecordingSink",
    "RunError",
    "RunOutcome",
    "RunResults",
    "ScenarioConfig",
    "Simulation",
    "Sink",
    "event_to_json",
    "finish_run",
    "format_summary_table",
    "load_config",
    "load_highs_quietly",
    "open_event_log",
    "parse_config",
    "run_scenario",
    "simulate",
    "with_seed",
]

# --- Classroom market game (used by web.classroom) ---
from market.classroom import (  # noqa: E402
    BOT_STRATEGIES,
    EXPORT_TABLES,
    MAX_NAME_CHARS,
    MAX_ORDERS_PER_BID,
    MAX_SEATS,
    BidError,
    ClassroomInputError,
    Game,
    GameFullError,
    GameParams,
    GameStateError,
    GameStore,
    Preset,
    PresetError,
    RoundResult,
    UnknownGameError,
    debrief_view,
    default_presets_dir,
    export_csv,
    instructor_view,
    list_presets,
    lobby_view,
    player_view,
    public_view,
)

__all__ += [
    "BOT_STRATEGIES",
    "EXPORT_TABLES",
    "MAX_NAME_CHARS",
    "MAX_ORDERS_PER_BID",
    "MAX_SEATS",
    "BidError",
    "ClassroomInputError",
    "Game",
    "GameFullError",
    "GameParams",
    "GameStateError",
    "GameStore",
    "Preset",
    "PresetError",
    "RoundResult",
    "UnknownGameError",
    "debrief_view",
    "default_presets_dir",
    "export_csv",
    "instructor_view",
    "lobby_view",
    "list_presets",
    "player_view",
    "public_view",
]

# Clearing of plain order books (the HTTP API's ``/api/clear``).
from market.book_limits import (  # noqa: E402
    MAX_ABS_PRICE_CNY_PER_UNIT,
    MAX_ORDER_QUANTITY,
    MAX_PERIOD,
)
from market.clear_service import ClearRequestError, clear_book  # noqa: E402
from market.config.loader import read_yaml  # noqa: E402

# Policy studies (the HTTP API's ``/api/studies``).
from market.studies import (  # noqa: E402
    ExecutionOptions,
    StudyError,
    StudyOutcome,
    StudyPlan,
    load_study,
    parse_study,
    plan_study,
    run_study,
)

__all__ += [
    "MAX_ABS_PRICE_CNY_PER_UNIT",
    "MAX_ORDER_QUANTITY",
    "MAX_PERIOD",
    "ClearRequestError",
    "ExecutionOptions",
    "StudyError",
    "StudyOutcome",
    "StudyPlan",
    "clear_book",
    "load_study",
    "parse_study",
    "plan_study",
    "read_yaml",
    "run_study",
]

# The SQLite file helper the web's stores build on.
from market.sqlite_file import SqliteFile  # noqa: E402

__all__ += ["SqliteFile"]
