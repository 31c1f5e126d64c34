"""The story weighed for a condition: which reported symptoms are among those that point to it, what in
the history bears on it, and whether the story as a whole leans towards it or away from it.

Used by the answer on the diagnosis, the could-it-be answers and the answers on tests, so that a
test asked about is tied to what in the story it would settle.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from assistant.drafting import questions
from assistant.drafting.conditions import Condition, conditions_in, only_denied
from assistant.drafting.guardrails import PriorityAssessment
from assistant.drafting.medicines import treats_a_clot
from assistant.drafting.risk_factors import Found, bearing_on, history_sentence
from assistant.drafting.same_day import same_day_signs
from assistant.intake import IntakeRecord

#: Where each reported symptom's name appears in a condition's "what points to it" text.
SYMPTOM_IN_SUPPORTS: dict[str, str] = {
    "coughing blood": r"coughing blood|blood in",
    "a cough with coloured phlegm": r"phlegm",
    "phlegm": r"phlegm",
    "coughing fits": r"bouts of (?:intense )?cough|coughing (?:fits?|bouts?)|fits of coughing|paroxysm",
    "vomiting after coughing": r"vomiting after",
    # not a cough that only makes the pain worse, or a coughing fit that caused it ("worse breathing in,
    # coughing or moving", "a strong cough fit": a read draft said a cough "is also typical of a broken rib")
    "a cough": r"(?<!worse )(?<!worse on )(?<!worse with )(?<!breathing in, )(?<!breathing in or )"
    r"(?<!strong )cough(?!\w* fits?\b)",
    "fever": r"(?<!hay )(?<!glandular )(?<!scarlet )(?<!rheumatic )fever|high temperature",
    "fast breathing": r"fast breathing|breathing fast|fast or noisy breathing",
    "breathlessness": r"breathless",
    "chest pain": r"chest pain|pain",
    "chest tightness": r"tight",
    "wheeze": r"wheez",
    "noisy or difficult breathing in (stridor)": r"stridor|noise on breathing in|noisy breathing in|"
    r"difficulty breathing in",
    "throat tightness": r"throat tightness|throat (?:is |feels )?tight",
    "night sweats": r"night sweats",
    "bleeding from the back passage": r"back passage|rectal bleed",
    "weight loss": rf"weight loss{questions.NOT_A_TREATMENT}|losing weight",
    "weight gain": r"weight gain",
    "tiredness": r"tired",
    "a swollen calf": r"\bcal(?:f|ves)\b",
    "leg swelling": r"swollen (?:calf|leg|ankle)|swelling",
    "a hoarse voice": r"hoarse|voice",
    "shoulder pain": r"shoulder",
    "tingling": r"tingl|pins and needles",
    "flu-like aches": r"flu-?like|aches|aching",
    "joint pain": r"joint|arthritis",
    "calf or leg pain": r"\bcal(?:f|ves)\b|\blegs?\b",
    "fainting": r"faint",
    "feeling faint": r"faint|dizz",
    "confusion": r"confus",
    "palpitations": r"palpitation|racing|pounding|flutter|irregular heartbeat|fast heartbeat",
    "dizziness": r"dizz|light-?headed",
    "sweating": r"(?<!night )sweat",
    "shakiness": r"shak|tremor",
    "eating or feeding less": r"feeding|eating",
    "blue lips": r"blue",
    "tummy (abdominal) pain": r"tummy|abdominal|belly|stomach pain",
    "vomiting": r"(?<!after coughing )vomit",
    "diarrhoea": r"diarrh",
    "itching": r"itch",
    "a lump in the neck": r"(?:lump|gland|node)s? in the neck|neck (?:lump|gland)",
    "coughing or choking when eating or drinking": (
        r"(?:cough\w*|chok\w*) (?:when|while|on) (?:eating|drinking|swallowing)|swallow"
    ),
    "a choking episode": r"chok",
    "the chest drawing in with breaths": r"drawing in|sucking in|recession",
    "grunting": r"grunt",
    "pauses in breathing": r"pauses? in breathing|apno",
    "snoring": r"snor",
    "a runny or blocked nose": r"runny|blocked nose|snuff",
    "drowsiness": r"drows|sleepy",
}
_WITHOUT = re.compile(r"\b(?:without|no|not|rather than)\b[^,;]*", re.I)


def story_verdict(intake: IntakeRecord, dx: Condition, rivals: Sequence[Condition] = ()) -> list[str]:
    """The first diagnosis weighed on the story itself: which reported symptoms fit it, what in the
    history bears on it (with any caveat on the tests so far), and, when the story leans clearly one
    way, a plain sentence saying so. Read drafts answered "is it really TB?" with only the images'
    silence and the usual test, leaving the case for the diagnosis in the story unsaid.

    The lean is the story's, never a test's: "fits" needs three or more fitting symptoms and facts
    and nothing against it; "does not fit" needs two or more symptoms reported, none of them among
    the diagnosis's own signs, for a diagnosis whose signs are symptoms at all (not an incidental
    nodule)."""
    reported = questions.reported_symptoms(intake)
    own = fitting(dx, reported)
    out = []
    if established(intake, dx):
        # the settling test already done and positive: the story neither confirms nor unsettles it (read
        # drafts weighed a genetically proven cystic fibrosis against asthma, and a clot shown on a CT
        # angiogram against a pulled muscle, on the symptoms alone)
        return [
            f"The account reports a result of the kind that usually settles {dx.name} (the reviewing "
            "clinician checks the report itself), so the diagnosis rests on that result rather than on the "
            "symptoms."
        ]
    # "a cough fits pneumonia" says nothing (read drafts endorsed diagnoses on it): the fit is said when a
    # symptom less common than a cough fits, or three do.
    if own and (len(own) >= 3 or any(n not in _COMMON for n in own)):
        verb = "fits" if one_name(own) else "fit"
        out.append(f"On the story as told, {questions.join_names(own)} {verb} {dx.name}.")
    story = history_sentence(intake, dx)
    if story:
        out.append(story)
    lean = _lean(intake, dx)
    # An alternative the story also gives real weight (an inhaled toy part beside "asthma") is said in the
    # same breath: read drafts said "the story fits asthma well" of a toddler who had choked.
    # An urgent one first: read drafts named asthma beside viral wheeze and left out the inhaled nut the
    # differential raised for a toddler who had choked.
    rival = next(
        (c for c in sorted(rivals, key=lambda c: not c.urgent) if c != dx and story_weighs(intake, c, dx)),
        None,
    )
    # the first rival the story points to more than to the diagnosis, with what points there (weighed once)
    stronger = next(((c, p) for c in rivals if c != dx for p in [outweighs(intake, c, dx)] if p), None)
    if stronger is not None and stronger[0].refines == dx.key:
        # a kind of the diagnosis (atypical pneumonia in a pneumonia): which germ to test for, not a wrong
        # diagnosis
        out.append(
            f"Taken together, the story points to {stronger[0].name} in particular "
            f"({questions.join_names(stronger[1][:5])}), so a test for it is worth asking about promptly, "
            "since its treatment can differ."
        )
    elif stronger is not None:
        # an urgent one is assessed today, not "soon" (a read draft left angina at "look again soon"), and so
        # is any rival when the account already has signs for a same-day assessment (a baby's whooping cough
        # with pauses in breathing was to be looked at "soon" under an emergency heading)
        when = (
            "today, since it is usually assessed the same day"
            if stronger[0].urgent
            else "today, given the signs above that need a doctor today"
            if same_day_signs(intake)
            else "soon, with the test for it"
        )
        out.append(
            f"Taken together, the story points more to {stronger[0].name} than to {dx.name} "
            f"({questions.join_names(stronger[1][:5])}), which is a reason for the "
            f"treating doctor to look at the diagnosis again {when}."
        )
    elif lean == "for" and rival is not None and rival.urgent:
        out.append(
            f"The story fits {dx.name}, but it also gives {rival.name} real weight, which is usually "
            "assessed the same day; it is discussed below with the test that settles it."
        )
    elif lean == "for" and rival is not None:
        out.append(
            f"The story fits {dx.name}, but it also gives {rival.name} real weight, so the tests, not the "
            "story, decide between them."
        )
    elif lean == "for":
        out.append(
            f"Taken together, the story fits {dx.name} well; the tests above, not the story, are what "
            "confirm it."
        )
    elif rival is not None and rival.urgent:
        # an alternative assessed the same day that the story gives weight to is said in the answer on the
        # diagnosis, not only in the list of alternatives below it
        out.append(
            f"The story also gives {rival.name} real weight, which is usually assessed the same day; it is "
            "discussed below with the test that settles it."
        )
    elif lean == "against" and not own:
        out.append(
            f"None of the symptoms reported is among those typical of {dx.name}, which is a reason for the "
            "treating doctor to look at the diagnosis again, with the alternatives below in mind."
        )
    return out


def established(intake: IntakeRecord, cond: Condition | None) -> bool:
    """Whether the intake reports a result that establishes ``cond`` (its table's ``proof``: "the CT
    angiogram showed clots", "two copies of F508del", "the needle drew off pus")."""
    if cond is None or not cond.proof:
        return False
    return bool(
        cond.shown_in("\n".join([intake.prior_imaging, intake.reason_for_second_opinion, intake.history]))
    )


#: Clots a blood thinner already listed treats: a suspected one is no same-day question.
_TREATED_BY_THINNER = frozenset({"pulmonary_embolism", "deep_vein_thrombosis"})
_SEEN_ON_A_FILM = questions.SEEN_ON_A_FILM


def settled_already(intake: IntakeRecord, cond: Condition) -> bool:
    """Whether what the intake reports has already answered the same-day question about ``cond``: a
    report quoted that names it only to say it is absent ("no pneumothorax"), or a clot in someone already
    on a blood thinner. Read drafts told a teenager whose X-ray said "no pneumothorax" to be assessed the
    same day for a collapsed lung, and a woman on apixaban for her clot to be checked today for one in the
    leg."""
    if cond.key in _SEEN_ON_A_FILM and cond in only_denied(intake.prior_imaging):
        return True
    # "D-dimer <250 (negative)", "CTPA: no pulmonary embolism" in the story: the same-day question was asked
    # and answered (a read draft sent a student home from A&E with a panic attack back for a same-day review)
    if cond.reassured_in(questions.story_of(intake)):
        return True
    if cond.key in _TREATED_BY_THINNER:
        return treats_a_clot(intake.medications)
    return False


#: Alternatives whose table ``proof`` is a blood result of the patient's own, safe to say as shown: the proofs
#: written for a diagnosis read a relative's "smear-positive TB", a spirometry ratio that asthma shares, or a
#: "scan for clots" asked for, as shown (found comparing every draft before and after).
_SHOWN_BY_A_RESULT = frozenset({"overactive_thyroid"})


def shown_sentence(intake: IntakeRecord, cond: Condition, dx: Condition | None) -> str:
    """For an alternative the story's own results already show (its table's ``proof``: "TSH <0.01"), that
    they do, beside its settling test, or '' (a read draft weighed an overactive thyroid "against a normal
    thyroid blood test" for a man whose results showed one)."""
    if cond == dx or cond.key not in _SHOWN_BY_A_RESULT:
        return ""
    said = cond.shown_in("\n".join([intake.prior_imaging, intake.reason_for_second_opinion, intake.history]))
    if not said:
        return ""
    return (
        f"The account reports a result that already shows {cond.name}: {said}, which the reviewing clinician "
        "checks against the result itself; so the question is less whether it is there than what it adds to "
        "the picture and how it is treated."
    )


def reassured_sentence(intake: IntakeRecord, cond: Condition) -> str:
    """The reassuring result the story reports for ``cond`` (:attr:`Condition.disproof`), said beside its
    settling test, or ''."""
    said = cond.reassured_in(questions.story_of(intake))
    if not said:
        return ""
    return (
        f"The account reports {said} (the reviewing clinician checks the result itself), a reassuring result "
        f"that makes {cond.name} much less likely, weighed with how likely the doctors judged it beforehand."
    )


def story_weighs(intake: IntakeRecord, cond: Condition, dx: Condition | None) -> bool:
    """Whether the story gives the alternative ``cond`` real weight against the first diagnosis ``dx``
    (what :func:`alternative_lean` says as "Taken together, the story gives ... real weight")."""
    return _lean(intake, cond, shared_with=dx) == "for"


def outweighs(intake: IntakeRecord, cond: Condition, dx: Condition | None) -> list[str]:
    """What points to the alternative ``cond`` when the story leans clearly further towards it than to the
    first diagnosis ``dx``, else []: read drafts said only that the story gave heart failure "real weight"
    of a man told COPD who could not lie flat, woke gasping, had swollen legs and had gained weight.

    Only what tells the two apart counts on either side (symptoms both share, facts that raise both do
    not); the alternative needs three such points (a common symptom counting half), a telling symptom
    (not a cough or tiredness) among them, twice as many as the diagnosis's, and no fact against it."""
    if dx is None or dx == cond or established(intake, dx):
        return []
    reported = questions.reported_symptoms(intake)
    raising, lowering = bearing_on(intake, cond)
    if _against(lowering, cond):
        return []
    dx_raising, _ = bearing_on(intake, dx)
    shared_facts = {f.factor.key for f in raising} & {f.factor.key for f in dx_raising}
    own = [n for n in fitting(cond, reported) if n not in set(fitting(dx, reported))]
    theirs = [n for n in fitting(dx, reported) if n not in set(fitting(cond, reported))]
    points = list(dict.fromkeys(own + [f.name for f in raising if f.factor.key not in shared_facts]))
    against = _weight(theirs) + len([f for f in dx_raising if f.factor.key not in shared_facts])
    # a telling symptom at least: risk factors alone (blood pressure, diabetes) never outweigh a diagnosis
    # a fact that all but names the alternative (a witnessed choke and an inhaled object) weighs double
    weight = (
        _weight(own) + len(points) - len(set(own)) + sum(1 for f in raising if cond.key in f.factor.decisive)
    )
    telling = [n for n in own if n not in _WEAK]
    if telling and weight >= 3 and len(points) >= 2 * max(against, 1):
        return points
    return []


def alternative_lean(
    intake: IntakeRecord, cond: Condition, dx: Condition | None, said: Sequence[str] = ()
) -> str:
    """For an alternative, a plain sentence when the story leans clearly one way, or "": read drafts
    listed what points to and against each alternative without ever applying it to the patient.
    Symptoms the first diagnosis ``dx`` shares do not lean towards the alternative (a cough and
    phlegm fit COPD as well as bronchiectasis)."""
    if cond.too_young(questions.exact_age(intake)) and cond.under_age:
        return cond.under_age[0].upper() + cond.under_age[1:] + "."
    points = outweighs(intake, cond, dx)
    if points and dx is not None:
        # what the entry's history line just said is not listed again (read drafts said the same facts twice
        # in two sentences)
        new = [p for p in points if p not in said]
        if not new:
            listed = ", on the history above"
        else:
            above = ", with the history above" if len(new) < len(points) else ""
            listed = f": {questions.join_names(new[:5])}{above}"
        if cond.refines == dx.key:
            return (
                f"Taken together, the story points to {cond.name} in particular{listed}; so a test for it is "
                "worth asking about promptly, since its treatment can differ."
            )
        return (
            f"Taken together, the story points more to {cond.name} than to {dx.name}{listed}; so "
            f"{cond.name} is worth testing for promptly, and the diagnosis worth looking at again with the "
            "treating clinician."
        )
    lean = _lean(intake, cond, shared_with=dx)
    if lean == "for":
        return (
            f"Taken together, the story gives {cond.name} real weight, so it is worth testing for rather "
            "than setting aside."
        )
    # "lung scarring from my rheumatoid arthritis": the diagnosis itself names it (a read draft said nothing
    # in the story pointed to lung disease from rheumatoid arthritis)
    if lean == "against" and cond not in conditions_in(intake.diagnosis_in_question):
        return (
            f"Nothing in the story as told points to {cond.name}, which makes it less likely here, though "
            "only the tests can exclude it."
        )
    return ""


def _lean(intake: IntakeRecord, cond: Condition, shared_with: Condition | None = None) -> str:
    """'for': three or more reported symptoms and facts point to ``cond`` and nothing argues against it
    (a negative test whose caveat says it does not exclude ``cond`` does not count); 'against': two or
    more symptoms reported, none of them among its signs, no fact for it, for a condition whose signs
    are symptoms at all (not an incidental nodule); otherwise ''."""
    # a report quoted that rules it out ("No pleural effusion") leaves no weight to give it (a read draft gave
    # fluid "real weight" beside pleural plaques whose X-ray and CT both said there was none)
    if cond.key in _SEEN_ON_A_FILM and cond in only_denied(intake.prior_imaging):
        return ""
    reported = questions.reported_symptoms(intake)
    own = fitting(cond, reported)
    raising, lowering = bearing_on(intake, cond)
    # a condition assessed the same day is given weight on a symptom of it, not on risk factors alone (read
    # drafts sent a man with no chest pain for a same-day heart check on his blood pressure and diabetes)
    if cond.urgent and not own:
        pass
    elif shared_with is not None and shared_with != cond:
        # only what tells the two apart leans: two such symptoms or facts, not three of any kind
        shared = set(fitting(shared_with, own))
        telling = [n for n in own if n not in shared]
        # a telling symptom of its own (not a cough), a fact that all but names it, or two facts of the
        # patient's own story: a relative's illness and one fact (a parent's asthma and "worse at night")
        # gave asthma "real weight" beside croup in a 1-year-old. Not for a condition assessed the same day,
        # where weighing too much costs less than missing it.
        decisive = any(cond.key in f.factor.decisive for f in raising)
        own_facts = [f for f in raising if not f.factor.family]
        if (
            (set(telling) - _WEAK or decisive or cond.urgent or len(own_facts) >= 2)
            and len(telling) + len(raising) >= 2
            and not _against(lowering, cond)
        ):
            return "for"
    elif _weight(own) + len(raising) >= 3 and not _against(lowering, cond):
        return "for"
    if not own and not raising and len(reported) >= 2 and len(fitting(cond, list(SYMPTOM_IN_SUPPORTS))) >= 2:
        return "against"
    return ""


#: Symptoms so common in chest illness that on their own they lean towards nothing.
_COMMON = frozenset({"a cough", "phlegm", "breathlessness", "tiredness", "fever", "chest pain"})


#: Symptoms too unspecific to tip the story towards an alternative on their own, even when the diagnosis
#: does not list them (tiredness beside a lung mass is no case for TB).
_WEAK = frozenset({"a cough", "phlegm", "tiredness"})


def _weight(symptoms: Sequence[str]) -> float:
    """How far fitting symptoms lean: a common one (a cough, fever) half as far as a telling one."""
    return sum(0.5 if n in _COMMON else 1.0 for n in symptoms)


def _against(lowering: Sequence[Found], cond: Condition) -> list[Found]:
    """The facts against ``cond`` that count: not a negative test whose caveat says it does not exclude it."""
    caveated = {f.factor.key for f in lowering if any(k == cond.key for k, _ in f.factor.caveat)}
    return [f for f in lowering if f.factor.key not in caveated]


def pointing_to(intake: IntakeRecord, cond: Condition) -> list[str]:
    """What in the story points to ``cond``: the reported symptoms among its signs, then the facts of the
    history that make it more likely, by name."""
    own = fitting(cond, questions.reported_symptoms(intake))
    raising, _ = bearing_on(intake, cond)
    # each once: a choking fit both reported as a symptom and found as a fact of the history was named twice
    # ("with a cough, a choking episode and a choking episode in the story")
    return list(dict.fromkeys([*own, *(f.name for f in raising)]))


def fitting(cond: Condition, names: Sequence[str]) -> list[str]:
    """Those of the symptom ``names`` that are among what points to ``cond``."""
    # both the adult and the young child's signs ("usually without a barking cough" points away from it)
    said = _WITHOUT.sub("", f"{cond.supports}; {cond.supports_young}")
    return [n for n in names if re.search(SYMPTOM_IN_SUPPORTS[n], said, re.I)]


def one_name(names: Sequence[str]) -> bool:
    """Whether symptom names take a singular verb: one name, not a plural ("night sweats are")."""
    return len(names) == 1 and not re.search(r"(?<!s)s$", names[0].split(" (")[0])


#: Symptoms that can make a triage sign urgent, by the plain names :mod:`questions` gives them.
_WARNING_NAMES = (
    "pauses in breathing",
    "blue lips",
    "the chest drawing in with breaths",
    "grunting",
    "fast breathing",
    "breathlessness",
    "drowsiness",
    "confusion",
    "fainting",
    "feeling faint",
    "coughing blood",
    "a choking episode",
    "chest pain",
    "fever",
    "eating or feeding less",
)


def story_signs(priority: PriorityAssessment) -> list[str]:
    """The urgent signs named by what the story says: the triage's label with the symptoms that raised it
    ("possible sepsis (fever, fast breathing and eating or feeding less)"), or, for breathing, the symptoms
    alone (a choking fit is "a choking episode", not "severe difficulty breathing"). Read
    drafts opened with "possible sepsis" for a recovering child and "severe difficulty breathing" for a
    toddler who had choked, naming no trigger."""
    out = []
    for sign in priority.signs:
        category, text = priority.found_in.get(sign, ("", ""))
        said = questions.asserted_symptom_names(text) if text else []
        names = [n for n in _WARNING_NAMES if n in said]
        if not names:
            out.append(sign)
        elif category == "respiratory":
            # the breathing signs themselves ("pauses in breathing"), not the rule's "severe difficulty"
            out.append(questions.join_names(names))
        else:
            out.append(f"{sign} ({questions.join_names(names)})")
    return list(dict.fromkeys(out))
