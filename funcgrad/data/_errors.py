"""The error raised for data that cannot be used."""

from __future__ import annotations


class DataError(ValueError):
    """Data that cannot be loaded or used: the message names file, line and column.

    ``path``, ``line`` (1-based), ``column`` (1-based) and ``column_name`` hold the
    location where known, ``None`` otherwise; ``reason`` is the message without
    them. It is a ``ValueError``, so ``except ValueError`` still catches it.

    >>> e = DataError("non-numeric value 'x'", path="d.csv", line=3, column=2,
    ...               column_name="age")
    >>> str(e)
    "d.csv, line 3, column 2 ('age'): non-numeric value 'x'"
    >>> e.line, e.column, isinstance(e, ValueError)
    (3, 2, True)
    """

    __module__ = "funcgrad.data"  # where users import it from

    def __init__(
        self,
        message: str,
        *,
        path: str | None = None,
        line: int | None = None,
        column: int | None = None,
        column_name: str | None = None,
    ) -> None:
        self.path = path
        self.line = line
        self.column = column
        self.column_name = column_name
        self.reason = message
        where = []
        if path is not None:
            where.append(str(path))
        if line is not None:
            where.append(f"line {line}")
        if column is not None:
            name = f" ({column_name!r})" if column_name is not None else ""
            where.append(f"column {column}{name}")
        super().__init__(", ".join(where) + ": " + message if where else message)
