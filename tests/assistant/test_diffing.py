"""Word-level diffs against the AI original and the edit ratio used by the metrics."""

from __future__ import annotations

import pytest

from assistant.diffing import diff_html, edit_bucket, edit_ratio, word_diff, word_edit_distance


class TestWordDiff:
    @pytest.mark.parametrize(
        ("a", "b"),
        [
            ("", ""),
            ("one two", "one two"),
            ("one two", "one three two"),
            ("a b c", ""),
            ("", "new text"),
            ("Line one.\nLine two.", "Line one.\nLine 2."),
        ],
    )
    def test_round_trip(self, a: str, b: str) -> None:
        """Equal+delete chunks rebuild the original; equal+insert rebuild the edit."""
        chunks = word_diff(a, b)
        assert "".join(c.text for c in chunks if c.op != "insert") == a
        assert "".join(c.text for c in chunks if c.op != "delete") == b

    def test_html_marks_and_escapes(self) -> None:
        """Changed words are wrapped; markup in the text is escaped."""
        html = str(diff_html("the <b>old</b> text", "the new text"))
        assert "<ins>new</ins>" in html and "<del>&lt;b&gt;old&lt;/b&gt;</del>" in html

    def test_no_change_is_empty(self) -> None:
        """Identical texts give empty markup so the page can say 'unchanged'."""
        assert str(diff_html("same words", "same words")) == ""


class TestEditRatio:
    @pytest.mark.parametrize(
        ("a", "b", "distance"),
        [("a b c", "a b c", 0), ("a b c", "a c", 1), ("a b c", "a x c", 2), ("", "a b", 2)],
    )
    def test_distance(self, a: str, b: str, distance: int) -> None:
        """Words inserted plus words deleted."""
        assert word_edit_distance(a, b) == distance

    @pytest.mark.parametrize(
        ("original", "edited", "bucket"),
        [
            ({"s": "one two three four five"}, {"s": "one two three four five"}, "unchanged"),
            (
                {"s": "one two three four five six seven eight nine ten"},
                {"s": "one two three four five six seven eight nine ten eleven"},
                "light",
            ),
            ({"s": "one two three"}, {"s": "entirely different words here"}, "heavy"),
            ({"s": "kept"}, {"s": "kept", "t": "a new section"}, "heavy"),
        ],
    )
    def test_buckets(self, original: dict[str, str], edited: dict[str, str], bucket: str) -> None:
        """Unchanged, light (<= 20% of words) and heavy edits across sections."""
        assert edit_bucket(edit_ratio(original, edited)) == bucket

    def test_ratio_bounds(self) -> None:
        """Rewriting everything is 1.0; nothing at all is 0.0."""
        assert edit_ratio({"s": "a b"}, {"s": "c d"}) == 1.0
        assert edit_ratio({}, {}) == 0.0
