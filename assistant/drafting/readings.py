"""Oxygen readings as patients and reports give them ("sats 93%", "my mum's finger thing said 91"), shared by
the same-day signs and the facts of the story."""

from __future__ import annotations

import re

#: An oxygen reading: "oxygen 91%", "sats 88-90", "the finger thing said 93".
OXYGEN = re.compile(
    r"\b(?:oxygen(?: level| sat\w*)?|o2|sats?|saturations?|spo2|pulse ox\w*|"
    r"(?:finger|toe) (?:thing|monitor|probe)|oximeter)\b"
    r"[^.;]{0,40}?\b([6-9]\d)(?:\s*(?:-|to)\s*([6-9]\d))?\s*(?:%|percent)?",
    re.I,
)
#: A reading taken off the oxygen a patient uses ("every time the nurse tries her off it she drops to 88%":
#: a read draft sent a baby at home on oxygen for lung disease of prematurity to hospital "now").
OFF_OXYGEN = re.compile(
    r"\b(?:off (?:it|the oxygen|(?:her|his|my|their) oxygen|oxygen)|"
    r"tr(?:y|ies|ied|ying) (?:her|him|me|them) off|"
    r"without (?:the|her|his|my|their) oxygen|(?:oxygen|it) (?:is |was )?(?:taken|turned) off)\b",
    re.I,
)


def low_reading(text: str) -> bool:
    """Whether ``text`` gives an oxygen reading of 95% or less (not one taken off the patient's oxygen)."""
    for match in OXYGEN.finditer(text):
        values = [int(v) for v in match.groups() if v]
        head = re.split(r"[.;!?\n]", text[max(0, match.start() - 80) : match.start()])[-1]
        if 60 <= min(values) <= 95 and not OFF_OXYGEN.search(head + " " + match.group(0)):
            return True
    return False
