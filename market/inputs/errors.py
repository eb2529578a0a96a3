"""The one error type of data-file readers: which file, line and column, and what is wrong."""

from __future__ import annotations


class DataFileError(ValueError):
    """A data file (weather, meter, tariff) cannot be used as it stands.

    Attributes
    ----------
    path
        The file as the scenario names it.
    line
        1-based line of the file where the problem is, if known.
    column
        Column name (or header field) where the problem is, if known.
    message
        What is wrong and what is expected.
    """

    def __init__(
        self, path: str, message: str, line: int | None = None, column: str | None = None
    ) -> None:
        self.path = path
        self.line = line
        self.column = column
        self.message = message
        super().__init__(str(self))

    def __str__(self) -> str:
        where = [self.path]
        if self.line is not None:
            where.append(f"line {self.line}")
        if self.column is not None:
            where.append(f"column {self.column}")
        return f"{', '.join(where)}: {self.message}"
