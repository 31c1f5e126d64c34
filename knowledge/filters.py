"""Metadata filters shared by the dense (Chroma) and lexical (SQLite) searches.

A filter is a dict: ``source_id``, ``doc_type``, ``publisher``, ``licence`` take a string or a
list of strings (any of them); ``date_from`` / ``date_to`` take ``YYYY``, ``YYYY-MM`` or
``YYYY-MM-DD`` and keep documents dated inside the range (undated documents are excluded
when a date bound is given).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from knowledge.errors import InvalidFilterError

EQUALITY_FIELDS = ("source_id", "doc_type", "publisher", "licence")
_DATE = re.compile(r"^(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?")


def date_key(value: str | None, upper: bool = False) -> int | None:
    """Turn an ISO date or year into a sortable integer YYYYMMDD (range end if ``upper``)."""
    if not value:
        return None
    match = _DATE.match(str(value).strip())
    if not match:
        return None
    year, month, day = match.groups()
    default_month, default_day = ("12", "31") if upper else ("01", "01")
    return int(f"{year}{month or default_month}{day or default_day}")


@dataclass(frozen=True)
class Filters:
    """Validated filters: allowed values per field and an inclusive date-key range."""

    equals: tuple[tuple[str, tuple[str, ...]], ...] = ()
    date_from: int | None = None
    date_to: int | None = None

    @property
    def empty(self) -> bool:
        """True when nothing is filtered."""
        return not self.equals and self.date_from is None and self.date_to is None

    def to_chroma(self) -> dict[str, Any] | None:
        """The equivalent Chroma ``where`` clause (``None`` when empty)."""
        clauses: list[dict[str, Any]] = []
        for name, values in self.equals:
            clauses.append({name: values[0]} if len(values) == 1 else {name: {"$in": list(values)}})
        if self.date_from is not None:
            clauses.append({"date_key": {"$gte": self.date_from}})
        if self.date_to is not None:
            clauses.append({"date_key": {"$lte": self.date_to}})
        if not clauses:
            return None
        return clauses[0] if len(clauses) == 1 else {"$and": clauses}

    def to_sql(self, alias: str = "c") -> tuple[str, list[Any]]:
        """An SQL condition over the chunks table (``"1"`` when empty) and its parameters."""
        parts: list[str] = []
        params: list[Any] = []
        for name, values in self.equals:
            parts.append(f"{alias}.{name} IN ({', '.join('?' * len(values))})")
            params.extend(values)
        if self.date_from is not None:
            parts.append(f"{alias}.date_key >= ?")
            params.append(self.date_from)
        if self.date_to is not None:
            parts.append(f"{alias}.date_key <= ?")
            params.append(self.date_to)
        return (" AND ".join(parts) or "1"), params


def parse_filters(filters: Mapping[str, Any] | None) -> Filters:
    """Validate a filter dict.

    Raises:
        InvalidFilterError: Unknown field, empty list, or a value that is not a string/date.
    """
    if not filters:
        return Filters()
    equals: list[tuple[str, tuple[str, ...]]] = []
    bounds: dict[str, int | None] = {"date_from": None, "date_to": None}
    for name, value in filters.items():
        if name in bounds:
            key = date_key(str(value), upper=name == "date_to")
            if key is None:
                raise InvalidFilterError(f"{name}={value!r} is not a YYYY[-MM[-DD]] date")
            bounds[name] = key
        elif name in EQUALITY_FIELDS:
            values = (value,) if isinstance(value, str) else tuple(value or ())
            if not values or not all(isinstance(v, str) for v in values):
                raise InvalidFilterError(f"{name} must be a string or a non-empty list of strings")
            equals.append((name, values))
        else:
            raise InvalidFilterError(
                f"unknown filter field {name!r}; use one of "
                f"{', '.join((*EQUALITY_FIELDS, 'date_from', 'date_to'))}"
            )
    return Filters(tuple(equals), bounds["date_from"], bounds["date_to"])
