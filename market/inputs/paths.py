"""Where a scenario's data files are found.

A scenario names data files (weather, meters, tariffs) by path. The rule:

- A relative path is resolved against the **scenario file's folder** when the scenario is read
  from a file (``greenmarket validate``/``run``/``compare``), and against the shipped
  ``configs/`` folder when the scenario arrives as data (the web API, a study task).
- Over the web API (``confine=True``) a path must be relative and resolve inside the shipped
  ``configs/data/`` folder: a request can use the shipped data files, never other server files.

The resolved absolute path is what the validated config holds, so a scenario passed on as data
(a study task in a worker) finds the same file.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any

from pydantic import AfterValidator, Field, ValidationInfo

from market.inputs.errors import DataFileError

#: The shipped ``configs/`` folder (scenarios, reference data, example data files).
CONFIGS_DIR = Path(__file__).resolve().parents[2] / "configs"
#: The shipped data files a web request may name.
SHIPPED_DATA_DIR = CONFIGS_DIR / "data"

MAX_DATA_FILE_BYTES = 64 * 1024 * 1024
"""Largest data file read [bytes]; a year of 1-minute readings for 40 meters fits."""


@dataclass(frozen=True, slots=True)
class DataFileContext:
    """Validation context for data-file paths.

    Attributes
    ----------
    base_dir
        Folder that relative paths are resolved against.
    confine
        Refuse absolute paths and paths outside :data:`SHIPPED_DATA_DIR`.
    """

    base_dir: Path = CONFIGS_DIR
    confine: bool = False


def data_file_context(info: ValidationInfo) -> DataFileContext:
    """The :class:`DataFileContext` of a validation (the default one if none was given)."""
    context: Any = info.context
    if isinstance(context, dict):
        found = context.get("data_files")
        if isinstance(found, DataFileContext):
            return found
    return DataFileContext()


def resolve_data_path(text: str, context: DataFileContext) -> Path:
    """Resolve a data-file path by the module's rule.

    Raises
    ------
    ValueError
        If the path is refused (confined and outside the shipped data) or is not a readable
        file of at most :data:`MAX_DATA_FILE_BYTES`.
    """
    given = Path(text)
    if context.confine:
        if given.is_absolute():
            raise ValueError("a path relative to the shipped configs/ folder (absolute refused)")
        path = (CONFIGS_DIR / given).resolve()
        if not path.is_relative_to(SHIPPED_DATA_DIR.resolve()):
            raise ValueError("a file inside the shipped configs/data/ folder")
    else:
        path = given if given.is_absolute() else (context.base_dir / given)
        path = path.resolve()
    if not path.is_file():
        raise ValueError(f"an existing data file (looked for {path})")
    size = path.stat().st_size
    if size > MAX_DATA_FILE_BYTES:
        raise ValueError(f"a file of at most {MAX_DATA_FILE_BYTES} bytes (it has {size})")
    return path


def file_version(path: str | Path) -> tuple[int, int]:
    """Modification time [ns] and size [bytes] of a data file: the key of a reader's cache.

    Raises
    ------
    DataFileError
        If the file cannot be read.
    """
    try:
        stat = Path(path).stat()
    except OSError as exc:
        raise DataFileError(str(path), f"a readable file ({exc.strerror})") from None
    return stat.st_mtime_ns, stat.st_size


def _resolve(value: str, info: ValidationInfo) -> str:
    return str(resolve_data_path(value, data_file_context(info)))


DataFilePath = Annotated[
    str,
    Field(
        min_length=1, max_length=1024, description="Path of a data file (see market.inputs.paths)."
    ),
    AfterValidator(_resolve),
]
"""A data-file path in a scenario; validated to an absolute path of an existing file."""
