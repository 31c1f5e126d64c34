"""The chest conditions a second opinion meets: names, lay words, and how they are told apart.

One table (``conditions.yaml`` beside this module), written in the project's own words, used
three ways: to recognise an alternative the patient names ("a blood clot" is pulmonary
embolism), to decide whether a passage is about a condition (its key terms must appear), and
to write the differential (what supports it, what argues against it, which test usually
settles it).
Every entry awaits clinician review like the rest of the draft.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Sequence
from dataclasses import dataclass, fields
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from assistant.drafting.prefilter import Prefiltered

#: Under this age a child's own signs of a condition are used where the table gives them.
YOUNG_AGE = 5


@dataclass(frozen=True)
class Condition:
    """One condition of the differential."""

    key: str
    name: str
    terms: tuple[str, ...]
    supports: str
    against: str
    test: str
    labels: tuple[str, ...] = ()
    #: Lay phrasings patients use, as regular expressions ("a clot in my leg").
    lay: tuple[str, ...] = ()
    #: How a check after this diagnosis is usually done, when it differs from the settling test.
    follow_up: str = ""
    #: The key of a broader condition this one narrows (long COVID after COVID-19).
    refines: str = ""
    #: For an infection passed between people: what it means for contacts, and for work.
    infectious: str = ""
    work: str = ""
    #: How it is usually treated, in general terms, when patients commonly ask.
    treatment: str = ""
    #: What smoking (and vaping) means for it, when patients commonly ask.
    smoking: str = ""
    #: When suspected, it is assessed the same day.
    urgent: bool = False
    #: The key of a condition this one is told apart from although its name contains it
    #: ("latent TB" is not active TB, which stays an alternative the patient may ask about).
    contrasts: str = ""
    #: Caused by a virus: "the virus" or "it's viral" in the patient's text then means this
    #: diagnosis, not a viral chest infection as an alternative.
    viral: bool = False
    #: The follow-up check for a child, when it differs from an adult's.
    follow_up_child: str = ""
    #: ... and for an adult under 50 who does not smoke (read drafts gave a 25-year-old and a 40-year-old
    #: non-smoker the check "for those at higher risk of lung cancer, such as smokers over 50").
    follow_up_low_risk: str = ""
    #: How it is usually treated in a child, when it differs from an adult's (safe sleep for a baby).
    treatment_child: str = ""
    #: What is usually advised about an activity (a topic key of ``topics.py``: travel, gym,
    #: driving, work), in general terms, when patients commonly ask.
    activity: tuple[tuple[str, str], ...] = ()
    #: How long it usually lasts and what recovery looks like, in general terms, when patients ask.
    recovery: str = ""
    #: How often it comes back and what lowers that, in general terms ("will it come back?").
    recurrence: str = ""
    #: The usual outlook, honestly and in general terms ("how long do I have?", "is it curable?").
    outlook: str = ""
    #: The settling test in a child, when it differs from an adult's (gastric aspirates for TB).
    test_child: str = ""
    #: What differs about it in children (how rare it is, how it shows), when that matters.
    child_note: str = ""
    #: The settling test in pregnancy or just after a birth, when it differs (no D-dimer for a clot).
    test_pregnancy: str = ""
    #: What points to it and against it in a child under 5, when that differs from an adult's (reflux in
    #: a baby is milk brought up after feeds, not a burning pain behind the breastbone).
    supports_young: str = ""
    against_young: str = ""
    #: The same for a school-age child (5 to 15) where an adult's text misleads (a long smoking history
    #: argued against asthma in drafts for an 8- and a 14-year-old).
    supports_child: str = ""
    against_child: str = ""
    #: The settling test under 5 where it differs from an older child's (a preventer trial for asthma,
    #: breathing tests from about 5: read drafts gave the under-5 test to an 8- and a 14-year-old).
    test_young: str = ""
    #: The youngest age, in years, at which it is diagnosed at all (asthma not in a baby, work-related asthma
    #: not in a toddler), and what to say when it is asked about below it; 0: any age.
    #: In years; a fraction for a baby's months (an inhaled object from about 6 months).
    min_age: float = 0
    under_age: str = ""
    #: Results that establish it, as regular expressions ("a CT angiogram showed clots", "two copies of
    #: F508del"): once the story reports one, the draft rests the diagnosis on that result, not on the
    #: story (read drafts said a proven cystic fibrosis "points more to asthma").
    proof: tuple[str, ...] = ()
    #: Reassuring results, as regular expressions ("D-dimer <250 (negative)", "troponin normal"): once the
    #: story reports one, the draft says so beside the settling test (a read draft told a student whose
    #: negative D-dimer was in her history that a D-dimer would settle the question, and to seek care the same
    #: day).
    disproof: tuple[str, ...] = ()
    #: How the draft names each :attr:`disproof` result ("a negative D-dimer"), in the same order: its own
    #: words, not the report's pasted back.
    disproof_said: tuple[str, ...] = ()

    def shown_in(self, text: str) -> str:
        """The words of ``text`` reporting a result that establishes it, or '' (not when denied: "the CT
        angiogram showed no clots")."""
        return _proof_in(self.proof, text) if self.proof else ""

    def reassured_in(self, text: str) -> str:
        """The reassuring result ``text`` reports for it, in the draft's words (:attr:`disproof_said`), or
        ''."""
        found = _disproof_in(self.disproof, text) if self.disproof else -1
        return self.disproof_said[found] if found >= 0 else ""

    @property
    def check_after(self) -> str:
        """How a follow-up check usually goes: the follow-up text, else the settling test."""
        return self.follow_up or self.test

    def test_for(self, *, child: bool, pregnant: bool = False, age: int | None = None) -> str:
        """The settling test for a child (under 5 where it differs) or an adult, and in pregnancy."""
        young = self.test_young if child and age is not None and age < YOUNG_AGE else ""
        return (
            (self.test_pregnancy if pregnant else "")
            or young
            or (self.test_child if child else "")
            or self.test
        )

    def supports_for(self, age: int | None) -> str:
        """What points to it, a young or school-age child's signs where they differ."""
        return (
            (self.supports_young if age is not None and age < YOUNG_AGE else "")
            or (self.supports_child if age is not None and age < 16 else "")
            or self.supports
        )

    def against_for(self, age: int | None) -> str:
        """What argues against it, for a young or school-age child where it differs."""
        return (
            (self.against_young if age is not None and age < YOUNG_AGE else "")
            or (self.against_child if age is not None and age < 16 else "")
            or self.against
        )

    def treatment_for(self, *, child: bool) -> str:
        """How it is usually treated, a child's way where it differs."""
        return (self.treatment_child if child else "") or self.treatment

    def follow_up_for(self, *, child: bool, low_risk: bool = False) -> str:
        """The follow-up check for a child or an adult (``low_risk``: under 50 and not a smoker), else the
        settling test."""
        return (
            (self.follow_up_child if child else "")
            or (self.follow_up_low_risk if low_risk else "")
            or self.check_after
        )

    def too_young(self, age: float | None) -> bool:
        """Whether someone of ``age`` is below the age at which it is diagnosed."""
        return age is not None and age < self.min_age

    def activity_note(self, key: str) -> str:
        """What is usually advised about the activity ``key`` ('travel', 'gym'), or ''."""
        return dict(self.activity).get(key, "")


#: A result that denies or hedges what it names ("showed no clots", "ruled out", "negative for", "possible
#: clot", "clots are sometimes overcalled on CT"), or a test done to look for it ("a CT to rule out a clot").
_PROOF_DENIED = re.compile(
    r"\b(?:no|not|without|ruled out|excluded|negative|normal|clear|nothing|possibl[ey]|probabl[ey]|query|"
    r"suspected|maybe|might|may|overcall\w*|over-called|sometimes|rule out|exclude|whether|"
    r"(?:check|look|test)(?:ed|ing)? for|to see if)\b(?! longer\b)|\?",
    re.I,
)


@lru_cache(maxsize=4096)
def _proof_in(patterns: tuple[str, ...], text: str) -> str:
    """:meth:`Condition.shown_in`, remembered per text: the diagnosis answer, the differential and every
    alternative's lean ask it of the same intake."""
    for pattern in patterns:
        for match in re.finditer(pattern, text, re.I):
            if not _PROOF_DENIED.search(match.group(0)):
                return match.group(0)
    return ""


@lru_cache(maxsize=4096)
def _disproof_in(patterns: tuple[str, ...], text: str) -> int:
    """The index of the first of ``patterns`` that ``text`` reports, or -1 (remembered per text)."""
    return next((i for i, pattern in enumerate(patterns) if re.search(pattern, text, re.I)), -1)


CONDITIONS_PATH = Path(__file__).with_name("conditions.yaml")


def load_conditions(path: Path = CONDITIONS_PATH) -> tuple[Condition, ...]:
    """The condition table from ``path``; a field the record does not know is refused by name."""
    entries = yaml.safe_load(path.read_text(encoding="utf-8"))
    if not isinstance(entries, list):
        raise ValueError(f"{path.name}: expected a list of conditions")
    known = {f.name for f in fields(Condition)}
    table: list[Condition] = []
    for number, entry in enumerate(entries, start=1):
        unknown = sorted(set(entry) - known)
        if unknown:
            raise ValueError(
                f"{path.name}: condition {number} ({entry.get('key')}): unknown fields {unknown}"
            )
        values: dict[str, Any] = {
            name: tuple(value) if isinstance(value, list) else value for name, value in entry.items()
        }
        if "activity" in values:
            values["activity"] = tuple((topic, str(note)) for topic, note in entry["activity"].items())
        if len(values.get("disproof", ())) != len(values.get("disproof_said", ())):
            raise ValueError(
                f"{path.name}: condition {number} ({entry.get('key')}): one disproof_said per disproof"
            )
        table.append(Condition(**values))
    keys = [c.key for c in table]
    repeated = sorted({k for k in keys if keys.count(k) > 1})
    if repeated:
        raise ValueError(f"{path.name}: conditions listed twice: {repeated}")
    return tuple(table)


CONDITIONS: tuple[Condition, ...] = load_conditions()

_BY_KEY = {c.key: c for c in CONDITIONS}

VERSUS_PATH = Path(__file__).with_name("versus.yaml")


def load_versus(path: Path = VERSUS_PATH, keys: Sequence[str] = tuple(_BY_KEY)) -> dict[frozenset[str], str]:
    """What usually tells two conditions apart, per unordered pair of condition keys.

    Each entry of ``path`` is ``{a, b, text}``; the text reads after "What usually tells A from
    B:" in either order. An unknown key, a pair listed twice or an empty text is refused by name.
    """
    entries = yaml.safe_load(path.read_text(encoding="utf-8"))
    if not isinstance(entries, list):
        raise ValueError(f"{path.name}: expected a list of pairs")
    table: dict[frozenset[str], str] = {}
    for number, entry in enumerate(entries, start=1):
        if not isinstance(entry, dict) or set(entry) - {"child"} != {"a", "b", "text"}:
            raise ValueError(f"{path.name}: pair {number}: expected the fields a, b and text (and child)")
        a, b, text = str(entry["a"]), str(entry["b"]), " ".join(str(entry["text"]).split())
        unknown = sorted({a, b} - set(keys))
        if unknown:
            raise ValueError(f"{path.name}: pair {number} ({a}, {b}): unknown conditions {unknown}")
        pair = frozenset((a, b))
        if len(pair) != 2 or not text:
            raise ValueError(f"{path.name}: pair {number} ({a}, {b}): needs two conditions and a text")
        if pair in table:
            raise ValueError(f"{path.name}: pair {number} ({a}, {b}) is listed twice")
        table[pair] = text.rstrip(".")
    return table


_VERSUS = load_versus()


def load_versus_child(path: Path = VERSUS_PATH) -> dict[frozenset[str], str]:
    """The pairs whose telling apart differs in a child, with the child's text (the entry's ``child``
    field): an adult's causes of aspiration (heavy drinking, a stroke) read to a parent of a 4-year-old."""
    entries = yaml.safe_load(path.read_text(encoding="utf-8"))
    return {
        frozenset((str(e["a"]), str(e["b"]))): " ".join(str(e["child"]).split()).rstrip(".")
        for e in entries
        if isinstance(e, dict) and e.get("child")
    }


_VERSUS_CHILD = load_versus_child()


def told_apart(first: Condition, second: Condition | None, *, child: bool = False) -> str:
    """What usually tells ``first`` from ``second`` (either order), a child's text where the table has one,
    or '' when the table has no entry."""
    if second is None or first == second:
        return ""
    pair = frozenset((first.key, second.key))
    return (_VERSUS_CHILD.get(pair, "") if child else "") or _VERSUS.get(pair, "")


@dataclass(frozen=True)
class VagueTerm:
    """A word for an organ that names no condition by itself ("my heart"): its context decides.

    Each reading is a condition key with the words that point to it (symptoms, what the heart
    is said to do). Cues in the same sentence count twice, cues elsewhere in the text once; the
    reading with most wins, and ``default`` when none is ahead. For a child, a reading in
    ``adult_only`` (a heart attack) never stands: "his heart like my uncle's" with a thickened heart muscle
    in the family means that, and with no cue at all the reading is ``child_default``.
    """

    pattern: str
    readings: tuple[tuple[str, tuple[str, ...]], ...]
    default: str
    adult_only: tuple[str, ...] = ()
    #: A child's reading when no cue points anywhere (a heart attack is no child's default).
    child_default: str = ""


#: The weeks after a birth: "postpartum", "since the baby", "6 weeks after a caesarean for pre-eclampsia".
AFTER_A_BIRTH = (
    r"peripartum|post-?partum|"
    r"(?:after|since) (?:the |my |her |having )?(?:baby|birth|delivery)|"
    r"(?:after|since) (?:the |my |her |having |a |an )?(?:emergency |planned |elective )?"
    r"(?:caesarean|cesarean|c-?section|section)"
)


VAGUE_TERMS: tuple[VagueTerm, ...] = (
    VagueTerm(
        # "my heart races" is a palpitation, "my heart rhythm" an arrhythmia and "my heart attack" a
        # named condition: none is a vague mention of a heart problem.
        # "...just as good for someone his age with his heart?" is his heart condition as background
        # "is ibuprofen ok with my heart?" asks about a medicine's safety, "my heart stent" is history
        r"(?<!age with )(?<!given )(?<!because of )(?<!ok with )(?<!okay with )(?<!safe with )(?<!safe for )"
        r"(?<!fine with )(?<!good for )(?<!bad for )"
        # "can it affect my heart and lungs?" asks what the diagnosis does to the heart, not about a heart
        # condition instead of it (a new case's draft weighed a heart attack for a 23-year-old with a sunken
        # chest)
        r"(?<!affect )(?<!affects )(?<!affecting )(?<!damage )(?<!damaged )(?<!harm )(?<!strain )"
        r"(?<!press on )(?<!presses on )(?<!squash )(?<!squashing )"
        # "my heart is racing" (a read draft asked whether a pregnant woman with a fast pulse had had a heart
        # attack) "They said my heart was OK" is a result, not a heart problem asked about (a read draft
        # discussed pericarditis because "the account of the illness mentions it")
        r"(?:my|his|her|their|your|mum's|dad's) heart"
        # "my heart was going so fast", "my heart feels like it's racing": a fast pulse told as a symptom
        # (read drafts weighed pericarditis beside a clot in the lung for two women with a pulse of 110)
        r"(?!\s*(?:is|was|'s|has been|been|still|feels|felt|seems|seemed)\b(?:\s+[\w']+){0,3}?"
        r"\s+(?:fast|quick|racing|pounding|thumping|fluttering|skipping|irregular)\b)"
        r"(?!\s*(?:is|was|looked|looks|seemed|'s)\s+"
        r"(?:ok|okay|fine|normal|good|alright|all right|healthy|strong)\b)"
        r"(?!\s*(?:(?:is|was|keeps|kept|goes|went|'s|has been|been|just|always|sometimes|often|still) "
        r"(?:\w+ )?)?"
        r"(?:attack|failure|rate|beat|rac(?:e|es|ed|ing)|"
        # "a CT of my heart arteries" is a test, no heart problem asked about
        r"pound\w*|flutter\w*|skip\w*|thump\w*|valve|rhythm|stents?|bypass|surgery|operation|meds|arter\w*|"
        r"medicines?|tablets?|pills?|"
        # "should my heart and eyes be checked?" asks for a check of an organ the diagnosis can reach
        # (sarcoidosis), not about a heart condition instead of it
        r"(?:and (?:my |his |her |the )?(?:eyes?|lungs?|kidneys?|skin) )?(?:be |get |gets |being |been )?"
        r"(?:checked|tested|scanned|looked at|examined|affected|involved)))|"
        r"heart (?:problems?|troubles?|issues?)|"
        # "Cardiac MRI and repeat echo at 3 months planned" is a test, no heart problem had (a read summary
        # listed angina or a heart attack for a woman who had never had anything wrong with her heart)
        r"cardiac(?!\s+(?:mri|ct|scans?|echo\w*|monitor\w*|rehab\w*|nurses?|teams?|clinic|catheter\w*|"
        r"enzymes?|markers?|tests?|investigations?|work-?up|assessment|review|screening|checks?|"
        r"ultrasound|imaging|sarcoid\w*|amyloid\w*))|"
        # "can it be the heart?", "is the water from the heart?" (not "the heart scan", "around the heart")
        # "pushes the heart and windpipe to the other side" is anatomy, not a heart problem
        # "a hiatus hernia behind the heart" is a place on the film, not a heart problem
        r"(?<!around )(?<!round )(?<!of )(?<!on )(?<!behind )(?<!beside )(?<!next to )"
        r"(?<!pushes )(?<!pushed )(?<!pushing )(?<!presses on )(?<!squashes )"
        # "the big vein going into the heart" is a place, not a heart problem (a read draft asked whether a
        # man with a blocked vein had had a heart attack)
        r"(?<!into )(?<!going to )(?<!back to )(?<!near )(?<!towards )(?<!above )"
        # "I'm on apixaban for the heart" gives a medicine's reason, no heart problem asked about (a new
        # case's draft weighed heart failure for a farmer with injured ribs)
        r"(?<!for )"
        r"the heart(?! and (?:the )?(?:windpipe|lungs?|great vessels|airways?))"
        # "a CT of my heart arteries", "heart bit was OK-ish": a test and its result, no heart problem asked
        # about
        r"(?!\s*(?:attack|failure|rate|beat|rac\w*|pound\w*|flutter\w*|arter\w*|(?:bit|part) (?:was|is)|"
        r"skip\w*|thump\w*|valve|rhythm|scan|tracing|monitor|doctor|specialist|clinic|ultrasound|test|echo|"
        r"team|muscle|lining|sac|is (?:normal|fine|ok)|was (?:normal|fine|ok)|looks? (?:normal|fine|ok)|"
        # a scan's report on the heart ("the heart was 'a bit strained but OK'") asks nothing
        r"(?:is|was|looked|looks) '?(?:a bit |slightly |mildly |a little |not )?(?:strain\w*|enlarged|big)))",
        (
            (
                "heart_failure",
                (
                    r"(?<!painful )(?<!sore )(?<!red )(?<!tender )swollen (?:ankles?|legs?|feet)|"
                    r"(?:ankles?|legs?|feet) (?:have |are |had |were |get |keep )?"
                    r"(?:swollen|swelling|swells?|swelled|puffy)|(?:ankle|leg) swelling|oedema|edema",
                    r"(?:lie|lying|sleep\w*) flat|propped up|pillows|(?:wak\w*|woke) (?:up )?(?:at night )?"
                    r"(?:gasping|breathless|short of breath|fighting for breath)",
                    r"pump\w*|weak(?:er)? heart|enlarged heart|large heart|big heart|cardiomegaly|"
                    # "my heart scan last time said it was a bit weaker", "her heart was big"
                    r"heart\b[^.?!;\n]{0,40}\b(?:weak\w*|big|enlarged)\b|ejection fraction",
                    r"fluid|water (?:tablets?|pills?)|diuretics?|weight gain|put on weight",
                    r"water (?:in|on|around|from) (?:the |my |her |his )?(?:right |left )?(?:lungs?|chest)|"
                    r"water from|"
                    r"effusions?",
                    r"breathless\w*|short of breath|out of breath|puffed(?: out)?|(?:can'?t|cannot) walk",
                ),
            ),
            (
                "heart_attack",
                (
                    r"chest pain|pain\b[^.?!;\n]{0,30}\bchest|crushing|tight\w*|squeez\w*|heav(?:y|iness)",
                    r"(?:left )?arm|jaw|sweat\w*|clammy",
                    r"exertion|exercis\w*|gym",
                    # a coronary history: "my heart" after a bypass or stents is a coronary question
                    r"angina|ecg|troponin|gtn|bypass|stents?|coronary",
                ),
            ),
            (
                # Sharp pain on a deep breath, eased leaning forward, after a virus: the heart lining.
                "pericarditis",
                (
                    # "a catch in my chest" (not "to catch her breath")
                    r"sharp|stabbing|catch(?:es|ing)? (?:in|on) (?:my|his|her|the) chest|a catch",
                    # pain on breathing in (a noise "breathing IN" from the throat is not pain)
                    r"(?:hurts?|hurting|pain\w*|sore|worse|sharp)\b[^.?!;\n]{0,30}\b(?:(?:deep|big) breaths?|"
                    r"breath(?:e|ing)? in|inhal(?:e|es|ing))\b",
                    r"sitting forward|lean\w* forward",
                    r"(?:after|since) (?:a |the |my )?(?:virus|cold|flu|viral|sore throat)",
                ),
            ),
            (
                # Breathless, a racing heart or tiredness weeks after COVID-19 or a virus: the heart muscle.
                "myocarditis",
                (
                    r"covid(?:-?19)?|coronavirus",
                    # a racing heart counts here only beside a virus in its sentence (alone it is a rhythm)
                    r"(?:palpitations?|(?:racing|pounding|fluttering|irregular) heart(?:beat)?|heart (?:is )?"
                    r"(?:racing|pounding|fluttering))(?=[^.?!;\n]*\b(?:covid|coronavirus|virus|viral|cold|flu|"
                    r"vaccine|jab|booster)\b)|(?:covid|coronavirus|virus|viral|cold|flu|vaccine|jab|booster)\b"
                    r"[^.?!;\n]*\b(?:palpitations?|(?:racing|pounding|fluttering|irregular) heart)",
                    r"(?:after|since) (?:the |my |a )?(?:covid|vaccine|jab|booster)",
                    # "something with my heart from the virus"
                    r"(?:from|after|since|with|because of) (?:the |a |my |that )?(?:virus|viral|cold|flu)",
                ),
            ),
            (
                # A racing, fluttering or skipping heartbeat: its rhythm (a read draft answered "is the fast
                # heart thing something with my heart?" of a 16-year-old sprinter with pericarditis).
                "arrhythmia",
                (
                    r"palpitations?|(?:racing|pounding|fluttering|fast|irregular|skipp\w*|thumping) "
                    r"(?:fluttering )?heart ?(?:beats?|rates?|thing)?|"
                    r"heart (?:is |was |keeps |kept )?"
                    r"(?:racing|pounding|fluttering|skipping|beating (?:fast|hard))|"
                    # "my heart goes really fast" (a read draft weighed heart failure for a 21-year-old)
                    r"heart (?:goes|going|went|gets|getting) (?:really |so |very |too )?"
                    r"(?:fast|quick|racing)|"
                    r"skipped beats?|"
                    # "the cardiologist say my heart has little block on ECG": its conduction, no heart attack
                    r"heart (?:has|had) (?:an? )?(?:little |small |slight |mild )?block|heart block|av block",
                ),
            ),
            (
                # A murmur, a baby tiring or sweating with feeds, blue lips: a heart problem from birth.
                "congenital_heart_disease",
                (
                    r"murmurs?|holes? in (?:the|his|her|my) heart|born with",
                    # a repaired heart defect ("repaired AVSD", "his heart operation as a baby"): "is it his
                    # heart again?" asks about it
                    r"avsd|vsd|asd|tetralogy|(?:heart|cardiac) (?:surgery|operation|repair)|repaired",
                    # "something wrong with his heart or lungs that made him get this when his sister
                    # didn't?": a heart problem from birth that made him prone to it
                    r"made (?:him|her|me|them) (?:get|catch|prone|more likely)|"
                    r"(?:sister|brother|twin|cousin|friends?)s? (?:didn'?t|did not|wasn'?t|was not|never)|"
                    r"sweat\w* (?:with|during|when) (?:feeds?|feeding)|tir\w* (?:with|during) feeds?|"
                    r"(?:blue|grey|gray) (?:lips|tinge|colour|color)",
                ),
            ),
            (
                # A thickened heart muscle in the family, a sudden death young, or breathlessness
                # since a birth: the heart muscle itself.
                "cardiomyopathy",
                (
                    r"cardiomyopath\w*|hypertrophic|thick(?:ened)? heart(?: muscle)?",
                    r"(?:sudden(?:ly)?|unexpected(?:ly)?) (?:cardiac )?death|died (?:suddenly|young)",
                    # dizziness or a faint brought on by running or sport in a young person
                    r"(?:dizz\w*|faint\w*|light-?headed\w*|blacked out|collaps\w*|greying vision)\b"
                    r"[^.?!;\n]{0,60}\b(?:running|exercis\w*|sport|races?|football|PE|training|sprints?|sprinting|rugby|match)|"
                    r"(?:running|exercis\w*|sport|races?|PE|sprints?|sprinting)\b"
                    r"[^.?!;\n]{0,30}\b(?:dizz\w*|faint\w*|light-?headed|blacked out)",
                    # a relative's cardiac arrest, or a collapse or death during sport
                    r"cardiac arrest|(?:collapsed|died|arrest\w*)\b[^.?!;\n]{0,60}\b(?:football|running|"
                    r"sport|"
                    r"exercis\w*|playing|match|race|training|swimming)",
                    AFTER_A_BIRTH,
                ),
            ),
        ),
        default="heart_attack",
        adult_only=("heart_attack",),
        child_default="congenital_heart_disease",
    ),
)
_SENTENCE_END = re.compile(r"[.?!;\n]")
#: How a tie among a child's readings of a vague "heart" is settled: the heart causes of a young person's
#: collapse or chest pain first.
_CHILD_HEART_TIES = (
    "cardiomyopathy",
    "arrhythmia",
    "pericarditis",
    "myocarditis",
    "congenital_heart_disease",
    "heart_failure",
)
#: Chest pain told of a child, for a vague "heart" that only an adult's reading had cues for.
_CHILD_CHEST_PAIN = re.compile(r"\bchest pain|\bpain\b[^.?!;\n]{0,40}\bchest\b", re.I)


def _reading(term: VagueTerm, text: str, start: int, end: int, *, child: bool = False) -> Condition:
    """The condition a vague mention at ``text[start:end]`` stands for, read from its context (a
    child's: readings of adults only set aside when another reading has a cue)."""
    before = [m.end() for m in _SENTENCE_END.finditer(text, 0, start)]
    after = _SENTENCE_END.search(text, end)
    lo, hi = (before[-1] if before else 0), (after.start() if after else len(text))
    scores: dict[str, int] = {}
    nearby: dict[str, int] = {}
    for key, cues in term.readings:
        pattern = re.compile(r"\b(?:" + "|".join(cues) + r")\b", re.IGNORECASE)
        if any(
            m.start() <= start < m.end() or m.start() < end <= m.end() for m in pattern.finditer(text, lo, hi)
        ):
            # the cue holds the vague word itself ("my heart goes really fast" is its rhythm, whatever else
            # the sentence says: a read draft weighed heart failure, then a heart attack, for a 21-year-old)
            return condition(key)
        near = len(pattern.findall(text[lo:hi]))
        nearby[key] = near
        scores[key] = 2 * near + len(pattern.findall(text)) - near
    # The question's own sentence names one reading and no other ("is the fast heart thing something with
    # my heart?"): that reading, whatever the rest of the story (whose chest pain may be the diagnosis's).
    named = [k for k, v in nearby.items() if v and not (child and k in term.adult_only)]
    if len(named) == 1:
        return condition(named[0])
    # A child's vague word is never read as an adult's condition: "is it his heart again?" of a 3-year-old
    # who sweats at night with his snoring, after a heart repair, is no heart attack (a new case's draft
    # weighed one). A child's chest pain that only an adult's reading had cues for is the heart's lining, far
    # the commoner heart cause of chest pain at that age; with no cue at all, ``child_default``.
    adult_cues = child and any(v for k, v in scores.items() if k in term.adult_only)
    if child and term.child_default:
        scores = {k: v for k, v in scores.items() if k not in term.adult_only}
    best = max(scores.values())
    if child and best == 0 and term.child_default:
        lining = "pericarditis" in scores and _CHILD_CHEST_PAIN.search(text)
        return condition("pericarditis" if adult_cues and lining else term.child_default)
    leaders = [k for k, v in scores.items() if v == best]
    # a failing heart in the months after a birth is the heart muscle's own weakness of pregnancy
    # (peripartum cardiomyopathy), however many of heart failure's cues the story has
    # (a new case's "could it be my heart?", six weeks after a caesarean, was read as heart failure)
    if not child and leaders == ["heart_failure"] and re.search(rf"\b(?:{AFTER_A_BIRTH})\b", text, re.I):
        return condition("cardiomyopathy")
    # A tie between the default and one other reading with cues goes to the other: "or my heart?"
    # from a man out of breath digging, who asks whether exercise helps, is not a heart attack.
    others = [k for k in leaders if k != term.default]
    if len(leaders) > 1 and best > 0 and len(others) == 1:
        return condition(others[0])
    if child and term.child_default and len(leaders) > 1:
        # a tie among a child's readings is not settled by the adult default (a new case's "could it be his
        # heart?" of a 13-year-old who collapsed sprinting was read as angina or a heart attack), nor by heart
        # failure, which comes first in the table and is rare at that age
        rank = {k: i for i, k in enumerate(_CHILD_HEART_TIES)}
        return condition(min(leaders, key=lambda k: rank.get(k, len(rank))))
    return condition(leaders[0] if len(leaders) == 1 else term.default)


def condition(key: str) -> Condition:
    """The condition with ``key`` (raises ``KeyError`` for an unknown key)."""
    return _BY_KEY[key]


def _term_pattern(term: str) -> re.Pattern[str]:
    # an abbreviation's plural is "-s" only: "hiv" + "es" is hives (a read summary listed HIV among the past
    # conditions of a man with a penicillin allergy "(hives)")
    plural = r"s?" if len(term) <= 4 else r"(?:s|es)?"
    return re.compile(r"(?<![a-z])" + re.escape(term) + plural + r"(?![a-z])", re.IGNORECASE)


def _lay_pattern(source: str) -> re.Pattern[str]:
    return re.compile(r"(?<![a-z])(?:" + source + r")(?![a-z])", re.IGNORECASE)


_PATTERNS: list[tuple[Condition, re.Pattern[str]]] = [
    (c, _term_pattern(t)) for c in CONDITIONS for t in c.terms
] + [(c, _lay_pattern(x)) for c in CONDITIONS for x in c.lay]
#: The same patterns, each tried only on a text holding the plain words any match must contain.
_PATTERNS_FILTERED = Prefiltered(_PATTERNS)

# "a clot, or one in my leg": the pronoun stands for the noun before it.
_ONE_IN = re.compile(
    r"\b((?:blood )?clots?|tumou?rs?|growths?|infections?)\b([^.?!]{0,40}?)\bones? (in|on)\b", re.I
)
# "a clot in my leg or my lung": the second place has the same noun.
_OR_IN = re.compile(
    r"\b((?:blood )?clots?) (in (?:my|his|her|their|the|a) (?:legs?|calf|calves|lungs?)) (or|and) (?:in )?"
    r"((?:my|his|her|their|the) (?:legs?|calf|calves|lungs?))\b",
    re.I,
)
# Single words long enough to recognise when misspelt ("pnemonia").
_SPELLABLE = sorted({t for c in CONDITIONS for t in c.terms if t.isalpha() and len(t) >= 6})
# The long words of many-word terms too ("pulmonary hypertention", "lung absess"), so that a
# misspelt diagnosis is recognised and named by the table rather than compared with itself.
_SPELLABLE_PARTS = sorted(
    {w for c in CONDITIONS for t in c.terms if " " in t for w in t.split() if w.isalpha() and len(w) >= 7}
    - set(_SPELLABLE)
)
_WORDS = re.compile(r"[A-Za-z]{5,}")


def correct_spelling(text: str, vocabulary: Sequence[str] = ()) -> str:
    """``text`` with words close to a known term (ratio >= 0.85) replaced by that term.

    Only for the patient's own text: the draft then names the recognised term, never
    the misspelling. Remembered per text, since one draft reads the same intake many times.
    """
    return _corrected(text, tuple(vocabulary))


#: Report words close to a condition's name that are no misspelling of it: "left hemithorax" (one side
#: of the chest) was corrected to "hemothorax" and drafted as blood around the lung.
#: Everyday words close to a term are words too: a scan of every vignette's text found "Cooking with gas"
#: read as choking (and aspiration), "Stoke-on-Trent" as a stroke, "confused" as "contused", "injection" as
#: "infection", "malaria" as "malacia", "thinking" as "thinning", "postnatal" as "postnasal".
_REAL_WORDS = frozenset(
    {"hemithorax", "hemithoraces", "haemithorax", "hemidiaphragm", "hemidiaphragms"}
    | {
        "cooking",
        "cooked",
        "cooker",
        "stoke",
        "confused",
        "confusion",
        "confusing",
        "injection",
        "injections",
    }
    | {"malaria", "thinking", "postnatal", "waking", "immobile", "dysphasia", "cavitation"}
    # "haematoma" (a bruise, a bleed) was corrected to "hamartoma", and a read summary gave a man recovering
    # from intensive care a harmless lung growth; "supervisor" became "superior"
    | {"haematoma", "hematoma", "haematomas", "hematomas", "supervisor", "supervisors"}
)


@lru_cache(maxsize=4096)
def _corrected(text: str, vocabulary: tuple[str, ...]) -> str:
    return _WORDS.sub(lambda match: _corrected_word(match.group(0), vocabulary), text)


@lru_cache(maxsize=65536)
def _corrected_word(word: str, vocabulary: tuple[str, ...]) -> str:
    """One word, corrected to the term it misspells or left as it is; remembered per word, since the
    same everyday words come back in every patient's text and the close-match search is the costly part
    of reading one."""
    known = list(vocabulary) or _SPELLABLE
    parts = [] if vocabulary else _SPELLABLE_PARTS
    low = word.lower()
    if low in known or low in parts or low in _REAL_WORDS:
        return word
    close = difflib.get_close_matches(low, known, n=1, cutoff=0.85)
    if not close and parts:
        close = difflib.get_close_matches(low, parts, n=1, cutoff=0.85)
        # an ending added or dropped is another form of the word, not a misspelling
        if close and (close[0].startswith(low[:-1]) or low.startswith(close[0][:-1])):
            return word
    if not close or close[0][0] != low[0]:
        return word
    # "hypothyroidism" is not a misspelt "hyperthyroidism", nor "hypotension" "hypertension"
    if {low[:5], close[0][:5]} == {"hypot", "hyper"} or {low[:4], close[0][:4]} == {"hypo", "hype"}:
        return word
    # A misspelling drops at most one letter: a word two letters shorter is another word
    # ("asbestos" is not "asbestosis", "weeing" not "wheezing").
    if len(close[0]) - len(low) >= 2:
        return word
    return close[0]


_VAGUE_PATTERNS = [(t, _lay_pattern(t.pattern)) for t in VAGUE_TERMS]


# Terms that are also everyday words: "PE" is a school's physical education in a sentence about
# school or sport ("swimming club and PE"), not a pulmonary embolism; "GPA" at college is a grade, and
# "his Kawasaki" in a sentence about riding is a motorbike, not Kawasaki disease.
_EVERYDAY_SENSE: dict[str, re.Pattern[str]] = {
    # "had BCG as a child (scar on arm)": the vaccine's scar on the skin, not a lung scar.
    "scar": re.compile(r"\b(?:bcg|arm|skin|shoulder)\b", re.I),
    "pe": re.compile(
        r"\b(?:school|lessons?|class(?:es)?|club|sports?|swimming|football|netball|rugby|gym|games|kit|"
        r"teachers?|nursery|playground|running|runs|run)\b",
        re.IGNORECASE,
    ),
    # "my GPA dropped this semester" is a grade point average, not granulomatosis with polyangiitis.
    "gpa": re.compile(
        r"\b(?:school|college|university|uni|semester|grades?|class(?:es)?|exams?|courses?|"
        r"students?|studying|scores?|average|scholarships?|transcripts?|gcses?|a-?levels?)\b",
        re.IGNORECASE,
    ),
    # "the cut on his finger went septic" is an infected wound, not sepsis.
    "septic": re.compile(
        r"\b(?:cuts?|wounds?|grazes?|scratch(?:es)?|blisters?|bites?|piercings?|tattoos?|splinters?|"
        r"ingrown|(?:finger|toe)\s?nails?)\b",
        re.IGNORECASE,
    ),
    "kawasaki": re.compile(
        r"\b(?:motor ?bikes?|motorcycles?|bikes?|scooters?|quad|jet ?skis?|ninja|rid(?:e|es|ing)|rode|"
        r"riders?|engines?|dealers?|garage|helmet|came off|fell off)\b",
        re.IGNORECASE,
    ),
}

# Terms that name a condition only in capitals and where a condition is named: "AF" is atrial
# fibrillation after a word that introduces a condition ("could it be AF?", "she has AF", "paroxysmal
# AF") or with a heart word in its sentence ("AF on the ECG"), not the slang of "tired af" or "scared AF".
_CAPITALS_WHERE_NAMED: dict[str, tuple[re.Pattern[str], re.Pattern[str]]] = {
    "af": (
        re.compile(
            r"\b(?:be|is|it's|its|was|have|has|had|having|with|of|for|from|into|in|an|the|my|his|her|their|your|"
            r"mum's|dad's|paroxysmal|persistent|permanent|new|known|fast|rapid|chronic|intermittent|probable|"
            r"possible|possibly|likely|maybe|or|and|not|no|like|about|called|diagnosed|said)\s+$",
            re.IGNORECASE,
        ),
        re.compile(
            r"\b(?:heart\w*|pulse|rhythms?|palpitations?|ecgs?|ekgs?|atrial|cardi\w*|anticoagula\w*|"
            r"blood[- ]thinners?|warfarin|apixaban|rivaroxaban|edoxaban|dabigatran|strokes?|ablation|"
            r"cardioversion|bisoprolol|digoxin|flutter\w*|irregular\w*)\b",
            re.IGNORECASE,
        ),
    ),
}


#: A vaccine named after the illness it prevents ("the flu jab", "a covid booster", "the pneumonia
#: vaccine") names no illness.
_VACCINE_AFTER = re.compile(
    r"(?:[- ]?19)?\s*(?:-\s*)?"
    r"(?:jabs?|vaccines?|vaccinations?|vaccinated|shots?|boosters?|immuni[sz]ations?|injections?)\b",
    re.IGNORECASE,
)


#: A cancer of another organ ("stomach cancer", "a brain tumour", "blood cancer"): the bare word
#: after it is not a lung cancer (a cancer come back or spread is read by its own words).
#: Organs other than the lung a cancer is named by ("bowel cancer", "a Wilms tumour"), as a regex alternation.
OTHER_ORGANS = (
    r"stomach|gastric|bowel|colon|colorectal|rectal|caecal|skin|kidney|renal|throat|laryngeal|thyroid|prostate|"
    r"bladder|ovarian|ovary|cervical|cervix|womb|uterine|endometrial|pancrea\w*|liver|brain|blood|"
    r"testicular|mouth|tongue|oral|breast|head and neck|"
    # childhood cancers named by their own names ("a Wilms tumour" was read as a family lung cancer)
    r"wilms'?|bone|eye|nerve|muscle|spinal|spine|pituitary|adrenal"
)
# "Left breast invasive ductal carcinoma": the kind of cancer may stand between the organ and the word (a read
# summary listed a lung cancer for a woman treated for breast cancer)
_OTHER_ORGAN_BEFORE = re.compile(
    rf"\b(?:{OTHER_ORGANS}|sigmoid)\s+(?:(?:primary|invasive|ductal|lobular|squamous|cell|papillary|follicular|"
    r"medullary|serous|mucinous|transitional|urothelial|basal|clear|high-grade|low-grade)\s+){0,3}$",
    re.IGNORECASE,
)
#: ... or after it: "to take out a cancer in the lower bowel", "cancer of the breast" (a new case's draft
# weighed a
#: lung cancer for a man after his bowel operation)
_OTHER_ORGAN_AFTER = re.compile(
    rf"\s+(?:in|of|on)\s+(?:the\s+|my\s+|his\s+|her\s+|their\s+)?(?:(?:lower|upper|large|small|left|right)\s+)?"
    rf"(?:{OTHER_ORGANS}|sigmoid|back passage)\b",
    re.IGNORECASE,
)
#: Another organ's cancer named earlier in the text, and "the tumour" said of it after: "Bowel cancer spread
#: to liver ... a bit of blood from my back passage from the tumour" (a read draft weighed a lung cancer).
_OTHER_CANCER = re.compile(
    rf"\b(?:{OTHER_ORGANS}|sigmoid)\s+(?:\w+\s+)?(?:cancer|tumou?r|carcinoma|adenocarcinoma|primary)\b", re.I
)
#: Cancers named by their own names, not an organ's ("Hodgkin lymphoma"); the blood cancers among them live in
#: the chest's glands as well, so "the cancer back in my chest" after one is that cancer come back.
_BLOOD_CANCERS = r"lymphomas?|hodgkin'?s?|leuka?emias?|myelomas?"
_NAMED_CANCERS = rf"{_BLOOD_CANCERS}|melanomas?|sarcomas?|neuroblastomas?|seminomas?"
_NAMED_CANCER = re.compile(rf"\b(?:{_NAMED_CANCERS})\b", re.I)
_BLOOD_CANCER = re.compile(rf"\b(?:{_BLOOD_CANCERS})\b", re.I)
#: "lymphoma which is cancer", "leukaemia, that's a cancer": the bare word says what the named one is
_NAMED_CANCER_IS = re.compile(
    rf"\b(?:{_NAMED_CANCERS}),? (?:which|that|and that|and it|it)(?: is|'s| are| means)? (?:a |an )?"
    r"(?:(?:kind|type|form|sort) of )?(?:blood )?$",
    re.I,
)
#: "or something not cancer?": the word names what it is hoped not to be
_SOMETHING_NOT = re.compile(r"\b(?:something|anything)\s+(?:that'?s\s+|that is\s+)?not\s+(?:a\s+)?$", re.I)
#: "a cancer medicine", "cancer drugs": what a medicine is used for, not a worry about a lung cancer
_CANCER_MEDICINE_AFTER = re.compile(r"\s+(?:medicines?|medications?|drugs?|tablets?|pills?)\b", re.I)
_MISS_BEFORE = re.compile(
    r"\b(?:miss|missing|missed|rule out|ruling out|ruled out|exclude|excluding|excluded)\s+"
    r"(?:a |the |any )?$",
    re.I,
)
_REFERS_BACK = re.compile(r"\b(?:the|that|this|his|her|my|their)\s+(?:\w+\s+)?$", re.I)
_LUNG_WORD = re.compile(r"\b(?:lungs?|chest|pulmonary|bronch\w*)\b", re.I)
_SKIN_NODULE_AFTER = re.compile(
    r"\s+(?:on|in|over|under)\s+(?:the |both |her |his |my |their )?"
    r"(?:shins?|skin|legs?|arms?|elbows?|fingers?|hands?|feet|scalp|thyroid|vocal (?:cords?|folds?))\b",
    re.I,
)
_SKIN_NODULE_BEFORE = re.compile(
    r"\b(?:skin|subcutaneous|thyroid|vocal (?:cord|fold)|erythematous|tender|painful|red)\s+(?:\w+\s+)?$",
    re.I,
)
_TESTED_WORD = re.compile(r"(?:mycobacteri\w*|afb)$", re.I)
_TEST_AFTER = re.compile(
    r"\s+(?:tests?|testing|screen\w*|cultures?|serology|swabs?|results?|status|samples?|smears?)\b", re.I
)
_BARE_MASS = frozenset({"tumour", "tumours", "tumor", "tumors", "mass", "masses"})
_BARE_CANCER = _BARE_MASS | {"cancer", "cancers", "carcinoma"}


_LESSON_BEFORE = re.compile(r"\b(?:in|at|during|do|does|doing|did|skip\w*|miss\w*|hates?|loves?)\s+$", re.I)
#: "after PE" with no article is the lesson ("wheezy after PE, worse in cold"), unless told as an event
#: ("after PE was diagnosed"); "after a PE" is a clot.
_AFTER_LESSON = re.compile(r"\b(?:after|before)\s+$", re.I)
_AS_AN_EVENT = re.compile(
    r"^\s+(?:was|is|had|has|diagnos\w*|found|confirmed|treatment|in (?:19|20)\d\d)\b", re.I
)


_PART_OF = re.compile(
    r"\b(?:bit|part|area|patch|piece|some|partly|partially|small|little)\s+(?:of\s+)?(?:the\s+)?$", re.I
)
_AT_THE_BASE = re.compile(r"\s+(?:at|in|near|towards) the (?:bottom|base|lower|back)\b", re.I)


def _sentence_around(text: str, start: int, end: int) -> str:
    """The sentence of ``text`` that holds ``text[start:end]``."""
    begin = max(text.rfind(".", 0, start), text.rfind("?", 0, start), text.rfind("\n", 0, start)) + 1
    stops = [i for i in (text.find(".", end), text.find("?", end), text.find("\n", end)) if i >= 0]
    return text[begin : min(stops) if stops else len(text)]


#: A virus of another organ or a measure of one: "viral hepatitis", "viral load undetectable", "the hepatitis
#: B virus" (a read draft weighed a viral chest infection for a man whose son asked whether his jaundice was
#: viral hepatitis).
_VIRAL_ELSEWHERE_AFTER = re.compile(
    r"\s+(?:hepatitis|meningitis|encephalitis|conjunctivitis|gastro\w*|tummy bugs?|stomach bugs?|rash\w*|"
    r"warts?|loads?|suppression|suppressed)\b",
    re.I,
)
_VIRUS_OF_ANOTHER_BEFORE = re.compile(
    r"\b(?:hepatitis [a-e]|hep [a-e]|herpes|hpv|papilloma|epstein[- ]barr|hiv|zika|noro|rota|polio)\s*$", re.I
)


def _everyday(text: str, start: int, end: int) -> bool:
    """Whether the term at ``text[start:end]`` is used in its everyday sense in its sentence, names
    a vaccine ("the flu jab") or is a bare "cancer" after another organ ("stomach cancer")."""
    if _VACCINE_AFTER.match(text, end):
        return True
    word = text[start:end]
    if word.lower() in ("viral", "virus") and (
        _VIRAL_ELSEWHERE_AFTER.match(text, end)
        or _VIRUS_OF_ANOTHER_BEFORE.search(text[max(0, start - 20) : start])
    ):
        return True
    if word.lower() in _BARE_CANCER and (
        _OTHER_ORGAN_BEFORE.search(text[max(0, start - 28) : start]) or _OTHER_ORGAN_AFTER.match(text, end)
    ):
        return True
    if (
        word.lower() in _BARE_CANCER
        and _REFERS_BACK.search(text[max(0, start - 20) : start])
        and (_OTHER_CANCER.search(text[:start]) or _NAMED_CANCER.search(text[:start]))
        and (not _LUNG_WORD.search(_sentence_around(text, start, end)) or _BLOOD_CANCER.search(text[:start]))
    ):
        return True
    # "my sister says lymphoma ... I also don't want to miss cancer": the cancer to be ruled out is the one
    # named (a read draft weighed a lung cancer for a 31-year-old told of sarcoidosis)
    if (
        word.lower() in _BARE_CANCER
        and _MISS_BEFORE.search(text[max(0, start - 30) : start])
        and _NAMED_CANCER.search(text[:start])
        and not _LUNG_WORD.search(_sentence_around(text, start, end))
    ):
        return True
    # "'residual mass' in chest is just scar tissue after Hodgkins": the mass is the lymphoma's (a read draft
    # answered a lymphoma survivor about lung-cancer biopsies and brain scans)
    if word.lower() in _BARE_MASS and _BLOOD_CANCER.search(_sentence_around(text, start, end)):
        return True
    # "lymphoma which is cancer", "I read it is a cancer medicine", "or something not cancer?" (read drafts
    # weighed a lung cancer)
    if word.lower() in _BARE_CANCER and (
        _SOMETHING_NOT.search(text[max(0, start - 30) : start])
        or _NAMED_CANCER_IS.search(text[max(0, start - 40) : start])
        or _CANCER_MEDICINE_AFTER.match(text, end)
    ):
        return True
    # "No sputum mycobacterial testing": a mycobacterial test names no infection with the bacteria (a read
    # summary listed NTM as a man's past condition; "HIV test" is read in context, see facts.py)
    if _TESTED_WORD.match(word) and _TEST_AFTER.match(text, end):
        return True
    # "MI" is a heart attack only in capitals ("mi casa" is not)
    if word.lower() in ("mi", "ihd") and not word.isupper():
        return True
    # "tender erythematous nodules on both shins" (erythema nodosum): lumps in the skin, not a lung nodule (a
    # read summary listed a lung nodule as a past condition)
    if word.lower() in ("nodule", "nodules") and (
        _SKIN_NODULE_AFTER.match(text, end) or _SKIN_NODULE_BEFORE.search(text[max(0, start - 30) : start])
    ):
        return True
    # "no surgical emphysema": air under the skin after an injury, not the lung disease (a read summary listed
    # COPD for a woman with broken ribs)
    if word.lower() == "emphysema" and re.search(
        r"\b(?:surgical|subcutaneous|mediastinal|interstitial)\s+$", text[max(0, start - 16) : start], re.I
    ):
        return True
    # "a bit of collapsed lung at the bottom": part of a lung not inflated (atelectasis), no pneumothorax (a
    # read draft told a man after heart surgery his X-ray showed air around the lung)
    if word.lower() == "collapsed lung" and (
        _PART_OF.search(text[max(0, start - 25) : start]) or _AT_THE_BASE.match(text, end)
    ):
        return True
    # "reticulation and traction bronchiectasis": airways pulled wide by lung scarring, part of the
    # fibrosis, not bronchiectasis as a disease of its own
    if word.lower().startswith("bronchiectas") and re.search(
        r"\btraction[- ]$", text[max(0, start - 9) : start], re.I
    ):
        return True
    # "COVID can scar the lungs": the verb, which is lasting scarring (fibrosis), not an old scar
    if word.lower() == "scar" and re.match(
        r"\s+(?:the|my|his|her|their|your|both)\s+lungs?\b", text[end:], re.I
    ):
        return True
    # "had to sit down in PE", "she hates doing PE": the lesson, whatever else the sentence says
    if word.lower() == "pe" and _LESSON_BEFORE.search(text[max(0, start - 14) : start]):
        return True
    if (
        word.lower() == "pe"
        and _AFTER_LESSON.search(text[max(0, start - 10) : start])
        and not _AS_AN_EVENT.search(text[end:])
    ):
        return True
    named = _CAPITALS_WHERE_NAMED.get(word.lower())
    sense = _EVERYDAY_SENSE.get(word.lower())
    if named is None and sense is None:
        return False
    before = [m.end() for m in _SENTENCE_END.finditer(text, 0, start)]
    after = _SENTENCE_END.search(text, end)
    sentence = text[before[-1] if before else 0 : after.start() if after else len(text)]
    if named is not None:
        lead_in, context = named
        return not word.isupper() or not (
            lead_in.search(text[max(0, start - 30) : start]) or context.search(sentence)
        )
    return bool(sense and sense.search(sentence))


def _rewrite(text: str) -> str:
    """``text`` with a pronoun or an elided noun spelt out ("a clot, or one in my leg")."""
    text = _ONE_IN.sub(lambda m: f"{m.group(1)}{m.group(2)}{m.group(1)} {m.group(3)}", text)
    return _OR_IN.sub(lambda m: f"{m.group(1)} {m.group(2)} {m.group(3)} {m.group(1)} in {m.group(4)}", text)


# A past episode, not a possibility now: "an old scar from the pneumonia", "a bad pneumonia as a
# child", "5 years back", and repeated "chest infections" (a history, as in bronchiectasis).
_PAST_BEFORE = re.compile(
    r"\b(?:scar\w*|damage\w*|marks?|left)\s+(?:\w+\s+){0,2}(?:from|after|by)\s+"
    r"(?:(?:my|his|her|their|the|that|a|an)\s+)?(?:\w+\s+)?$",
    re.IGNORECASE,
)
_PAST_AFTER = re.compile(
    r"^[^.?!;\n]{0,40}?\b(?:as an? (?:child|baby|toddler|kid|teenager)|(?:\d+|a few|several|many|two|"
    r"three|four|five|six|ten) years? (?:ago|back)|years ago|in (?:my|his|her) (?:teens|twenties|thirties|"
    r"forties|fifties|sixties)|when (?:i|he|she) was (?:young|little|a child|a baby|\d+))",
    re.IGNORECASE,
)
_RECURRENT = re.compile(r"infections$", re.IGNORECASE)


def _past(text: str, start: int, end: int) -> bool:
    """Whether the mention at ``text[start:end]`` is of an episode in the past."""
    return bool(
        _PAST_BEFORE.search(text[max(0, start - 60) : start])
        or _PAST_AFTER.search(text[end:])
        or _RECURRENT.search(text[start:end])
    )


@lru_cache(maxsize=4096)
def _hits(text: str, *, vague: bool = True, child: bool = False) -> tuple[tuple[int, int, Condition], ...]:
    """(start, -length, condition) for every mention in ``text``, in order (remembered per text); a
    vague organ word is read as a child's when ``child``."""
    text = _rewrite(text)
    hits = [
        (match.start(), -(match.end() - match.start()), cond)
        for cond, pattern in _PATTERNS_FILTERED.candidates(text)
        for match in pattern.finditer(text)
        if not _everyday(text, match.start(), match.end())
    ]
    hits += [
        (
            match.start(),
            -(match.end() - match.start()),
            _reading(term, text, match.start(), match.end(), child=child),
        )
        for term, pattern in (_VAGUE_PATTERNS if vague else [])
        for match in pattern.finditer(text)
    ]
    hits.sort(key=lambda h: (h[0], h[1]))
    return tuple(hits)


def conditions_in(
    text: str,
    *,
    fuzzy: bool = False,
    nested: bool = False,
    vague: bool = True,
    history: bool = True,
    child: bool = False,
) -> list[Condition]:
    """Conditions named in ``text``, in order of first mention, each once.

    A mention of a longer term wins over a shorter one at the same place ("lung cancer"
    is one mention of lung cancer, not also a bare "cancer"), unless ``nested``, which
    keeps every condition named anywhere ("COVID-19 pneumonia" is COVID-19 and pneumonia).
    ``fuzzy`` first corrects misspelt condition words (patient text only); ``vague=False``
    leaves out what a vague organ word ("my heart") is read as; ``history=False`` leaves out
    mentions of a past episode ("an old scar from the pneumonia", "a bad pneumonia as a child",
    repeated "chest infections"), which name no alternative to the diagnosis now. ``child`` reads
    a vague organ word as a child's (a heart attack only when nothing points elsewhere).
    """
    if fuzzy:
        text = correct_spelling(text)
    text = _rewrite(text)
    out: list[Condition] = []
    covered_until = -1
    for start, neg_len, cond in _hits(text, vague=vague, child=child):
        if start < covered_until and not nested:
            continue
        covered_until = max(covered_until, start - neg_len)
        if cond not in out and (history or not _past(text, start, start - neg_len)):
            out.append(cond)
    return out


def diagnosis_family(text: str) -> list[Condition]:
    """The diagnosis's condition, the one it refines, and conditions named inside its term.

    "COVID-19 pneumonia that has healed, now long COVID" is long COVID, COVID-19 and
    pneumonia; "chest wall strain, no clot" is chest-wall pain only (the clot is negated,
    not part of the diagnosis, and stays an alternative the patient may ask about).
    """
    main = main_condition(text)
    if main is None:
        return []
    family = [main] + [c for c in CONDITIONS if c.key == main.refines]
    hits = _hits(correct_spelling(text))
    spans = [(start, start - neg) for start, neg, cond in hits if cond in family]
    for start, neg, cond in hits:
        if cond.key == main.contrasts:
            continue
        if cond not in family and any(a <= start and start - neg <= b for a, b in spans):
            family.append(cond)
    return family + [c for c in companions(text) if c not in family]


#: "rib fractures with small haemothorax", "pneumonia and a pleural effusion": a second condition
#: diagnosed together with the first, joined to it by a few words.
_JOINED = re.compile(
    # "pneumonia by COVID-19", "pneumonia due to COVID": the named cause is part of the diagnosis
    r"(?:\bwith|\band|\bplus|\bcomplicated by|\balong with|\b(?:caused )?by|\bdue to|\bfrom|\bsecondary to|"
    r"\bbecause of|,|\+)\s+(?:(?:an?|the|some|small|large|"
    r"moderate|left|right|left-sided|right-sided|bilateral|\w+)\s+){0,3}$",
    re.I,
)


def companions(text: str) -> list[Condition]:
    """Conditions a diagnosis names together with its main one ("rib fractures (3) with small
    haemothorax after a fall" is a broken rib with a haemothorax); none that is denied."""
    main = main_condition(text)
    if main is None:
        return []
    text = correct_spelling(text)
    out: list[Condition] = []
    for start, _, cond in _hits(text):
        before = text[max(0, start - _DENIAL_REACH) : start]
        if cond == main or cond in out or _DENIED.search(before) or "?" in before:
            continue
        # "heart failure with water on the lungs": the fluid its own name speaks of, not a second one
        if cond.key == "pleural_effusion" and main.key == "heart_failure" and "effusion" not in text[start:]:
            continue
        # "pneumonia - sent home on antibiotics, could it be sepsis?": a question, not a second diagnosis (a
        # read draft answered "whether the diagnosis of pneumonia and sepsis is right")
        if _WONDERED.search(before):
            continue
        # "a clot found by chance on his cancer scan": the scan's name, not a second diagnosis (a read draft
        # weighed a lung cancer for a man with bowel cancer)
        if _NAMES_A_SERVICE.match(text[start:]):
            continue
        if _JOINED.search(before) and not _past(text, start, start):
            out.append(cond)
    return out


#: What follows a condition's name used for a service ("the TB clinic", "the heart failure nurses").
_SERVICE_AFTER = re.compile(
    r"\s+(?:clinics?|team|nurses?|services?|specialists?|ward|unit|centre|center|screening|appointments?)\b",
    re.I,
)
_NAMES_A_SERVICE = re.compile(
    r"^[\w'-]+(?:\s+[\w'-]+)?\s+(?:scans?|x-?rays?|ct|films?|clinics?|team|nurses?|specialists?|ward|unit|"
    r"centre|center|screening)\b",
    re.I,
)
_WONDERED = re.compile(
    r"\b(?:could|might|may|maybe|possibly|perhaps|or is it|is it|what about|wonder\w*|worried)"
    r"(?:\s+(?:it|this|that|he|she|i|they|be|have|has|got|about|if|whether|an?|the)){0,4}\s*$",
    re.I,
)


#: A denial that the rest of its clause falls under: "no cough, fever", "denies vomiting blood" (read before a
#: symptom or a sign, to tell it denied).
DENIED_BEFORE = re.compile(r"\b(?:no|not|without|denies|never|none)\b[^;,.]*$", re.I)


# "no broken ribs", "ruled out a clot": a condition named only to deny it.
#: How far before a condition's name a denial is looked for (a list: "no known family history of
#: pneumothorax, Marfan syndrome or aortic disease").
_DENIAL_REACH = 60
_DENIED = re.compile(
    r"\b(?:no|not|never had|never|without|ruled out|rules out|excluded?|negative for|free of|rather than|"
    # "they said it isn't cystic fibrosis"; "the xray is clear so it cant be TB" (a new case's diagnosis of a
    # viral cough was read as TB)
    r"(?:it|this|that) (?:isn'?t|wasn'?t|can'?t be|cannot be|couldn'?t be)|"
    # "no one with TB we know", "nobody with asthma"
    r"no one (?:known )?(?:in the family |in our family |else )?(?:with|who has|who had)|"
    r"nobody (?:known )?(?:with|who has|who had|has|had))\s+"
    # "no previous clots", "no history of asthma", "never had a pneumonia"
    # "never admitted with a chest infection" (a read summary listed pneumonia as a past condition)
    # "no diagnosis of bronchopulmonary dysplasia" (a read summary listed it as a baby's past condition)
    # "no witnessed choking episode", "no FHx asthma" (read summaries listed both as past conditions)
    # "no features of connective tissue disease" (a read summary listed it as a past condition)
    r"(?:(?:a|an|any|the|signs? of|evidence of|features? of|symptoms? of|(?:formal )?diagnosis "
    r"of|previous|prior|past|history of|known|"
    r"personal|family|witnessed|observed|documented|definite|obvious|f/?hx|fh|hx|pmh|"
    # "No formal COPD diagnosis, no spirometry", "no history suggestive of foreign body inhalation" (read
    # summaries listed COPD and an inhaled object as past conditions)
    r"formal|confirmed|firm|proven|established|(?:history|story|features?|symptoms?) "
    r"(?:suggestive of|suggesting|to suggest|consistent with|in keeping with)|"
    r"(?:been )?(?:admitted|hospitali[sz]ed|treated|diagnosed) (?:with|for)|"
    r"medical|childhood|recurrent|repeated|frequent|further|serious|major|significant|"
    # "No family history of sudden cardiac death or Marfan syndrome known" (a read summary listed both as a
    # relative's conditions)
    r"sudden|unexplained|premature|"
    # "No active cancer, no previous VTE" (a read summary listed a lung cancer as a past condition)
    r"active|current|ongoing|untreated)\s+)*"
    # a list denied as a whole: "no skin lesions or kidney problems", "no cough, fever or asthma", and an item
    # in its middle ("no family history of pneumothorax, Marfan syndrome or aortic disease") "no previous
    # DVT/PE", "no previous echocardiogram or known heart failure" (read summaries listed both as past
    # conditions) "no family history of lung disease or childhood tumours" (a read summary listed a relative's
    # lung cancer)
    r"(?:(?:[a-z]+(?: [a-z]+)?(?:, |/))*[a-z]+(?: [a-z]+){0,2},? (?:or|nor) "
    r"(?:known |previous |diagnosed |childhood |other |any |sudden |early )?)*"
    # "No family history of lung fibrosis": the organ said before the condition's own word
    r"(?:[a-z]+(?: [a-z]+)?(?:, |/))*(?:(?:lung|lungs|chest|heart|airway) )?$|"
    # "nobody known with sudden death at a young age or heart muscle disease": after "nobody with" a
    # list's items may be longer
    r"\b(?:nobody|no one|none)(?: known| else| in the family)* (?:with|who has|who had|has|had)\s+"
    r"(?:[a-z]+(?: [a-z]+){0,5},? (?:or|nor) )+$",
    re.I,
)


#: "was it the lung and not my heart?", "is it asthma rather than a nut?": a question that names a
#: condition after "not" or "rather than" asks about it, it does not deny it.
_ASKS_WHETHER_NOT = re.compile(r"(?:not|rather than)\b", re.I)


def _asked(text: str, start: int) -> bool:
    """Whether the sentence holding ``text[start]`` is a question."""
    end = re.compile(r"[.?!\n]").search(text, start)
    return bool(end) and end.group(0) == "?"  # type: ignore[union-attr]


#: "CT-guided biopsy judged high risk of pneumothorax", "at risk of aspiration": a condition feared, not had
#: (a read summary listed a collapsed lung as the past condition of a man whose biopsy was not done for fear
#: of one).
_RISK_OF = re.compile(
    r"\b(?:risks?|chance|danger|likelihood)\s+of\s+(?:a\s+|an\s+|causing\s+(?:a\s+)?|getting\s+(?:a\s+)?)?$",
    re.I,
)


def risked_conditions(text: str) -> list[Condition]:
    """Conditions ``text`` names only as a risk: "high risk of pneumothorax", "at risk of aspiration"."""
    return [cond for start, _, cond in _hits(text) if _RISK_OF.search(text[max(0, start - 40) : start])]


def denied_conditions(text: str) -> list[Condition]:
    """Conditions ``text`` names only to deny them: "no previous clots", "never had asthma"."""
    return [
        cond for start, _, cond in _hits(text) if _DENIED.search(text[max(0, start - _DENIAL_REACH) : start])
    ]


def only_denied(text: str) -> list[Condition]:
    """Conditions every mention of which in ``text`` denies them ("healthy, no asthma", "never had
    a chest infection before and no asthma"): named to say they are absent, never as a worry."""
    text = _rewrite(correct_spelling(text))
    said: dict[Condition, bool] = {}
    hits = _hits(text)
    spans = [(start, start - neg, cond) for start, neg, cond in hits]
    for start, neg, cond in hits:
        # "no pulmonary fibrosis": the inner "fibrosis" is the same mention, denied where it begins (a read
        # draft asked "could it be lung scarring?" of a CT that said "no pulmonary fibrosis")
        if any(c == cond and s < start and start - neg <= e for s, e, c in spans):
            continue
        denial = _DENIED.search(text[max(0, start - _DENIAL_REACH) : start])
        denied = bool(denial) and not (
            denial and _ASKS_WHETHER_NOT.match(denial.group(0)) and _asked(text, start)
        )
        said[cond] = said.get(cond, True) and denied
    return [c for c, all_denied in said.items() if all_denied]


#: A list a denial runs through: "No focal consolidation, pneumothorax or effusion", "No cough, haemoptysis or
#: weight loss", "Denies night sweats, haemoptysis" (read drafts told a baker his clear film mentioned fluid,
#: and gave two women who denied coughing blood the suspected-cancer pathway for it).
_DENIED_LIST = re.compile(
    # an item of up to 40 characters: "No significant mosaic attenuation or air trapping" (a read summary told
    # a woman her CT showed trapped air)
    r"\b(?P<word>no|nil|without|denies|denied)\b(?:[^.;:,]{0,40}(?:,\s*|\s(?:or|nor|and)\s)){1,8}[^.;:,]{0,30}$",
    re.I,
)
#: ... unless something is told as present between: "No consolidation or collapse, but there is ...".
_TOLD_BETWEEN = re.compile(
    r"\b(?:but|however|although|though|there (?:is|are)|has|have|had|with|reports?|is|are|was|were|now|gets?|"
    r"got|shows?|showed|seen|noted|present)\b",
    re.I,
)
#: A list item with its own size or side is a finding told, not one more denied: "No pneumothorax, large right
#: effusion."
_OWN_ITEM = re.compile(
    r"\b(?:large|small|moderate|mild|massive|big|tiny|trace|minor|new|right|left|bilateral)\b[^,]*$", re.I
)
_NO_WORD = re.compile(r"\b(?:no|not|nil|without)\b", re.I)
_OR = re.compile(r"\b(?:or|nor)\b", re.I)


def item_told(before: str) -> bool:
    """Whether the list item just before a finding gives it its own size or side ("..., large right"): told,
    whatever denial came earlier in the sentence."""
    last = before.rsplit(",", 1)
    return len(last) == 2 and bool(_OWN_ITEM.search(last[1])) and not _NO_WORD.search(last[1])


def denied_in_list(before: str, after: str) -> bool:
    """Whether a finding or symptom is an item of a denied list: after "denies", or in a list of "no ..." that
    runs on with "or" ("No cough, haemoptysis or weight loss"); "no fever, cough with blood in it" tells the
    cough. ``before`` and ``after`` are the sentence's text either side of it."""
    if item_told(before):
        return False
    listed = _DENIED_LIST.search(before)
    if listed is None or _TOLD_BETWEEN.search(listed.group(0)):
        return False
    return listed.group("word").lower().startswith("deni") or bool(_OR.search(f"{listed.group(0)} {after}"))


_EXPOSURE_AFTER = re.compile(r"\s*(?:contacts?|exposures?|screening)\b", re.I)


@lru_cache(maxsize=512)
def main_condition(text: str) -> Condition | None:
    """The condition a diagnosis names: the first one not denied, or a narrower one that refines it.

    "bruised ribs, the X-ray showed no broken ribs" is not a broken rib.
    """
    text = correct_spelling(text)
    denied = {
        cond for start, _, cond in _hits(text) if _DENIED.search(text[max(0, start - _DENIAL_REACH) : start])
    }
    found = [c for c in conditions_in(text) if c not in denied]
    # "TB contact - told I have 'sleeping TB'": the first condition named as an exposure is not the diagnosis
    # when another is named (a read draft weighed latent TB as an alternative to active TB)
    rewritten = _rewrite(text)
    exposure = {cond for start, neg, cond in _hits(text) if _EXPOSURE_AFTER.match(rewritten, start - neg)}
    found = [c for c in found if c not in exposure] or found
    # "just a cold / viral cough, wait for the TB clinic appointment": a condition named only as the service
    # that deals with it is not the diagnosis (a new case's "could he have caught TB from grandad?" was taken
    # for the diagnosis asked about)
    services = [
        (cond, bool(_SERVICE_AFTER.match(rewritten, start - neg))) for start, neg, cond in _hits(text)
    ]
    only_service = {c for c, _ in services} - {c for c, service in services if not service}
    found = [c for c in found if c not in only_service] or found
    if not found:
        return None
    # "'floppy airway' (laryngomalacia)": the medical name in brackets says which condition the lay words
    # meant (a read draft took the lay words for tracheomalacia and weighed laryngomalacia against it)
    explained = _bracketed_name(text, found[0])
    if explained is not None and explained not in denied:
        return explained
    narrower = [c for c in found if c.refines and c.refines in {f.key for f in found}]
    if narrower:
        return narrower[0]
    # "viral myocarditis", "viral pleurisy": the virus is the cause and the other condition the
    # diagnosis ("a viral chest infection" or "viral pneumonia" stays a viral infection).
    caused = [c for c in found[1:] if c.key != "pneumonia"] if found[0].key == "viral_infection" else []
    return caused[0] if caused else found[0]


def explained_by_brackets(text: str) -> Condition | None:
    """The condition that a diagnosis's lay words were read as when its bracketed medical name says they
    mean another ("'floppy airway' (laryngomalacia)": tracheomalacia), else None."""
    text = correct_spelling(text)
    found = conditions_in(text)
    if not found or _bracketed_name(text, found[0]) is None:
        return None
    return found[0]


def _bracketed_name(text: str, first: Condition) -> Condition | None:
    """The condition named by its medical term in brackets just after lay words read as ``first``."""
    hits = _hits(text)
    lay = next(((a, a - n) for a, n, c in hits if c == first), None)
    if lay is None:
        return None
    start, end = lay
    if any(text[start:end].lower() == t.lower() for t in first.terms):
        return None
    after = re.match(r"[\s'\"]*\(\s*([^()]{3,60})\)", text[end:])
    if after is None:
        return None
    inner = after.group(1).strip().lower()
    return next(
        (c for c in CONDITIONS if c != first and any(inner == t.lower() for t in c.terms)),
        None,
    )


def for_label(label: str) -> Condition | None:
    """The condition an imaging finding label points at, if the table has one."""
    low = label.lower().replace("_", " ")
    for cond in CONDITIONS:
        if any(lab == low or lab in low for lab in cond.labels):
            return cond
    return None


def mentions(condition_: Condition, text: str) -> bool:
    """True when ``text`` names the condition by any of its terms or lay phrasings.

    A vague organ word ("my heart") counts for the condition its context reads it as.
    """
    if any(p.search(text) for c, p in _PATTERNS if c == condition_):
        return True
    return any(c == condition_ for _, _, c in _hits(text))


def mention_starts(condition_: Condition, text: str) -> list[int]:
    """Where ``text`` names the condition by its terms or lay phrasings (vague organ words aside)."""
    return [start for start, _, c in _hits(text, vague=False) if c == condition_]


#: Topics the pack covers that the table above has no entry for: a document titled with
#: one of them is about that topic, not about any condition of the table.
OTHER_TOPICS = re.compile(
    r"\b(croup|pericarditis|pleurisy|"
    r"lung abscess|reflux|gord|gerd|anxiety|panic|shingles)\b",
    re.IGNORECASE,
)


def addresses(condition_: Condition, sentence: str, title: str) -> bool:
    """Whether a quoted source sentence is *about* ``condition_``, not a passing mention.

    The sentence must name the condition first and at most one other (a list of
    alternatives is not an answer about any of them; "A tumour ... can cause a pneumonia"
    is about the tumour), and come from a document whose title is about
    that condition or about no particular condition (an effusion sentence from a note on
    bronchiolitis does not answer a question about pneumonia).
    """
    named = conditions_in(sentence)
    if not named or named[0] != condition_ or len(named) > 2:
        return False
    topics = conditions_in(title)
    if topics:
        return condition_ in topics
    return not OTHER_TOPICS.search(title)
