"""Where the patient is being cared for, and whom to tell in an emergency there.

"Call emergency services now" is the right advice at home and the wrong one on a hospital ward or
for a 97-year-old in a nursing home with a DNACPR decision who wants to stay there: read drafts
gave it to an inpatient on IV antibiotics, to a woman twelve days after hip surgery and to that
resident. The warning signs stay the same; whom to tell follows the setting the intake describes.
"""

from __future__ import annotations

import re
from typing import Literal

from assistant.intake import IntakeRecord

Setting = Literal["hospital", "care_plan", ""]

#: An inpatient now: a ward, intensive care, nil by mouth, a drip ("was in hospital last year" is not).
_HOSPITAL = re.compile(
    r"\b(?:in-?patient|(?:rehab(?:ilitation)?|stroke|medical|surgical|respiratory|cardiac|children'?s|"
    r"paediatric|pediatric|geriatric|elderly care) ward|on (?:the|a) ward|"
    r"(?:is|are|still|currently|now|has been|have been|been|stays?|staying) (?:in|on) (?:the |a )?"
    r"(?:hospital|ward|icu|itu|intensive care|hdu|high dependency)"
    r"(?! (?:computer|system|notes|records|files?|scan|before|once|twice))|"
    r"(?:in|on) (?:the )?(?:icu|itu|intensive care unit|picu|nicu|special care baby unit|scbu) (?:now|still)|"
    # not nil by mouth for good, fed by a tube at home ("Nil by mouth except tastes; PEG-fed": a read draft
    # told a woman at home with a tracheostomy to tell the ward)
    r"nil by mouth(?![^.]{0,40}\b(?:except|peg|gastrostomy|tube[- ]fed|long[- ]term|for years))|"
    r"(?:on|given|having) (?:iv|intravenous|the drip) (?:antibiotics?|fluids|drip)|"
    # "put her on IV Unasyn ... talking about discharge", "from my hospital bed" (read
    # drafts sent two inpatients, one on day 4 after bowel surgery, "to A&E"; not "the registrar said", a
    # doctor seen before)
    r"(?:on|given|having|started on|put (?:her|him|me) on) (?:iv|intravenous) [a-z-]+|"
    # "before her discharge", not a history's "off oxygen before discharge" (a read draft told the parents
    # of a 3-year-old at home, born at 27 weeks, to "tell the nurse or doctor on the ward")
    r"(?:talking about|planning|plan for|ready for|waiting for) (?:her |his |my |their )?discharge|"
    r"before (?:her|his|my|their) discharge|"
    r"hospital bed|the (?:ward nurse|night nurse)|"
    r"on (?:\d+|one|two|three|four|five|six) (?:litres?|liters?|l) of oxygen now|"
    # "day 6 after left hip hemiarthroplasty" (a read draft told the daughter of a woman on the ward to call
    # emergency services)
    r"post-?op(?:erative)? day|day \d+ (?:after|post|since) (?:the |her |his |my )?(?:[\w-]+ ){0,3}?"
    r"(?:surgery|operation|op|replacement|arthroplasty|hemiarthroplasty|fixation|repair|\w+ectomy)\b|"
    r"in hospital (?:since|now|at the moment|currently|still)|"
    # "went home ... so back in, now they say pneumonia" (a read draft sent an 88-year-old on the ward to A&E)
    r"(?:(?<=\bso )|(?<=\band )|(?<=\bis )|(?<=\bshe's )|(?<=\bhe's )|(?<=\bshes )|(?<=\bhes ))"
    r"back in(?=\s*(?:[,;]|now\b|again\b))|"
    # "now she is on oxygen by the nose", "antibiotic in the vein", "one doctor on the round" (a read
    # draft sent a daughter's mother, an inpatient on oxygen, "to A&E")
    r"(?:now|still|currently) (?:she |he |i |they )?(?:is |am |are )?on oxygen|on oxygen (?:by|through|via) |"
    r"antibiotics? (?:in|into|through) (?:the|a) (?:vein|drip)|"
    # "put her on a drip of antibiotics", "co-amoxiclav via drip (in hospital)" (a read draft sent the family
    # of a care-home resident now on the ward to her GP and care home)
    r"(?:put|started) (?:her |him |me |them )?on (?:a|the) drip|a drip of (?:antibiotics?|fluids)|"
    r"(?:via|by|through) (?:a |the )?drip|\(in hospital\)|"
    r"(?:doctors?|consultants?) on the (?:ward )?rounds?|"
    # "what happens after she goes home?", "he's on nasal oxygen now", "keeps trying to pull his drip out"
    # (read drafts told the family of a woman on the ward with pneumonia, and of a man confused on day 3
    # after a hip operation, to call emergency services)
    r"(?:after|when|before|once|until) (?:she|he|i|they|mum|dad|my \w+) "
    r"(?:goes|go|gets?|comes?|is sent|can go) "
    r"home|on (?:nasal |high[- ]flow |mask |face-?mask )?oxygen now|"
    r"pull\w* (?:out )?(?:his|her|their|the|my) (?:drip|cannula|line|catheter|oxygen)|"
    r"(?:they|the (?:hospital|ward|team|doctors)) (?:are|is) (?:keeping|monitoring) (?:him|her|them|me))\b",
    re.I,
)
#: A do-not-resuscitate decision, in its usual words.
_DNACPR_WORDS = r"dnacpr|dnar|dnr|do not (?:attempt )?(?:cardio\w* )?resuscitat\w*"
#: A written plan, made with the care team, as against a wish said to family ("she hates hospital").
_FORMAL_PLAN = re.compile(
    rf"\b(?:{_DNACPR_WORDS}|palliative|end of life|"
    r"comfort care|ceiling of care|treatment escalation plan|advance (?:care plan|decision|directive)|"
    r"respect form)\b",
    re.I,
)
#: A wish not to go to hospital.
_WISH = re.compile(
    r"\b(?:avoid (?:going (?:in)?to |being in |admission to )?hospital|"
    r"(?:does not|doesn'?t|do not|don'?t|not) (?:want|wish) to (?:go (?:in)?to|be in|be admitted to) "
    r"hospital|hates? (?:going (?:in)?to |being in )?hospitals?)\b",
    re.I,
)
#: A care plan that limits hospital treatment, or a wish to avoid hospital.
_LIMITS = re.compile(f"{_FORMAL_PLAN.pattern}|{_WISH.pattern}", re.I)
_CARE_HOME = re.compile(r"\b(?:nursing home|care home|residential home|hospice)\b", re.I)
#: The writer's own work there ("I work as a carer in a nursing home", "worked on a ward with TB
#: patients") or a past stay ("I was in hospital for 8 days", "never been in hospital").
_NOT_NOW = re.compile(
    # "my patients on the ward": the writer works there (a nurse with latent TB was told to "tell the nurse or
    # doctor on the ward")
    r"(?:\bmy (?:patients|colleagues|shift|residents)\s+$|"
    r"\b(?:work\w*|job|employed|(?:staff|student|charge|ward|agency|bank) nurse|"
    r"(?:i am|i'm|im|as) (?:a |an )?(?:\w+ ){0,2}(?:nurse|carer|care assistant|healthcare "
    r"assistant|hca|doctor|porter|physio\w*))\b[^.;!?\n]{0,50}|"
    r"\b(?:was|were|had been|never|not)\s+(?:\w+\s+)?|"
    # "last year they gave antibiotic in the vein": a past stay
    r"\b(?:last (?:year|month|winter|summer|time)|(?:weeks|months|years) ago|in (?:19|20)\d\d|previously)\b"
    r"[^.;!?\n]{0,40}|"
    # "a man from our coach trip messaged that he is in hospital": someone else in the story
    # "the lady in the next bed to me on the ward has got lung scarring" (a read draft told a woman discharged
    # seven months before to ask the ward team)
    r"\b(?:a (?:man|woman|lady|guy|friend|colleague|neighbour|neighbor)|"
    r"the (?:man|woman|lady|guy|gentleman|girl|boy|chap|bloke)|someone|somebody|another (?:\w+ )?"
    r"(?:man|woman|guest|passenger|traveller|patient)|fellow \w+|(?:his|her|my|our) (?:friend|colleague|"
    r"neighbour|neighbor|workmate)s?)\b[^.;!?\n]{0,60}|"
    # "two other delegates are in hospital" (a read draft told a man at home to tell the ward)
    r"\b(?:two|three|four|five|several|some|many|other|\d+)\s+(?:other\s+)?(?:[a-z]+\s+)?(?:delegates|guests|"
    r"people|passengers|travell?ers|colleagues|attendees|members|players|workers|friends|others)\b[^.;!?\n]{0,60}|"
    # "Healthcare assistant on a medical ward.": the writer's job, said as a title
    r"(?:\A|[.!?\n])\s*(?:nurse|carer|care assistant|healthcare assistant|hca|porter|cleaner|"
    r"physio\w*|midwife|paramedic|"
    r"domestic|housekeeper|volunteer)s?\b[^.;!?\n]{0,20}|"
    # "offered me either a tube ... or staying in hospital for a drain": a choice offered, not where he is (a
    # read draft told a 90-year-old at home to tell the ward)
    r"\b(?:offered|offer|either|or|rather than|instead of|than)\s+)$",
    re.I,
)
_THEIRS = re.compile(r"\b(?:her|his|their|mum's|dad's)\s+$", re.I)


def _story(intake: IntakeRecord) -> str:
    """Everything the intake says about where the patient is."""
    return "\n".join(
        [intake.reason_for_second_opinion, intake.history, intake.main_question, intake.symptom_text]
    )


#: A plan said not to exist ("we have no ReSPECT form or plan", "no advance care plan").
_NO_PLAN = re.compile(
    r"\b(?:no|not|without|never|haven'?t|have not|hasn'?t|has not|don'?t have|doesn'?t have)\s+"
    r"(?:(?:got|made|signed|done|filled|had|yet|a|an|any|the)\s+){0,3}$",
    re.I,
)


#: A stay dated in the past, said just after it ("the patient on the ward last year").
_DATED_PAST = re.compile(
    # not "since last year" or "for the last year", which run to now
    r"^[^.;!?\n]{0,12}?\b(?<!since )(?<!the )(?:last (?:year|month|winter|summer|spring|autumn|time)|"
    r"(?:\d+|a|one|two|three|four|five|six|several|a few) (?:weeks?|months?|years?) ago)\b",
    re.I,
)


#: Whom the patient met there, asked before, not where they are: "When I asked the doctor on the ward he
#: said it was probably a coincidence" (a read draft told a woman discharged three weeks before to tell
#: the nurse on the ward now); "The nurse on the ward said she is better" is an inpatient's news.
_STAFF_BEFORE = re.compile(
    r"\b(?:asked|told|spoke to|speaking to|saw|talked to)\s+(?:\w+\s+){0,2}"
    r"(?:doctors?|nurses?|registrar|consultant|staff|team|physio\w*|sister)\s+$",
    re.I,
)


_WAS_THERE = re.compile(r"\b(?:was|were|had been)\s+(?:on|in)\s+(?:the\s+|a\s+)?$", re.I)


_PAST_EPISODES = re.compile(
    r"\b(?:each|every) time\b|\b(?:previous|earlier|past|prior|last) (?:admissions?|presentations?|episodes?|"
    r"stays?)\b|\b(?:three|two|four|several|multiple|\d) (?:presentations|admissions|episodes)\b",
    re.I,
)


def _now(pattern: re.Pattern[str], text: str) -> bool:
    for match in pattern.finditer(text):
        before = text[: match.start()]
        if _DATED_PAST.search(text[match.end() :]):
            continue
        if match.group(0).lower().startswith("on ") and _STAFF_BEFORE.search(before[-45:]):
            continue
        # "he was on the stroke ward for five weeks": a stay told in the past (a read draft told the wife of a
        # man at home to tell the ward)
        if _WAS_THERE.search(before[-30:]):
            continue
        # "Treated each time as pneumonia (amoxicillin; ...; inpatient IV co-amoxiclav)": earlier episodes (a
        # read draft told a farmer at home to tell the ward)
        start = max(before.rfind(c) for c in ".!?\n") + 1
        end = min((i for i in (text.find(c, match.end()) for c in ".!?\n") if i >= 0), default=len(text))
        if _PAST_EPISODES.search(text[start:end]):
            continue
        if _THEIRS.search(before) or not _NOT_NOW.search(before):
            return True
    return False


def _plan_now(pattern: re.Pattern[str], text: str) -> bool:
    """Whether ``text`` tells of a plan or wish now: not one said not to exist, nor one a question asks
    about ("what is a ReSPECT / DNR form and should we have one?": a read draft told the family of a man
    with no plan that his team "will act in line with the care plan")."""
    for match in pattern.finditer(text):
        before = text[: match.start()]
        start = max(before.rfind(c) for c in ".!?\n") + 1
        end = min((i for i in (text.find(c, match.end()) for c in ".!?\n") if i >= 0), default=len(text))
        if _NO_PLAN.search(before[start:]) or text[end : end + 1] == "?":
            continue
        if _THEIRS.search(before) or not _NOT_NOW.search(before):
            return True
    return False


def care_setting(intake: IntakeRecord) -> Setting:
    """``hospital`` for an inpatient now (whose ward acts on any care plan), ``care_plan`` for a plan
    limiting hospital care (a DNACPR decision, palliative care, a wish to avoid hospital) or a care
    home or hospice resident, else "" (at home, or not said)."""
    story = _story(intake)
    # An inpatient's ward acts on any care plan, so the ward is whom to tell.
    if in_hospital(intake):
        return "hospital"
    if _plan_now(_LIMITS, story):
        return "care_plan"
    if _now(_CARE_HOME, story):
        return "care_plan"
    return ""


#: Home again after the stay ("I came home on day 6"), unless back in since: a read draft told a man at home
#: nine days after bowel surgery to "tell the nurse on the ward", from "a temperature on day 2 after surgery".
_DISCHARGED = re.compile(
    r"\b(?:came|come|got|went|gone|sent(?: (?:me|her|him|them|us))?|let (?:me|her|him|them) go) "
    r"(?:back )?home\b"
    r"(?! (?:from school|from work))|"
    r"(?<!be )(?<!being )(?<!get )(?<!getting )\bdischarged\b|\bhome (?:now|since)\b|"
    r"\b(?:she|he|i|they)(?:'?s| is| am|'m| are|'re) (?:back )?home\b|\bat home now\b",
    re.I,
)
#: Not a readmission told as past, dated or with its length ("readmitted at 7 months with RSV, 5 days": a
#: read draft told parents of a baby at home on oxygen to "tell the nurse or doctor on the ward").
_READMITTED = re.compile(
    # "went home ... 2 days later was breathless and muddled so back in, now they say pneumonia" (a read draft
    # sent an 88-year-old on the ward's oxygen to A&E)
    r"\b(?:re-?admitted|admitted again|back (?:in|into) (?:hospital|the ward)|still in hospital|"
    r"back in(?=\s*(?:[,;]|now\b|again\b)))\b"
    r"(?!\s+(?:at|in|last|for|twice|once|when|aged?)\b|[^.;]{0,40}\b\d+ (?:days?|nights?|weeks?)\b)",
    re.I,
)


#: A question whether to be in hospital, not a fact of the story: "Should he be back in hospital now?" (a read
#: draft told the family of a 95-year-old sent home from A&E to "tell the nurse or doctor on the ward"); "what
#: happens after she goes home?" still says she is in.
_QUESTION = re.compile(
    r"\b(?:should|could|would|will|can|does|do|must|need)\b[^.!?\n]{0,30}\b(?:be|go|stay|get)\s+(?:back\s+)?"
    r"(?:in|into|to)\s+(?:the\s+)?hospital\b[^.!?\n]*\?",
    re.I,
)


def in_hospital(intake: IntakeRecord) -> bool:
    """Whether the intake describes an inpatient now, whatever care plan they have."""
    story = _QUESTION.sub(" ", _story(intake))
    told = f"{intake.diagnosis_in_question}\n{story}"
    if _DISCHARGED.search(told) and not _READMITTED.search(told):
        return False
    return _now(_HOSPITAL, story)


#: Whom to tell, by setting (a verb phrase; "at once" or "now" follows).
_WHOM = {
    "hospital": "tell the nurse or doctor on the ward",
    "care_plan": "contact the GP, the out-of-hours service or the care team",
    "": "call emergency services",
}
_DNACPR = re.compile(rf"\b(?:{_DNACPR_WORDS}|resus\w*)\b", re.I)
#: What the care team acts on, said where a plan limits hospital care.
_CARE_PLAN_NOTE = ", who will act in line with the care plan"


def act_now(intake: IntakeRecord) -> str:
    """What to do at once when the warning signs appear, for the patient's setting (a verb phrase)."""
    setting = care_setting(intake)
    if setting == "care_plan":
        # what the plan holds, as the intake tells it: a read draft added "a wish to avoid hospital" for a
        # family who wanted their mother treated, and let a DNACPR decision read as no treatment at all
        said = [
            *(
                [
                    "a DNACPR decision is about resuscitation only, not about other treatment"
                    if _DNACPR.search(_story(intake))
                    else "a care plan limits only the treatments it names"
                ]
                if formal_plan(intake)
                else []
            ),
            *(["the wish to avoid hospital is weighed with them"] if wish_to_avoid_hospital(intake) else []),
        ]
        return f"{_WHOM[setting]} now{_CARE_PLAN_NOTE}" + (f" ({'; '.join(said)})" if said else "")
    return f"{_WHOM[setting]} now{_CARE_PLAN_NOTE if _plan_on_ward(intake, setting) else ''}"


def wish_to_avoid_hospital(intake: IntakeRecord) -> bool:
    """Whether the intake says the patient does not want to go to hospital."""
    return _plan_now(_WISH, _story(intake))


def formal_plan(intake: IntakeRecord) -> bool:
    """Whether the intake describes a written plan made with the care team (a DNACPR decision, palliative
    care, a treatment escalation plan), not only a wish to avoid hospital."""
    return _plan_now(_FORMAL_PLAN, _story(intake))


def _plan_on_ward(intake: IntakeRecord, setting: Setting) -> bool:
    """An inpatient with a care plan that limits treatment: the ward acts in line with it."""
    story = _story(intake)
    return setting == "hospital" and _plan_now(_LIMITS, story)


#: Warning signs in plain words, for adults and for young children (under 12).
ADULT_SIGNS = (
    "Severe breathlessness, chest pain that does not go away, coughing up more than a few streaks of "
    "blood, new confusion or blue lips"
)
CHILD_SIGNS = (
    "For a young child, breathing that is very fast or hard work (the skin sucking in between or under "
    "the ribs, grunting), pauses in breathing, blue or grey lips, being floppy, very drowsy or hard to "
    "wake, a fit, or not drinking (or a baby taking less than half the usual feeds) with far fewer wet "
    "nappies or wees"
)


#: A school-age child's warning signs (5 to 11): read drafts gave an 8-year-old after an asthma attack a
#: baby's feeds and nappies, and a 14-year-old with dizziness at rugby an adult's list.
SCHOOL_CHILD_SIGNS = (
    "For a child, breathing that is very fast or hard work (the skin sucking in between the ribs, too "
    "breathless to talk or eat), a reliever inhaler, if one is used, that does not help or is needed more "
    "often than every 4 hours, blue or grey lips, being very drowsy or hard to wake, a fit, chest pain or "
    "fainting (above all during exercise), or not drinking with far fewer wees"
)


#: A young person's (12 to 15): read drafts told the parents of a 13-year-old who had fainted at football
#: and of a 14-year-old swimmer to watch for "far fewer wees".
TEEN_SIGNS = (
    "For a young person, breathlessness that makes it hard to speak in full sentences, a reliever inhaler, "
    "if one is used, that does not help or is needed more often than every 4 hours, blue or grey lips, "
    "being very drowsy or hard to wake, a fit, chest pain or fainting (above all during exercise), or not "
    "being able to keep fluids down"
)


def warning_sentence(intake: IntakeRecord, *, young_child: bool) -> str:
    """The warning signs and whom to tell at once, for the patient's age and setting."""
    age = -1 if intake.age is None else intake.age
    school_age = 5 <= age < 16
    child_signs = CHILD_SIGNS if young_child else ADULT_SIGNS
    signs = TEEN_SIGNS if 12 <= age < 16 else SCHOOL_CHILD_SIGNS if school_age else child_signs
    setting = care_setting(intake)
    whom = _WHOM[setting]
    if not setting and (young_child or school_age):
        whom += " or go to A&E"
    note = _CARE_PLAN_NOTE if setting == "care_plan" or _plan_on_ward(intake, setting) else ""
    return f"{signs} are reasons to {whom} at once{note}."


#: Places and words that put the patient outside the UK and Ireland, where "A&E" and "the GP" are not
#: the words people use (read drafts sent families in Houston, Ohio, Manila and Sydney "to A&E" and
#: named England's two-week pathway as theirs).
_ABROAD = re.compile(
    r"\b(?:usa|u\.s\.a?\.?|united states|america|american|texas|houston|dallas|austin|ohio|california|"
    r"los angeles|san francisco|new york|nyc|florida|miami|chicago|illinois|boston|seattle|atlanta|"
    r"arizona|phoenix|denver|colorado|michigan|detroit|pennsylvania|philadelphia|georgia|carolina|"
    r"virginia|minnesota|wisconsin|oregon|portland|nevada|las vegas|new jersey|tennessee|kentucky|"
    r"canada|canadian|ontario|toronto|quebec|montreal|vancouver|british columbia|alberta|calgary|"
    r"edmonton|ottawa|winnipeg|manitoba|nova scotia|australia|australian|sydney|melbourne|brisbane|"
    r"perth|adelaide|queensland|victoria|new zealand|auckland|wellington|christchurch|india|indian|"
    r"mumbai|delhi|bangalore|bengaluru|chennai|kolkata|hyderabad|pune|kerala|philippines|filipino|"
    r"manila|cebu|singapore|malaysia|kuala lumpur|hong kong|nigeria|lagos|abuja|kenya|nairobi|"
    r"south africa|johannesburg|cape town|pakistan|karachi|lahore|dubai|germany|france|spain|italy|"
    r"netherlands|belgium|portugal|brazil|mexico|lyon|paris|berlin|madrid|rome|amsterdam|"
    r"emergency room|the er|urgent care clinic|pediatrician|medicare|medicaid|insurance)\b",
    re.I,
)
_UK = re.compile(
    r"\b(?:uk|united kingdom|england|english|britain|british|scotland|scottish|wales|welsh|ireland|irish|"
    r"northern ireland|london|manchester|birmingham|leeds|liverpool|glasgow|edinburgh|cardiff|belfast|"
    r"dublin|cork|nhs|a ?& ?e|111|999)\b",
    re.I,
)


#: Where the patient lives, said outright: "Lives in Perth, Western Australia".
_LIVES_IN = re.compile(r"\b(?:lives?|living|based|resident|home is) in ([^.;\n]{2,60})", re.I)


def outside_uk(intake: IntakeRecord) -> bool:
    """Whether the story places the patient outside the UK and Ireland: where they live when the history
    says so (a flight "London-Dubai-Perth" of a woman who lives in Perth kept her in the UK), else a place
    or word from elsewhere and none from there ("moved from Lagos to London" stays in the UK)."""
    lives = _LIVES_IN.search(intake.history)
    if lives and (_ABROAD.search(lives.group(1)) or _UK.search(lives.group(1))):
        return not _UK.search(lives.group(1))
    text = "\n".join(
        [intake.reason_for_second_opinion, intake.main_question, intake.history, intake.prior_imaging]
    )
    return bool(_ABROAD.search(text)) and not _UK.search(text)


_LOCAL_WORDS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r" \(in England, a specialist appointment within about two weeks\)"), ""),
    # UK referral thresholds told to patients elsewhere (read drafts gave a family in Ohio "in UK guidance
    # an NT-proBNP above 2,000 ng/L means ... within two weeks")
    (re.compile(r"; in UK guidance [^;.]*"), ""),
    (re.compile(r",? and UK guidance advises [^;.]*"), ""),
    (re.compile(r"\bgo to A&E\b"), "go to the emergency department"),
    (re.compile(r"\bGo to A&E\b"), "Go to the emergency department"),
    (re.compile(r"\bA&E\b"), "the emergency department"),
    (re.compile(r"\bthe GP\b"), "the family doctor"),
    (re.compile(r"\ba GP\b"), "a family doctor"),
    (re.compile(r"\bGP\b"), "family doctor"),
)


def localised(text: str) -> str:
    """``text`` in words used outside the UK: the emergency department for A&E, the family doctor for
    the GP, without England's two-week pathway or UK referral thresholds named as the patient's own."""
    for pattern, words in _LOCAL_WORDS:
        text = pattern.sub(words, text)
    return text.replace("the the emergency department", "the emergency department")
