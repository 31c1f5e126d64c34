"""The one sentence splitter and citation parser (knowledge.sentences), and that every reader agrees."""

from __future__ import annotations

import pytest

from knowledge.sentences import (
    cited_numbers,
    numbers_in_marker,
    quotable_sentences,
    rewrite_citations,
    split_sentences,
    without_citations,
)

DISAGREEMENT = "Pneumonia is common [1, 2]. A clot is less likely [3]."


class TestCitedNumbers:
    """Markers: single, listed, ranged, in first-use order."""

    @pytest.mark.parametrize(
        ("text", "numbers"),
        [
            (DISAGREEMENT, [1, 2, 3]),
            ("A [3]. B [1, 3]. C [4-6]. D [2\u20133].", [3, 1, 4, 5, 6, 2]),
            ("a [2] b [1, 2] c [3; 4]", [2, 1, 3, 4]),
            ("Adjacent [2][1].", [2, 1]),
            ("A year [2024] and a link [x] are not markers.", []),
            ("A reversed range [9-2] gives its ends.", [9, 2]),
        ],
    )
    def test_table(self, text: str, numbers: list[int]) -> None:
        """Each marker form names the numbers a reader expects."""
        assert cited_numbers(text) == numbers

    def test_long_range_is_not_expanded(self) -> None:
        """[1-200] is a typo, not two hundred citations."""
        assert numbers_in_marker("1-200") == [1, 200]


class TestRewriteCitations:
    """Markers rewritten or removed without leaving stray spaces."""

    @pytest.mark.parametrize(
        ("text", "keep", "expected"),
        [
            ("Fact [9].", {1}, "Fact."),
            ("Fact [1, 9] and more [2].", {1, 2}, "Fact [1] and more [2]."),
            ("Fact [9][8].", set(), "Fact."),
            ("Fact [1-3].", {1, 3}, "Fact [1, 3]."),
        ],
    )
    def test_table(self, text: str, keep: set[int], expected: str) -> None:
        """Only the chosen numbers survive; an emptied marker goes with its leading space."""
        assert rewrite_citations(text, lambda ns: [n for n in ns if n in keep]) == expected

    def test_without_citations(self) -> None:
        """The claim without any marker, for support scoring."""
        assert (
            without_citations("Pneumonia is common [1, 2] in winter [3].") == "Pneumonia is common in winter."
        )


class TestSplitSentences:
    """One splitter: abbreviations, decimals, markers after the stop, line breaks."""

    @pytest.mark.parametrize(
        ("text", "sentences"),
        [
            (DISAGREEMENT, ["Pneumonia is common [1, 2].", "A clot is less likely [3]."]),
            ("One thing. [1] Another thing [2]. Third.", ["One thing. [1]", "Another thing [2].", "Third."]),
            ("A nodule of 3.5 mm. It is small.", ["A nodule of 3.5 mm.", "It is small."]),
            (
                "Infections, e.g. Pneumonia, are common. Next.",
                ["Infections, e.g. Pneumonia, are common.", "Next."],
            ),
            ("Ask Dr. Smith. Then rest.", ["Ask Dr. Smith.", "Then rest."]),
            ("See Fig. 2 and compare vs. The film.", ["See Fig. 2 and compare vs. The film."]),
            ("Is it a clot? No! It is not.", ["Is it a clot?", "No!", "It is not."]),
            ('He said "rest." Then he left.', ['He said "rest."', "Then he left."]),
            ("First line\nsecond line.", ["First line", "second line."]),
            ("1. First question here.\n2. Second.", ["1. First question here.", "2. Second."]),
            ("Fever at 38.5 C. The count was 1.2. Then", ["Fever at 38.5 C.", "The count was 1.2.", "Then"]),
            ("  spaced   out\t text.  ", ["spaced out text."]),
            ("", []),
        ],
    )
    def test_table(self, text: str, sentences: list[str]) -> None:
        """Each case splits where a reader would, and nowhere else."""
        assert split_sentences(text) == sentences

    def test_quotable_sentences_drop_markdown_and_fragments(self) -> None:
        """Headings and bullets are unmarked; short fragments are not quoted."""
        text = (
            "# Pneumonia\n- Pneumonia is an infection of the lungs. It is common.\n"
            "- Antibiotics treat most cases well."
        )
        assert quotable_sentences(text) == [
            "Pneumonia is an infection of the lungs.",
            "Antibiotics treat most cases well.",
        ]
