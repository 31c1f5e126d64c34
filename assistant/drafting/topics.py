"""What patients ask about besides conditions: treatments, tests, urgent care, activity, contacts.

One vocabulary, in the project's own words, used three ways: to recognise what a
question names ("a water tablet" is a diuretic, "A&E" is urgent care), to answer it
with a general, cautious statement that leaves the decision to the clinician, and by
the vignette rubric to check that an answer names what was asked. Every note awaits
clinician review like the rest of the draft.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal

TopicKind = Literal["treatment", "test", "urgent", "activity", "contacts"]


@dataclass(frozen=True)
class Topic:
    """One thing a patient can ask about: a medicine, a test, going to hospital, work, a relative."""

    key: str
    kind: TopicKind
    name: str
    patterns: tuple[str, ...]
    note: str = ""
    _compiled: list[re.Pattern[str]] = field(default_factory=list, compare=False, repr=False)

    def __post_init__(self) -> None:
        self._compiled.extend(
            re.compile(r"(?<![a-z])(?:" + p + r")(?![a-z])", re.IGNORECASE) for p in self.patterns
        )

    def search(self, text: str) -> re.Match[str] | None:
        """The first place ``text`` names this topic, or ``None``."""
        found = [m for p in self._compiled if (m := p.search(text))]
        return min(found, key=lambda m: m.start()) if found else None


TOPICS: tuple[Topic, ...] = (
    Topic(
        "antibiotic",
        "treatment",
        "the antibiotic",
        (
            r"anti-?bi?o?tics?",
            r"antibo?tics?",
            r"amoxicillin",
            r"co-amoxiclav",
            r"clarithromycin",
            r"doxycycline",
            r"azithromycin",
            r"penicillin",
        ),
        "antibiotics treat bacterial infections and do not help viral infections, asthma, heart "
        "failure or blood clots; the choice of antibiotic, the dose and the length of the course "
        "are set by the prescriber, and a course should not be stopped early without asking them, "
        "although shorter courses are now common when recovery is quick",
    ),
    Topic(
        "steroid",
        "treatment",
        "the steroid tablets",
        (r"steroids?", r"prednisolone", r"prednisone", r"hydrocortisone", r"dexamethasone"),
        "steroid tablets such as prednisolone calm inflammation: a short course, often about five days, "
        "speeds recovery from a flare-up of COPD or asthma, and in conditions such as sarcoidosis they are "
        "used only when symptoms or the organs affected need them; trouble sleeping, restlessness and "
        "raised blood sugar are known side effects, and longer courses have more, so whether to start, "
        "stop or change them is the prescriber's decision",
    ),
    Topic(
        "diuretic",
        "treatment",
        "a water tablet (diuretic)",
        (r"water (?:tablets?|pills?)", r"diuretics?", r"furosemide", r"frusemide", r"bumetanide"),
        "water tablets (diuretics) such as furosemide clear fluid that builds up with heart failure; "
        "they are started once the heart has been assessed, usually with a BNP blood test and an "
        "echocardiogram, and need blood tests of kidney function and salts",
    ),
    Topic(
        "inhaler",
        "treatment",
        "the inhalers",
        (r"inhalers?", r"puffers?", r"salbutamol", r"tiotropium", r"nebuli[sz]ers?"),
        "inhalers open or calm narrowed airways in asthma and COPD; needing the reliever much more "
        "often than usual is a sign of a flare-up that needs a clinician the same day",
    ),
    Topic(
        "anticoagulant",
        "treatment",
        "blood thinners (anticoagulants)",
        (r"blood thinners?", r"anticoagula\w+", r"apixaban", r"rivaroxaban", r"warfarin", r"heparin"),
        "blood thinners treat and prevent blood clots; they are started when a clot is confirmed or "
        "strongly suspected, and the clinician sets how long they are taken",
    ),
    Topic(
        "painkiller",
        "treatment",
        "the painkillers",
        (r"painkillers?", r"ibuprofen", r"naproxen", r"paracetamol", r"anti-?inflammator\w+"),
        "anti-inflammatory painkillers such as ibuprofen ease chest-wall pain but do not suit everyone "
        "(stomach, kidney, heart or asthma problems), so the dose and length are for the doctor or "
        "pharmacist to advise",
    ),
    Topic(
        "interaction",
        "treatment",
        "taking it with the other medicines",
        (
            r"clash\w*",
            r"interact\w*",
            r"(?:mix|mixed|mixing) (?:it |them )?with",
            r"(?:together|alongside) (?:with )?(?:my|his|her|the other)",
            r"safe (?:to take )?with (?:my|his|her)",
        ),
        "the prescriber or a pharmacist checks whether a new medicine interacts with the medicines "
        "already taken, so they should see the full list, including anything bought without a "
        "prescription",
    ),
    Topic("ct", "test", "a CT scan", (r"ct(?: scans?)?", r"cat scans?", r"computed tomography")),
    Topic("xray", "test", "a repeat chest X-ray", (r"x-?rays?", r"xrays?", r"chest films?")),
    Topic(
        "swallow",
        "test",
        "a swallowing assessment",
        (r"swallow\w* (?:assessments?|tests?|stud(?:y|ies)|checks?)", r"speech and language"),
    ),
    Topic("ultrasound", "test", "an ultrasound scan", (r"ultrasound", r"doppler")),
    Topic("echo", "test", "an echocardiogram", (r"echo(?:cardiogram)?s?", r"heart scans?")),
    Topic(
        "lung_function",
        "test",
        "lung function tests",
        (r"lung function(?: tests?)?", r"breathing tests?", r"spirometry"),
    ),
    Topic("biopsy", "test", "a biopsy", (r"biops(?:y|ies)",)),
    Topic("blood_test", "test", "blood tests", (r"blood tests?", r"d-?dimer", r"bnp", r"troponin")),
    Topic("ecg", "test", "an ECG", (r"ecgs?", r"ekgs?", r"heart tracing")),
    Topic(
        "urgent",
        "urgent",
        "A&E or hospital",
        (
            r"a ?& ?e",
            r"a and e",
            r"emergency(?: department| room)?",
            r"hospital",
            r"casualty",
            r"urgent care",
            r"999",
            r"911",
            r"ambulance",
        ),
    ),
    Topic(
        "gym",
        "activity",
        "the gym and exercise",
        (
            r"gym",
            r"exercis\w*",
            r"sports?",
            r"training",
            r"yoga",
            r"pilates",
            r"swimming",
            r"running",
            r"jogging",
            r"cycling",
            r"football",
            r"rugby",
            r"dancing",
            r"diving",
        ),
    ),
    Topic("work", "activity", "work", (r"work(?:ing)?", r"jobs?", r"back to school", r"nursery")),
    Topic("travel", "activity", "travel and flying", (r"fly(?:ing)?", r"flights?", r"travel\w*")),
    Topic("driving", "activity", "driving", (r"driv(?:e|ing)",)),
)

_RELATIVE = (
    r"(?:my|his|her|our|their) (son|daughter|child|children|kids?|baby|wife|husband|partner|family|"
    r"mum|mother|dad|father|brother|sister|grandchild\w*|grandson|granddaughter|flatmates?|"
    r"colleagues?|residents|household)"
)
RELATIVE = re.compile(r"\b" + _RELATIVE + r"\b", re.I)
_AT_RISK = re.compile(
    r"\b(at risk|catch\w*|caught|contagious|infectious|spread\w*|pass(?:ed)? (?:it|this) on|"
    r"be tested|be checked|screen\w*|need(?:s)? (?:a |to be )?(?:test|check)\w*)\b",
    re.I,
)


def topics_in(text: str, kinds: Sequence[TopicKind] = ()) -> list[Topic]:
    """Topics named in ``text`` (of the given kinds), in order of first mention, each once."""
    found = [
        (m.start(), t) for t in TOPICS if (not kinds or t.kind in kinds) and (m := t.search(text)) is not None
    ]
    return [t for _, t in sorted(found, key=lambda x: x[0])]


def relative_at_risk(text: str) -> str:
    """The relative a question asks about as a contact ('son'), or '' when it does not."""
    match = RELATIVE.search(text)
    return match.group(1).lower() if match and _AT_RISK.search(text) else ""


def topic(key: str) -> Topic:
    """The topic with ``key`` (raises ``KeyError`` for an unknown key)."""
    return {t.key: t for t in TOPICS}[key]
