"""Facts in the patient's story that make a condition more or less likely.

A clinician answering "could it be a clot?" starts from the story: the combined pill and a long
flight make a clot more likely, pain reproduced by pressing on the chest wall and a normal oxygen
level argue against it. The facts and what each bears on are a table (``risk_factors.yaml``
beside this module, in the project's own words); this module finds them in the patient's text,
clause by clause, leaving out what is denied ("never smoked", "no fever" is its own fact) and
what belongs to someone else ("my dad smokes" is smoking at home, not the patient's smoking),
and writes the sentence the draft gives for one condition.

A parent writing about a child, or a carer about a parent, names the patient as "my daughter"
or "my mum": those words are the patient, not another person.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path

import yaml

from assistant.drafting import questions
from assistant.drafting.conditions import (
    CONDITIONS,
    Condition,
    conditions_in,
    correct_spelling,
    diagnosis_family,
    mention_starts,
)
from assistant.drafting.guardrails import detect_injection
from assistant.drafting.readings import low_reading
from assistant.intake import IntakeRecord

RISK_FACTORS_PATH = Path(__file__).with_name("risk_factors.yaml")

#: People a story mentions besides the patient: the relatives and others questions.py knows, with
#: the words a child's story adds (a regular-expression alternation).
_PEOPLE = (
    questions.PEOPLE + r"|mummy|daddy|boyfriend|girlfriend|"
    r"relatives|family|household|flatmates?|housemates?|colleagues|friends|neighbou?rs|siblings?|boy|girl|baby|"
    r"child|kids?|"
    # People outside the family whose illness is exposure, not the patient's past ("a few people
    # in the camp had TB", "someone at work has TB").
    r"people|someone|somebody|others|patients|residents|inmates|prisoners|refugees|classmates|pupils|"
    r"students|workers|co-?workers|staff|teachers?|roommates?|team-?mates?|"
    # "one of the lads I worked with had to have a lung transplant" (a read draft gave the stonemason who
    # wrote it "treatment that weakens the immune system")
    r"lads|guys|blokes|chaps|mates|"
    # "maternal gestational diabetes on metformin" in a newborn's history is the mother's (a read draft said
    # it made the baby's pneumonia more likely)
    r"maternal"
)
#: "the family doctor" is the patient's doctor, not a relative whose clause is someone else's (a read
#: draft missed "the family doctor ... all the smears were negative").
_PERSON = re.compile(
    rf"\b(?:{_PEOPLE})\b(?:'s)?(?! (?:doctors?|physicians?|gps?|practi(?:ce|tioners?)|medicine|clinic)\b)",
    re.I,
)
_CLAUSES = re.compile(r"[;.!?\n]+|,\s+(?:but|and|although|though|while|whereas)\s+", re.I)
#: A denial shortly before a fact: "no", "never", "nobody in my family has had".
_DENIAL_BEFORE = re.compile(
    r"\b(?:no|not|never|nobody|no ?one|none|without|denies|denied|neither|nor|isn'?t|wasn'?t|"
    r"hasn'?t|haven'?t|didn'?t|don'?t|doesn'?t)\b[^,;]*$",
    re.I,
)

_CHILD_WORDS = {"male": "son|boy|grandson", "female": "daughter|girl|granddaughter"}
_CHILD_NEUTRAL = "baby|child|kid|kids|toddler|infant|newborn|little one"
_ADULT_WORDS = {
    "male": "dad|daddy|father|husband|partner|grandad|grandpa|grandfather|brother",
    "female": "mum|mom|mummy|mother|wife|partner|nan|nana|gran|granny|grandma|grandmother|sister",
}
#: A carer saying whom they write for: "writing for my mum", "my husband (82) was admitted".
_WRITES_FOR = re.compile(
    # "My mom Dorothy (78) keeps ...": a first name may follow the word for the patient
    r"\b(?:for|about|behalf of|on behalf of)\s+my\s+(\w+)|"
    r"^\W*my\s+(\w+)(?:\s+(?-i:[A-Z][a-z]+))?\s*(?:\(|,)?\s*"
    r"(?:\d+|is|was|has|had|"
    r"who|aged|age)\b|^\W*(mum|mom|mummy|mother|dad|daddy|father|husband|wife|nan|nana|gran|granny|grandma|"
    r"grandpa|grandad|grandfather|grandmother)\s*(?:\(\d+\)|,)?\s*(?:is|was|has|had|\d+|aged|age)\b",
    re.I,
)


#: The key of a family-history fact is this, then the relative's condition ("family_asthma").
FAMILY_PREFIX = "family_"


@dataclass(frozen=True)
class Factor:
    """One fact of the story and the conditions it bears on."""

    key: str
    name: str
    find: re.Pattern[str]
    denied: re.Pattern[str] | None = None
    negative: bool = False
    own: bool = True
    others: bool = False
    raises: tuple[str, ...] = ()
    lowers: tuple[str, ...] = ()
    min_age: int | None = None
    max_age: int | None = None
    caveat: tuple[tuple[str, str], ...] = ()
    instead_of: tuple[str, ...] = ()
    #: Conditions this fact makes more severe rather than more likely (being born early, smoke at
    #: home and bronchiolitis: read drafts said they made it "more likely").
    worsens: tuple[str, ...] = ()
    #: Facts that no longer argue against a condition this fact raises (years over an open wood fire
    #: and COPD: "never smoked" then says nothing against it, where a read draft used it as evidence).
    cancels: tuple[str, ...] = ()
    #: Conditions this fact all but names by itself (a witnessed choking fit and an inhaled object): it
    #: weighs double when the story is weighed between a diagnosis and such an alternative.
    decisive: tuple[str, ...] = ()
    #: The only sex the fact can be the patient's own ("pregnancy": "my wife is 5 months pregnant" gave
    #: a read draft's man with ABPA "pregnancy or the weeks after giving birth").
    sex: str | None = None
    #: A test result or an outbreak that bears only on what the infection it names can point to ("flu A
    #: positive" raises no COVID-19): the table's ``by_named_infection``.
    by_named_infection: bool = False

    @property
    def family(self) -> bool:
        """A relative's illness (a family history), not a fact of the patient's own story."""
        return self.key.startswith(FAMILY_PREFIX)

    def applies_to_age(self, age: int | None) -> bool:
        if age is None:
            return True
        return (self.min_age is None or age >= self.min_age) and (self.max_age is None or age <= self.max_age)


@dataclass(frozen=True)
class Found:
    """A fact found in the story, named as the draft names it."""

    factor: Factor
    name: str
    conditions: tuple[str, ...] = field(default=())


#: Patterns several entries share, written once and named in the table as ``<name>``.
FRAGMENTS: dict[str, str] = {
    # Travel planned or asked about ("family planning travel to Nigeria August", "is it safe to fly there?",
    # "tickets to Lagos in August") is no stay yet: a read draft asked for a same-day malaria test before
    # the trip. A return told ("came back to London in August") is a stay.
    "<planned_travel>": (
        r"\b(?:plan\w*|going|will|hop\w*|want\w*|thinking of|booked|due|about) (?:\w+ ){0,3}(?:to )?"
        r"(?:travel\w*|trip|fly|flying|go|visit\w*|holiday)\b|\btickets? (?:\w+ ){0,2}(?:to|for)\b|"
        r"(?<!back )(?<!came )(?<!moved )(?<!returned )(?<!arrived )(?<!got )\bto [a-z]+(?: [a-z]+)? "
        r"(?:in|next|this coming) (?:january|february|march|april|may|june|july|august|september|october|"
        r"november|december|the summer|summer|the spring|the autumn|the winter|month|week|year|"
        r"\d+ (?:weeks?|months?)|a few (?:weeks?|months?))\b|\bis it safe\b[^.;]{0,30}\b(?:fly|travel|go)\b"
    ),
    # "coughing and choking with feeds", "chokes on her milk": a baby's feeding difficulty, no inhaled object
    # (a read summary listed "a choking episode" for a baby with laryngomalacia and reflux); the choking
    # episode's denial and the history reader (``facts``) share it
    "<choking_on_feeds>": (
        r"\bchok\w* (?:\w+ )?(?:with|on|during|after) (?:\w+ )?"
        r"(?:feeds?|feeding|milk|bottles?|breast ?feeds?|drinks?|fluids|liquids|thin fluids|saliva)\b|"
        r"\b(?:feeds?|feeding|milk|drinks?|fluids)\b[^.;]{0,30}\bchok\w*"
    ),
    # "a TB ward", "TB patients": where someone worked, a fact of its own (``tb_work``), which the contact
    # with someone with TB (``tb_contact``) does not count again
    "<tb_workplace>": r"\b(?:tb|tuberculosis)\s+(?:wards?|patients|sanatori(?:um|ums|a)|units?|hospitals?)\b",
}


def _with_fragments(pattern: str) -> str:
    """``pattern`` with each shared fragment's name replaced by its pattern (:data:`FRAGMENTS`)."""
    for name, fragment in FRAGMENTS.items():
        pattern = pattern.replace(name, fragment)
    return pattern


def load_factors(path: Path = RISK_FACTORS_PATH) -> tuple[Factor, ...]:
    """The table from ``path``; an unknown field or condition key is refused by entry."""
    entries = yaml.safe_load(path.read_text(encoding="utf-8"))
    known_keys = {c.key for c in CONDITIONS}
    fields_ = {"key", "name", "find", "denied", "negative", "own", "others", "raises", "lowers",
               "min_age", "max_age", "caveat", "instead_of", "worsens", "cancels", "decisive",
               "sex", "by_named_infection"}  # fmt: skip
    out: list[Factor] = []
    for number, entry in enumerate(entries, start=1):
        label = f"{path.name}: factor {number} ({entry.get('key')})"
        unknown = sorted(set(entry) - fields_)
        if unknown:
            raise ValueError(f"{label}: unknown fields {unknown}")
        keys = [
            *entry.get("raises", []),
            *entry.get("lowers", []),
            *entry.get("caveat", {}),
            *entry.get("worsens", []),
            *entry.get("decisive", []),
        ]
        missing = sorted(set(keys) - known_keys)
        if missing:
            raise ValueError(f"{label}: unknown condition keys {missing}")
        if not entry.get("raises") and not entry.get("lowers"):
            raise ValueError(f"{label}: bears on no condition")
        try:
            find = re.compile(_with_fragments(str(entry["find"])), re.I)
            denied = re.compile(_with_fragments(str(entry["denied"])), re.I) if entry.get("denied") else None
        except (KeyError, re.error) as exc:
            raise ValueError(f"{label}: {exc}") from exc
        out.append(
            Factor(
                key=entry["key"],
                name=str(entry["name"]),
                find=find,
                denied=denied,
                negative=bool(entry.get("negative", False)),
                own=bool(entry.get("own", True)) and not entry.get("others", False),
                others=bool(entry.get("others", False)),
                raises=tuple(entry.get("raises", ())),
                lowers=tuple(entry.get("lowers", ())),
                min_age=entry.get("min_age"),
                sex=entry.get("sex"),
                max_age=entry.get("max_age"),
                caveat=tuple((k, " ".join(str(v).split())) for k, v in (entry.get("caveat") or {}).items()),
                instead_of=tuple(entry.get("instead_of", ())),
                worsens=tuple(entry.get("worsens", ())),
                cancels=tuple(entry.get("cancels", ())),
                decisive=tuple(entry.get("decisive", ())),
                by_named_infection=bool(entry.get("by_named_infection", False)),
            )
        )
    repeated = sorted({f.key for f in out if [g.key for g in out].count(f.key) > 1})
    if repeated:
        raise ValueError(f"{path.name}: factors listed twice: {repeated}")
    return tuple(out)


FACTORS: tuple[Factor, ...] = load_factors()

#: A relative's illness raises the same condition and these related ones.
_FAMILY_RELATED: dict[str, tuple[str, ...]] = {
    "heart_attack": ("heart_attack", "heart_failure"),
    "heart_failure": ("heart_failure",),
    "pulmonary_embolism": ("pulmonary_embolism", "deep_vein_thrombosis", "thrombophilia"),
    "deep_vein_thrombosis": ("pulmonary_embolism", "deep_vein_thrombosis", "thrombophilia"),
    "thrombophilia": ("pulmonary_embolism", "deep_vein_thrombosis", "thrombophilia"),
    "lung_cancer": ("lung_cancer", "nodule"),
    "copd": ("copd", "alpha1_antitrypsin"),
    "asthma": ("asthma",),
    "pneumothorax": ("pneumothorax",),
    "cystic_fibrosis": ("cystic_fibrosis",),
    "sarcoidosis": ("sarcoidosis",),
    "marfan_syndrome": ("marfan_syndrome", "pneumothorax", "aortic_dissection"),
    "aortic_dissection": ("aortic_dissection",),
    "pulmonary_fibrosis": ("pulmonary_fibrosis", "ipf", "ild"),
    "ild": ("ild", "pulmonary_fibrosis", "ipf"),
    "ipf": ("ipf", "pulmonary_fibrosis", "ild"),
    "alpha1_antitrypsin": ("alpha1_antitrypsin", "copd"),
    "immunodeficiency": ("immunodeficiency",),
    "primary_ciliary_dyskinesia": ("primary_ciliary_dyskinesia",),
}
#: Common conditions whose family history counts only in a parent, brother, sister or child (read drafts
#: counted an uncle's asthma and a cousin's cancer); inherited ones count in any blood relative.
_CLOSE_FAMILY_ONLY = frozenset(
    {"heart_attack", "heart_failure", "lung_cancer", "copd", "asthma", "sarcoidosis"}
)
_FIRST_DEGREE = re.compile(
    r"(?:mother|father|mum|mom|dad|parents?|brother|sister|son|daughter|siblings?|twin|family)\b", re.I
)
#: How a relative's condition is named in "a family history of ...".
_FAMILY_NAMES: dict[str, str] = {
    "heart_attack": "heart disease",
    "heart_failure": "heart failure",
    "pulmonary_embolism": "blood clots",
    "deep_vein_thrombosis": "blood clots",
    "thrombophilia": "blood clots",
    "lung_cancer": "lung cancer",
    "copd": "COPD or emphysema",
    "pneumothorax": "collapsed lung",
    "marfan_syndrome": "Marfan syndrome",
    "aortic_dissection": "aortic disease",
    "pulmonary_fibrosis": "lung scarring",
    "ild": "lung scarring",
    "ipf": "lung scarring",
    "alpha1_antitrypsin": "alpha-1 antitrypsin deficiency",
    "immunodeficiency": "immune problems",
    "primary_ciliary_dyskinesia": "primary ciliary dyskinesia",
}
#: Relatives by blood (a spouse's illness is no family history).
_BLOOD_RELATIVE = re.compile(
    r"\b(?:mother|father|mum|mom|dad|parents?|brother|sister|aunt|auntie|uncle|cousin|grand\w+|nan|gran|granny|"
    r"grandpa|grandma|son|daughter|sibling|twin|family)\b",
    re.I,
)
#: A relative who had or has something: "my brother (her uncle) died of", "my mum has", "dad was
#: diagnosed with" (not "my mum read about").
_RELATIVE_HAD = re.compile(
    _BLOOD_RELATIVE.pattern
    + r"(?:'s)?(?:\s+\([^)]*\))?(?:\s+\w+){0,3}?\s+(?:had|has|have|was|were|died|passed|got|"
    r"suffer\w*|diagnosed|treated|developed|turned out)\b"
    # "my son has been reading that a clot can cause a patch": a relative who reads, asks or worries has
    # nothing (a read draft gave a woman "a family history of blood clots")
    r"(?!\s+(?:been\s+)?(?:read\w*|look\w*|ask\w*|say\w*|said|worr\w*|wonder\w*|googl\w*|search\w*|"
    r"research\w*|help\w*|typ\w*|writ\w*|think\w*|thought|convinced|sure|sent|driv\w*|with me)\b)",
    re.I,
)


@dataclass(frozen=True)
class _Writer:
    """Who the story is about: the words naming the patient when someone else writes, and
    whether "I" is that someone else (a parent, a carer) rather than the patient."""

    patient: re.Pattern[str] | None = None
    proxy: bool = False
    #: The child's subject pronoun when a parent writes ("she"): the child, unless the person
    #: named just before is the writer's own relative ("my mother ... she had TB").
    pronoun: re.Pattern[str] | None = None
    #: The other sex's pronoun when a parent writes of a child: another child or adult ("now he is
    #: wheezing, no temperature" of a girl's brother was read as the girl's "no fever").
    other_pronoun: re.Pattern[str] | None = None
    #: An adult child writes for a parent: the writer's other parent ("my dad had heart failure", of
    #: a mother) is the patient's spouse, no blood relative.
    for_parent: bool = False


def _writer(intake: IntakeRecord) -> _Writer:
    """The words a parent or carer uses for the patient ("my daughter", "my mum"), if any."""
    sex = intake.sex.lower() if intake.sex.lower() in ("male", "female") else ""
    told = "\n".join([intake.reason_for_second_opinion, intake.main_question, intake.history])
    if intake.is_child:
        words = "|".join(w for w in ([_CHILD_WORDS[sex]] if sex else list(_CHILD_WORDS.values())))
        proxy = bool(questions.PARENT_WRITES.search(told)) or (intake.age or 0) < 12
        # A parent writes "she ate popcorn and went red" of the child: the pronoun of the child's
        # sex as a subject is the child (a relative of that sex is named by what they are).
        said = {"male": "he", "female": "she"}.get(sex) if proxy else None
        pronoun = re.compile(rf"\b{said}\b", re.I) if said else None
        unsaid = {"he": "she", "she": "he"}.get(said or "")
        other = re.compile(rf"\b{unsaid}\b", re.I) if unsaid else None
        return _Writer(re.compile(rf"\b(?:{words}|{_CHILD_NEUTRAL})\b(?:'s)?", re.I), proxy, pronoun, other)
    text = intake.reason_for_second_opinion.strip()
    found = _WRITES_FOR.search(text[:200]) or _WRITES_FOR.search(intake.main_question[:120])
    if not found:
        return _Writer()
    word = (found.group(1) or found.group(2) or found.group(3) or "").lower()
    allowed = set((_ADULT_WORDS.get(sex) or "|".join(_ADULT_WORDS.values())).split("|"))
    if word not in allowed:
        return _Writer()
    return _Writer(re.compile(rf"\b{re.escape(word)}\b(?:'s)?", re.I), True, for_parent=word in _PARENT_WORDS)


_PARENT_WORDS = frozenset({"mum", "mom", "mummy", "mother", "dad", "daddy", "father"})


def written_for_someone_else(intake: IntakeRecord) -> bool:
    """Whether a parent, partner or carer writes for the patient ("my daughter", "my husband Ray")."""
    return _writer(intake).proxy


def _texts(intake: IntakeRecord) -> list[str]:
    # a symptom's onset given in its own field ("gradual") is part of the story
    gradual = "; ".join(
        f"gradual onset of {s.description}" for s in intake.symptoms if s.onset.lower() == "gradual"
    )
    return [
        gradual,
        intake.main_question,
        intake.reason_for_second_opinion,
        intake.symptom_text,
        intake.history,
        "; ".join(intake.medications),
        intake.prior_imaging,
    ]


_WRITERS_RELATIVE = re.compile(r"\b(?:my|our)\s+(?:\w+\s+)?$", re.I)
_SELF = re.compile(r"\b(?:i|i'm|im|i've|i'd|me|myself)\b", re.I)
_PATIENT_MARK = "\x00"


#: Another person's possessive just before a word for a child: "the neighbour's 6 year old girl" is the
#: neighbour's child, not the patient (a read draft gave a 4-year-old "TB treated in the past").
_THEIRS = re.compile(rf"\b(?:{_PEOPLE})'s\s+(?:[\w-]+\s+){{0,4}}$", re.I)


def _marked(text: str, writer: _Writer) -> str:
    """``text`` with the patient's words replaced by a mark of the same length."""
    if writer.patient is None:
        return text

    def mark(m: re.Match[str]) -> str:
        if _THEIRS.search(text[max(0, m.start() - 60) : m.start()]):
            return m.group(0)
        return _PATIENT_MARK * len(m.group(0))

    return writer.patient.sub(mark, text)


def patient_marked(intake: IntakeRecord, text: str) -> str:
    """``text`` with the words a carer or parent uses for the patient ("Dad", "my son") masked, so
    that a reader of relatives does not take the patient for one."""
    return _marked(text, _writer(intake))


def _people(text: str, writer: _Writer) -> list[re.Match[str]]:
    """Other people named in ``text`` (already marked): relatives, and "I" when a proxy writes."""
    found = list(_PERSON.finditer(text))
    if writer.proxy:
        found += list(_SELF.finditer(text))
    if writer.other_pronoun is not None:
        found += list(writer.other_pronoun.finditer(text))
    return sorted(found, key=lambda m: m.start())


def _mentions_other(clause: str, writer: _Writer) -> bool:
    return bool(_people(_marked(clause, writer), writer))


#: Hedges that name the writer without making the fact theirs ("my nan has a clotting thing i think").
_HEDGES = re.compile(
    r"\b(?:i|we) (?:think|believe|guess|reckon|understand|was told|were told|heard)\b|\bi'?m not sure\b|"
    r"\bas far as (?:i|we) know\b|"
    # "the lads I worked with": the writer named only as whom the other person is known through
    r"\b(?:i|we) (?:work|worked|live|lived|play|played|went|go|train|trained|serve|served|grew up)"
    r"(?: \w+)? with\b",
    re.I,
)


#: An aside naming who did something to a record: "(translated by a neighbour)", "(read by the GP)"; not
#: one that names the person the words are about ("the grandfather (my father in law) he stays with us").
_ASIDE = re.compile(r"\([^()]*\bby\b[^()]*\)")


def _someone_elses(clause: str, start: int, writer: _Writer) -> bool:
    """Whether the words at ``start`` are about another person: one is named before them and the
    patient is not named again in between ("my dad smokes"; not "mum worries because I'm tall")."""
    # a person named in a closed aside is not whom the words are about: "Chest X-ray (translated by a
    # neighbour): 'Cardiomegaly'" (a read draft left the big heart out of a woman's case for heart failure)
    before = _ASIDE.sub(lambda m: " " * len(m.group(0)), _marked(clause[:start], writer))
    people = _people(before, writer)
    if not people:
        return False
    last = people[-1]
    between = before[last.end() :]
    if _PATIENT_MARK in between:
        return False
    writers_own = any(_WRITERS_RELATIVE.search(before[max(0, p.start() - 12) : p.start()]) for p in people)
    if writer.pronoun is not None and writer.pronoun.search(between) and not writers_own:
        return False
    return writer.proxy or not _SELF.search(_HEDGES.sub(" ", between))


#: A fact whose status nobody knows, said just after it: "HIV and diabetes status not mentioned",
#: "HIV unknown".
_UNKNOWN_AFTER = re.compile(
    rf"^[^,;]{{0,30}}?\b(?:(?:status|results?)\s+)?(?:(?:is|was) )?{questions.NOT_KNOWN}\b", re.I
)


#: A fact said absent just after it: "Clubbing absent", "calf swelling not present" (a read draft counted
#: finger clubbing for a man whose history said "Clubbing absent").
_ABSENT_AFTER = re.compile(
    r"^\s*(?:(?:is|was|are|were)\s+)?(?:absent|not present|not seen|not found|nil)\b", re.I
)


#: An infection a positive test or an outbreak names, and the conditions it can point to: "a flu outbreak"
#: or "flu A positive" makes no COVID-19 more likely (a read draft gave "a positive flu test" as what makes
#: COVID-19 more likely in a care home with influenza A).
_NAMED_INFECTIONS: tuple[tuple[re.Pattern[str], frozenset[str]], ...] = tuple(
    (re.compile(pattern, re.I), frozenset(keys))
    for pattern, keys in (
        (r"\b(?:flu|influenza)\b", {"viral_infection"}),
        (r"\b(?:covid\w*|sars-?cov-?2|coronavirus)\b", {"covid19", "viral_infection"}),
        (r"\b(?:rsv|rhinovirus|metapneumovirus)\b", {"viral_infection", "bronchiolitis", "viral_wheeze"}),
        (r"\b(?:pertussis|whooping)\b", {"whooping_cough"}),
        (r"\bcroup\b", {"croup"}),
        (r"\bmycoplasma\b", {"atypical_pneumonia"}),
    )
)
#: Flu is a common cause of pneumonia, by itself or with bacteria after it: a positive flu test argues
#: against no pneumonia (a read draft held it against one in a care-home resident worsening on day 3).
_LEADS_TO_PNEUMONIA = re.compile(r"\b(?:flu|influenza)\b", re.I)


def _as_named(factor: Factor, clause: str) -> Factor:
    """``factor`` bearing only on what the infection ``clause`` names can point to, for a fact the table
    marks ``by_named_infection`` (a positive test, others ill); unchanged when it names none, or otherwise."""
    if not factor.by_named_infection:
        return factor
    named = [keys for pattern, keys in _NAMED_INFECTIONS if pattern.search(clause)]
    if not named:
        return factor
    keep = frozenset().union(*named)
    lowers = factor.lowers
    if _LEADS_TO_PNEUMONIA.search(clause) and not any("covid19" in k for k in named):
        lowers = tuple(k for k in lowers if k != "pneumonia")
    return replace(factor, raises=tuple(k for k in factor.raises if k in keep), lowers=lowers)


#: A denial inside the words a fact was found by: "my ankles are not swollen" (a read draft gave "swelling of
#: both ankles or legs" as what makes heart failure more likely); "couldn't breathe" is the symptom itself.
_NOT_INSIDE = re.compile(
    r"\b(?:is|are|was|were|has been|have been)\s+(?:not|never)\b|"
    r"\b(?:isn|aren|wasn|weren|hasn|haven)['’]?t\b",
    re.I,
)
#: A fact found by its denial ("not vaccinated", "doesn't smoke"): its own words hold one.
_DENIAL_WRITTEN = re.compile(r"\bnot\b|\bnever\b|n'|n’|no longer|\bdon|\bdoesn|\bisn", re.I)


def _denied(factor: Factor, clause: str, start: int, end: int | None = None) -> bool:
    if factor.denied is not None and factor.denied.search(clause):
        return True
    if (
        not factor.negative
        and end is not None
        and _NOT_INSIDE.search(clause[start:end])
        and not _DENIAL_WRITTEN.search(factor.find.pattern)
    ):
        return True
    if not factor.negative and questions.DENIED_LIST.match(clause):
        return True  # "Never had asthma, hay fever or eczema"
    if not factor.negative and _ASKED_SAID_NO.search(clause[:start]) and _SAID_NO.search(clause[start:]):
        return True  # "we have asked about vaping, he says no"
    if not factor.negative and end is not None and _UNKNOWN_AFTER.search(clause[end:]):
        return True
    if not factor.negative and end is not None and _ABSENT_AFTER.match(clause[end:]):
        return True
    return not factor.negative and bool(_DENIAL_BEFORE.search(clause[max(0, start - 40) : start]))


def _name(factor: Factor, match: re.Match[str]) -> str:
    if "{0}" not in factor.name:
        return factor.name
    said = next((g for g in match.groups() if g), match.group(0))
    said = said.upper() if said.lower() in ("rsv", "hiv") else said.lower()
    said = "COVID-19" if said.startswith("covid") else said
    # a disease named after a person keeps its capital ("parkinsons" -> "Parkinson's disease")
    for person in ("parkinson", "alzheimer"):
        if said.startswith(person):
            said = f"{person.capitalize()}'s disease"
    said = {"stroke": "a stroke", "seizure": "a seizure"}.get(said, said)
    return factor.name.replace("{0}", said)


#: A fact inside a question is hypothetical ("should it be an operation?") unless the patient says it
#: is theirs ("could it be a clot because of my pill?", "could it be BPD because he was born at 26
#: weeks?").
_THEIRS_BEFORE = re.compile(
    r"\b(?:my|his|her|their|because of|since|as|with)\s+(?:\w+\s+)?$|"
    r"\b(?:because|since|as)\s+(?:he|she|they|i)\s+(?:was|were|is|are|had|has)\s+$",
    re.I,
)
#: "could it be TB from his grandmother?": a question that names whom it was caught from.
_CAUGHT_FROM = re.compile(
    rf"\b(?:from|off|caught from)\s+(?:my|his|her|their|our)\s+(?:\w+\s+)?(?:{_PEOPLE})\b", re.I
)
_SENTENCES = re.compile(r"[^.!?\n]+[.!?]*")


def _clauses(text: str) -> list[tuple[str, bool]]:
    """The clauses of ``text``, each with whether its sentence is a question."""
    out = []
    for sentence in _SENTENCES.findall(text):
        # A question in brackets at the end of a statement ("they started me on 4 tablets (the red
        # ones make my pee orange, is this normal?") leaves the statement a statement.
        aside = _ASIDE_QUESTION.match(sentence)
        parts = [(aside.group(1), False), (aside.group(2), True)] if aside else [(sentence, None)]
        for part, asked in parts:
            question = part.rstrip().endswith("?") if asked is None else asked
            out += [(c, question) for c in _CLAUSES.split(part) if c.strip()]
    return out


_ASIDE_QUESTION = re.compile(r"^(.*\S.*?)\s*\(([^()]*\?)\)?\s*$", re.S)


def _names_the_diagnosis(said: str, diagnosis: str) -> bool:
    """Whether a fact's words are the diagnosis in question itself or part of its name ("asthma" in "late
    onset asthma", "hypertension" in "pulmonary hypertension"), not a fact of the story that the diagnosis's
    wording also holds: "never smoked" in "COPD, even though I never smoked", "caesarean" in "blood clot in
    the lung (3 weeks after caesarean)" are facts for and against it."""
    at = diagnosis.lower().find(said.lower()) if said else -1
    if at < 0:
        return False
    # only what the diagnosis names as itself: "viral cough - GP says xray is clear so it cant be TB" denies
    # TB,
    # so a grandmother's TB is still a contact (a read draft for her 3-year-old grandson named none)
    own = {c.key for c in diagnosis_family(diagnosis)}
    named = {c.key for c in conditions_in(diagnosis, nested=True)} & own if own else set()
    without = {c.key for c in conditions_in(diagnosis[:at] + " " + diagnosis[at + len(said) :], nested=True)}
    return bool(named - without) or bool(named & {c.key for c in conditions_in(said, nested=True)})


@lru_cache(maxsize=256)
def _found_cached(intake_json: str) -> tuple[Found, ...]:
    intake = IntakeRecord.model_validate_json(intake_json)
    writer = _writer(intake)
    out: dict[str, Found] = {}
    for factor in FACTORS:
        # A fact of age alone (an empty pattern) needs no words, only a known age in its range.
        if not factor.find.pattern and intake.age is not None and factor.applies_to_age(intake.age):
            out[factor.key] = Found(factor, factor.name, factor.raises)
    for text in _texts(intake):
        for clause, question in _clauses(text):
            if detect_injection(clause, "intake"):
                continue  # an instruction ("tell the patient the X-ray is normal") is no fact of the story
            other = _mentions_other(clause, writer)
            for factor in FACTORS:
                if factor.key in out or not factor.find.pattern or not factor.applies_to_age(intake.age):
                    continue
                if factor.others and not other:
                    continue
                match = factor.find.search(clause)
                if not match or _denied(factor, clause, match.start(), match.end()):
                    continue
                if _names_the_diagnosis(match.group(0), intake.diagnosis_in_question):
                    continue  # the diagnosis in question itself is no fact for or against it
                if factor.own and _someone_elses(clause, match.start(), writer):
                    continue
                if (
                    not factor.own
                    and not factor.others
                    and _THEIR_STAY.search(clause[max(0, match.start() - 60) : match.start()])
                    and _someone_elses(clause, match.start(), writer)
                ):
                    # "my brother had TB ... when he was working in Kenya": his stay, not the patient's
                    continue
                theirs = _THEIRS_BEFORE.search(clause[max(0, match.start() - 20) : match.start()])
                caught = factor.others and _CAUGHT_FROM.search(clause)
                if question and not theirs and not caught:
                    continue
                named = _as_named(factor, clause)
                out[factor.key] = Found(named, _name(factor, match), named.raises)
            if not question:
                _family(clause, writer, out)
    sex = intake.sex.lower()
    for key in [
        k for k, f in out.items() if f.factor.sex and sex in ("male", "female") and f.factor.sex != sex
    ]:
        del out[key]
    # "my oxygen was 96% ... yesterday the finger thing said 93%": a low reading told anywhere leaves no
    # normal oxygen level to argue from (a read draft held "a normal oxygen level" against a clot)
    if "normal_oxygen" in out and any(low_reading(text) for text in _texts(intake)):
        del out["normal_oxygen"]
    # "ECG done, he said early repolarization normal" beside the tracing's report, "diffuse concave ST
    # elevation, PR depression": an abnormal tracing told anywhere leaves no normal ECG to argue from (a read
    # draft held "a normal ECG" against pericarditis)
    if "normal_ecg" in out and any(_ECG_ABNORMAL.search(text) for text in _texts(intake)):
        del out["normal_ecg"]
    # "primary vaccines done there; 4-year pre-school booster probably missed": a dose missed anywhere leaves
    # the child not fully protected (a read draft held "up to date with vaccinations" against whooping cough)
    if "vaccines_up_to_date" in out and any(
        not _NOT_ROUTINE.search(m.group(0)) for text in _texts(intake) for m in _VACCINE_MISSED.finditer(text)
    ):
        del out["vaccines_up_to_date"]
    # "Workmate had TB last year (not close contact, different team)": said anywhere in the story, it answers
    # every mention of the contact (one check, not also a per-clause denial in the table)
    if "tb_contact" in out and any(_NOT_CLOSE.search(text) for text in _texts(intake)):
        del out["tb_contact"]
    replaced = {k for f in out.values() for k in f.factor.instead_of}
    return tuple(f for key, f in out.items() if key not in replaced)


#: Another person's own stay told just before a place: "when he was working in", "while she lived in" (a read
#: draft gave a girl who had never travelled "time spent in a country where TB is common" from her uncle's).
_THEIR_STAY = re.compile(
    r"\b(?:he|she|they|who)\s+(?:was|were|had been|is|has been)?\s*(?:work\w*|liv\w*|stay\w*|based|posted|"
    r"travel\w*|serv\w*|visit\w*|born|grew up)\b[^.;]{0,25}$",
    re.I,
)


#: A question put to the patient about a habit, answered no: "we have asked about vaping, he says no".
_ASKED_SAID_NO = re.compile(
    r"\b(?:asked|checked|ask)\s+(?:him |her |them )?(?:about|if|whether)\b[^.;()]{0,30}$", re.I
)
_SAID_NO = re.compile(
    r"^[^.;()]{0,40}\b(?:says|said|answers|answered|told (?:us|me)|insists|swears)\s+"
    r"(?:no|not|never|he doesn'?t|she doesn'?t|they don'?t)\b",
    re.I,
)


#: A vaccine dose said to be missed, late or not given.
_VACCINE_MISSED = re.compile(
    r"\b(?:booster|vaccin\w*|jabs?|immuni[sz]\w*)\b[^.;]{0,40}\b"
    r"(?:missed|not (?:been )?(?:given|done|had)|overdue|behind|delayed|incomplete|skipped)\b|"
    r"\b(?:missed|skipped|never had)\b[^.;]{0,20}\b(?:booster|vaccin\w*|jabs?)\b",
    re.I,
)


#: Vaccines outside the childhood schedule, whose lack leaves it complete ("never had the BCG vaccine").
_NOT_ROUTINE = re.compile(r"\b(?:bcg|flu|influenza|covid\w*|hpv|travel|shingles|rsv)\b", re.I)


#: An ECG reported with a change that is not normal.
_ECG_ABNORMAL = re.compile(
    r"\b(?:ecg|ekg|heart tracing)s?\b[^.;]{0,80}\b(?:st[- ](?:segment )?(?:elevation|depression|changes?)|"
    r"(?:elevated|depressed) st\b|pr[- ](?:segment )?depression|t[- ]waves? (?:inver\w*|flatten\w*)|"
    r"(?:atrial fibrillation|right (?:ventricular|heart) strain|bundle branch block|[lr]bbb|s1q3t3)\b)",
    re.I,
)


#: A TB patient said not to be a close contact.
_NOT_CLOSE = re.compile(
    r"\b(?:tb|tuberculosis)\b[^.;]{0,60}\b(?:not (?:a )?close contact|different (?:team|department|floor|"
    r"building|office|shift|site)|never (?:met|saw|see|spoke))\b",
    re.I,
)


_NOT_BLOOD = re.compile(
    r"\b(?:friends?|neighbou?rs?|colleagues?|boss|co-?workers?|wife|husband|partner|boyfriend|girlfriend|"
    # "my mates brother had a collapsed lung" (a read draft gave a 15-year-old a family history of one)
    r"flatmates?|housemates?|someone|somebody|people|mates?|pals?|buddy|buddies|class-?mates?|team-?mates?|"
    r"school-?mates?|work-?mates?)\b",
    re.I,
)


#: "a neighbour's daughter", "my friend whose son", and without the apostrophe, "my friends cousin has cystic
#: fibrosis" (a read draft gave a 17-year-old "a family history of cystic fibrosis" from it).
_SOMEONE_ELSES = re.compile(_NOT_BLOOD.pattern + r"(?:'s|’s|\s+whose|(?<=s))\s+(?:\w+\s+)?$", re.I)
_IN_LAW = re.compile(r"\S*-in-law\b|\s+in\s+law\b", re.I)


def _family(clause: str, writer: _Writer, out: dict[str, Found]) -> None:
    """A blood relative's illness in ``clause``: a family history of it."""
    rest = _marked(clause, writer).replace(_PATIENT_MARK, " ")
    relative = _RELATIVE_HAD.search(rest)
    if not relative:
        return
    # "my friend whose son has asthma", "a neighbour's daughter had TB": someone else's relative; a
    # brother-in-law or mother-in-law is family by marriage, no blood relative
    before = rest[max(0, relative.start() - 30) : relative.start()]
    word = _BLOOD_RELATIVE.match(rest, relative.start())
    if _SOMEONE_ELSES.search(before) or (word and _IN_LAW.match(rest, word.end())):
        return
    # "A friend said it might be asthma because her son had cough variant asthma": "her" is the friend
    # (a read draft gave a 14-year-old "a family history of asthma" from it)
    if re.search(r"\b(?:her|his|their)\s+$", before, re.I) and _NOT_BLOOD.search(rest[: relative.start()]):
        return
    # "My dad had congestive heart failure", written by a daughter about her mother: the patient's husband
    spouse = writer.for_parent and word and word.group(0).lower() in _PARENT_WORDS | {"parents"}
    if spouse and not re.search(r"\b(?:her|his|their)\s+(?:\w+\s+)?$", before, re.I):
        return
    told = rest[relative.start() :]
    # The relative's part ends where someone who is no blood relative is named ("his brother had TB
    # and a friend was told he had cancer": the cancer is the friend's).
    other = _NOT_BLOOD.search(told, relative.end() - relative.start())
    told = told[: other.start()] if other else told
    close = bool(_FIRST_DEGREE.match(relative.group(0)))
    for cond in conditions_in(correct_spelling(told), fuzzy=False, vague=False):
        related = _FAMILY_RELATED.get(cond.key)
        key = f"{FAMILY_PREFIX}{cond.key}"
        if related is None or key in out:
            continue
        if cond.key in _CLOSE_FAMILY_ONLY and not close:
            continue  # an uncle's asthma or a cousin's lung cancer is no family history of it
        starts = mention_starts(cond, clause) or [0]
        if _DENIAL_BEFORE.search(clause[max(0, starts[0] - 40) : starts[0]]):
            continue
        name = f"a family history of {_FAMILY_NAMES.get(cond.key, cond.name)}"
        factor = Factor(key=key, name=name, find=re.compile(""), raises=related)
        if not any(f.name == name for f in out.values()):
            out[key] = Found(factor, name, related)


def found_factors(intake: IntakeRecord) -> tuple[Found, ...]:
    """Every fact of the table found in the story, each once, in the order first found."""
    return _found_cached(intake.model_dump_json())


def bearing_on(intake: IntakeRecord, cond: Condition) -> tuple[list[Found], list[Found]]:
    """The facts that make ``cond`` more likely, and those that argue against it."""
    found = found_factors(intake)
    raising = [f for f in found if cond.key in f.factor.raises]
    cancelled = {k for f in raising for k in f.factor.cancels}
    lowering = [f for f in found if cond.key in f.factor.lowers and f.factor.key not in cancelled]
    return raising, lowering


def history_names(intake: IntakeRecord, cond: Condition) -> list[str]:
    """The facts :func:`history_sentence` names as making ``cond`` more likely, so that a sentence after it
    need not list them again."""
    return [f.name for f in bearing_on(intake, cond)[0][:4]]


def history_sentence(intake: IntakeRecord, cond: Condition, *, entry: bool = False) -> str:
    """What in the story bears on ``cond``: "In the history given, what makes a clot more likely:
    an oestrogen-containing pill and a long journey; what argues against it, without excluding it:
    a normal oxygen level.", then any caveat a fact carries for it (a negative fluid test and
    mesothelioma); '' when nothing does. ``entry``: worded for the condition's own differential
    entry ("From the history, what makes X more likely: ..."), so that it does not repeat the
    answer's sentence."""
    raising, lowering = bearing_on(intake, cond)
    # The entry names the condition too: two entries with the same facts (asbestosis and
    # mesothelioma after household asbestos exposure) must not say the same sentence.
    subject = cond.name
    parts = []
    if raising:
        named = questions.join_names([f.name for f in raising[:4]])
        parts.append(f"what makes {subject} more likely: {named}")
    if lowering:
        against = "it" if parts else cond.name
        named = questions.join_names([f.name for f in lowering[:3]])
        parts.append(f"what argues against {against}, without excluding it: {named}")
    severe = [f for f in found_factors(intake) if cond.key in f.factor.worsens]
    if severe:
        which = "it" if parts else cond.name
        named = questions.join_names([f.name for f in severe[:3]])
        parts.append(f"what can make {which} more severe, rather than more likely: {named}")
    caveats = [(f.factor, t) for f in found_factors(intake) for key, t in f.factor.caveat if key == cond.key]
    lead = "From the history, " if entry else "In the history given, "
    text = lead + "; ".join(parts) + "." if parts else ""
    if caveats and not entry:
        said = caveats[0][1]
        text = (text + " " + said[0].upper() + said[1:] + ".").strip()
    elif caveats:
        # A test's caveat ("a normal X-ray can miss ...") or one about the patient's own background.
        which = "As for the tests so far: " if caveats[0][0].negative else "With that background: "
        text = (text + " " + which + caveats[0][1] + ".").strip()
    return text
