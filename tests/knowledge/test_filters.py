"""Metadata filters for Chroma and SQLite."""

from __future__ import annotations

from typing import Any

import pytest

from knowledge.errors import InvalidFilterError
from knowledge.filters import date_key, parse_filters


class TestDateKey:
    """date_key()."""

    @pytest.mark.parametrize(
        ("value", "upper", "expected"),
        [("2017", False, 20170101), ("2017", True, 20171231), ("2017-05", False, 20170501),
         ("2017-05-09", True, 20170509), ("n/a", False, None), (None, False, None)],
    )  # fmt: skip
    def test_values(self, value: str | None, upper: bool, expected: int | None) -> None:
        """Years and partial dates become range bounds; junk gives None."""
        assert date_key(value, upper) == expected


class TestParseFilters:
    """parse_filters() and its Chroma / SQL forms."""

    def test_empty(self) -> None:
        """No filters means no where clause."""
        flt = parse_filters(None)
        assert flt.empty and flt.to_chroma() is None and flt.to_sql() == ("1", [])

    def test_combined(self) -> None:
        """Equality, lists and a date range combine with AND in both back ends."""
        flt = parse_filters({"doc_type": ["medquad", "pubmedqa"], "publisher": "CDC", "date_from": "2015"})
        assert flt.to_chroma() == {
            "$and": [
                {"doc_type": {"$in": ["medquad", "pubmedqa"]}},
                {"publisher": "CDC"},
                {"date_key": {"$gte": 20150101}},
            ]
        }
        sql, params = flt.to_sql("c")
        assert sql == "c.doc_type IN (?, ?) AND c.publisher IN (?) AND c.date_key >= ?"
        assert params == ["medquad", "pubmedqa", "CDC", 20150101]

    @pytest.mark.parametrize(
        ("filters", "match"),
        [({"colour": "red"}, "unknown filter field 'colour'"), ({"doc_type": []}, "non-empty list"),
         ({"doc_type": [1]}, "list of strings"), ({"date_to": "last week"}, "is not a YYYY")],
    )  # fmt: skip
    def test_invalid(self, filters: dict[str, Any], match: str) -> None:
        """Bad filters raise InvalidFilterError with the remedy."""
        with pytest.raises(InvalidFilterError, match=match):
            parse_filters(filters)
