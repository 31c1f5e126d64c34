"""Turn the patient's questions and story into typed sub-questions and structured facts.

Rules, not the language model: the main question, the reason for the second opinion and
the symptom text are scanned for what the patient wants to know (is the diagnosis
right, could it be something else, what do the images show, what about treatment, what
next) and for the conditions they name. The results are restated in the third person;
the patient's own sentences never enter the draft.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from functools import lru_cache
from typing import Any

from assistant.drafting.conditions import (
    DENIED_BEFORE,
    OTHER_ORGANS,
    VAGUE_TERMS,
    Condition,
    companions,
    condition,
    conditions_in,
    correct_spelling,
    denied_conditions,
    denied_in_list,
    diagnosis_family,
    explained_by_brackets,
    main_condition,
    mention_starts,
    only_denied,
    risked_conditions,
)
from assistant.drafting.guardrails import AGO, RESOLVED
from assistant.drafting.medicines import GROUPS, listed_medicine, side_effect_notes
from assistant.drafting.schemas import SubQuestion
from assistant.drafting.sources import presumes_unreported
from assistant.drafting.topics import (
    ADVICE_ONLY,
    CARE_PLANS,
    Topic,
    medicine_name,
    prescribed,
    relative_at_risk,
    topic,
    topics_in,
)
from assistant.drafting.untrusted import untrusted_intake_texts
from assistant.intake import IntakeRecord

_IMAGES = re.compile(
    r"\b(x-?rays?|xrays?|scans?|ct|images?|films?|pictures?|shadows?|show|showed|shows)\b", re.I
)
#: What earlier images show, asked without an upload: "what does the X-ray show?", "what do the words in my CT
#: report mean?", "the scan showed a shadow, is that bad?".
_IMAGES_ASKED = re.compile(
    r"\bwhat (?:does|did|do|is|was|are|were) (?:the |my |his |her |their |this |that |these )?(?:\w+ ){0,3}"
    r"(?:x-?rays?|xrays?|scans?|ct|images?|films?|reports?|radiograph\w*)\b[^?.]{0,40}\b(?:show|mean|say)\w*|"
    r"\b(?:x-?rays?|xrays?|scans?|ct|films?|images?) (?:show|showed|shows|found|said|says)\b|"
    # "is it normal for the X-ray to still show a white patch?"
    r"\b(?:x-?rays?|xrays?|scans?|ct|films?) (?:to|would|will|should) still "
    r"(?:show|shows|showing|has|have)\b|"
    r"\bwhat (?:\w+ ){0,4}(?:x-?rays?|xrays?|scans?|ct|images?|films?) (?:show|showed|shows)\b|"
    # "what do ground glass nodule and emphysema mean on my scan?", "what do 'consolidation' and 'effusion'
    # actually mean in my report?", "can they even tell the difference on the CT scan?" (new cases' questions
    # about their own report went unlisted)
    r"\bwhat (?:does|do|is|are) [^?.]{1,60}\bmean\w* (?:on|in|from) (?:the |my |his |her |their |this )?"
    r"(?:\w+ )?(?:x-?rays?|xrays?|scans?|ct|images?|films?|reports?)\b|"
    r"\b(?:can|could|do|did) (?:you|they|the doctors?|anyone|(?:the )?radiologists?) "
    r"(?:even |actually |really )?(?:tell|see|spot)\w* [^?.]{0,30}\bon (?:the |my |his |her |their )"
    r"(?:ct |chest )?(?:x-?rays?|xrays?|scans?|ct|films?)\b",
    re.I,
)
_TREATMENT = re.compile(
    r"\b(antibiotics?|medicines?|medications?|treatments?|treated|drugs?|tablets?|pills?|inhalers?|"
    r"steroids?|doses?|prescri\w+|amoxicillin|doxycycline|azithromycin|clarithromycin|surgery|"
    r"operations?|operate|chemo\w*|radiotherapy|immunotherapy|"
    # "do I need the infusions he has?" (alpha-1 augmentation), "does he need the bone infusion?" (new cases'
    # treatment questions went unlisted)
    r"infusions?|augmentation|"
    r"blood thinners?|anticoagula\w+|stay on|keep taking|stop taking|"
    # "should she keep using the Ventolin?" (a new case's question went unlisted)
    r"keep (?:on )?using|stop using|carry on (?:using|taking)|"
    # "do I really have to take the colchicine", "does she need to stay on it", "can she get Trikafta"
    # (not "when do I need to take her straight back in?")
    r"(?:have|has|need|needs) to (?:take(?! (?:him|her|them|me|us|the baby|my \w+|our \w+)\b)|keep taking|"
    r"stay on|be on|use|carry on)|"
    r"(?:can|could|will|should) (?:i|he|she|we|they) (?:get|have|be given|be put on|go on|try) "
    r"(?:the |a |an )?(?:new |newer )?(?:modulators?|trikafta|kaftrio|orkambi|symkevi|kalydeco|"
    r"biologics?|injections?|vaccines?|jabs?|nebuli[sz]ers?|oxygen)|"
    # "would the biologic injection be right for me?", "is this treatment safe for him?"
    r"(?:would|will|is|are|could) (?:the |a |an |this |that |these |those )?"
    r"(?!(?:it|this|that|they|you|we|i|he|she)\b)"
    r"(?!(?:[\w-]+ )?(?:x-?rays?|scans?|ct|mri|tests?|biops\w*|bronchoscop\w*|echo\w*|appointments?|"
    r"plan|time|school|nursery|job|work|diet|exercise|sports?|gym|swim\w*|running|football|rugby|dancing|"
    r"driving|flights?|flying|travel|holiday|walking|trip)\b)"
    r"[\w-]+(?: [\w-]+)? (?:be )?(?:right|safe|suitable|appropriate|an option) for (?:me|him|her|them|us)|"
    # "what can I take for the pain", "better pain relief"
    r"(?:what|which|anything) (?:else )?(?:can|could|should|do) (?:i|he|she|we|they) take|pain ?relief|"
    r"painkillers?|"
    # "should she start hydroxyurea", "why did she need blood", "why not just take it out"
    r"(?:should|can|could|must|do|does) (?:i|he|she|we|they) (?:start|stop|come off|be on|take)\b"
    r"(?! (?:a |an |the )?"
    r"(?:time|time off|days? off|breaks?|rests?|care|part|photos?|pictures?|it easy)\b)"
    # "should I take her to A&E?" is no medicine; "should she stop her injections?" is (a new case's question
    # went unlisted)
    r"(?! (?:him|her|them)\b(?! (?:\w+ )?(?:injections?|tablets?|pills?|medicines?|medications?|meds|"
    r"inhalers?|treatment|drugs?|infusions?)\b))|"
    r"(?:blood )?transfusions?|need(?:ed|s)? (?:a )?blood\b(?! tests?)|"
    r"(?:take|cut) (?:it|them|this|that) out|remov(?:e|ing) (?:it|them|this|that)|"
    # "why didn't they put a drain in", "shouldn't they have put a tube in": a treatment not given
    r"put (?:in )?an? (?:chest )?(?:drain|tube)|an? (?:chest )?(?:drain|tube) (?:put )?in|"
    # "Was sending me home without a drain the right call?" (a new case's question went unlisted)
    r"(?:home|discharged|sent away) without (?:an? |any )?(?:chest )?"
    r"(?:drain|tube|antibiotics?|treatment|oxygen)|"
    # "would a feeding tube stop this happening", "would oxygen at home help"
    # "would taking her tonsils out fix it?" (an operation asked about as the treatment)
    r"(?:tak\w+|hav\w+|get\w*) (?:her|his|their|my|the) (?:tonsils|adenoids)(?: and adenoids)? out|"
    r"tonsillectomy|adenotonsillectomy|"
    # "should I go in the chamber anyway?", "is better the machine with two pressures", "machine for life?",
    # "why CPAP not help me" (new cases' treatment questions went unlisted)
    r"(?:hyperbaric |decompression |recompression )?chamber|recompression|hyperbaric|"
    r"(?:the |a |this |that )?(?:breathing )?machine\b(?! (?:at the|in the) (?:hospital|gp|surgery|clinic))|"
    r"bi-?pap|bi-?level|\bniv\b|non-?invasive ventilation|(?:night|cpap|breathing) mask|"
    r"cpap\b[^.?!]{0,20}\b(?:help\w*|work\w*|not)\b|"
    # "is there anything that will stop the cough?", "what can be done about the cough?": relief of a
    # symptom (a new case's question went unlisted)
    r"(?:anything|something) (?:that |which )?(?:will |would |can |could |might |to )?"
    r"(?:stop|ease|settle|calm|"
    r"relieve|soothe|quieten|help(?: with)?) (?:the |his |her |my |this |that |their )?"
    r"(?:cough\w*|pain|breathless\w*|wheez\w*|symptoms?|phlegm)|"
    r"what (?:can|could|should) (?:be done|i do|we do|he do|she do|they do) (?:about|for) "
    r"(?:the |his |her |my |this |that |their )?(?:cough\w*|pain|breathless\w*|wheez\w*|symptoms?|phlegm)|"
    r"feeding tube|peg tube|(?:would|will|could|does|do) (?:a |an |the )?"
    r"(?!(?:it|this|that|they|you|we|i|he|she)\b)[\w-]+(?: [\w-]+)? (?:help|stop|prevent) "
    r"(?:it|this|that|her|him|them))\b",
    re.I,
)
_NEXT = re.compile(
    r"\b(next|follow[- ]?up|another|repeat|more tests?|other tests?|biopsy|referr\w*|specialist|"
    r"what now|what should i do|do i need|should i (?:get|have|see|go)|worried|worry|"
    # "what happens now?", "what should we be doing now?", "should I ring the transplant unit now?", "should
    # he be sent to hospital for an X-ray?", "how do I get the CT?", "how do we get this looked at quicker?",
    # "is it urgent?" (new cases' next-step questions went unlisted)
    r"what happens now|what (?:should|must|do|can) (?:i|we|he|she|they) be doing|"
    # "should we get her flown out now or give the medicine more time?" (a child on a remote station)
    r"(?:flown|airlifted|evacuated|medevac\w*|retrieved) (?:out|to|in)\b|"
    r"give (?:it|the (?:\w+ )?(?:medicines?|antibiotics?|tablets?|treatment)) (?:a bit |"
    r"some )?more time\b|"
    r"should (?:i|we|he|she|they) (?:ring|call|phone|contact|tell|email) (?:the |my |his |her |their |our )|"
    r"(?:be )?sent (?:in)?to (?:the )?(?:hospital|a&e|the er|er)\b|"
    r"how (?:do|can|could|would|should) (?:i|we|he|she|they) get (?:the |a |an |my |his |her |this |it |him "
    r"|them )?(?:ct|scans?|x-?rays?|tests?|appointments?|referrals?|seen|looked at|checked|a doctor)|"
    r"looked at (?:sooner|quicker|faster|earlier)|(?:is|was) (?:it|this|that) urgent|"
    r"(?:do|does|will|would) (?:he|she|they|we|you|mum|dad|the baby) (?:still )?need|"
    r"(?:what|which) tests?|tests? (?:would|could|will|to)|happens next|how long will|"
    r"how long (?:does|do|until)|how soon|when (?:can|will|could) (?:i|he|she|they|we)|"
    r"(?:will|could) (?:it|this) (?:happen|come) (?:back|again)|(?:what|which) signs?|"
    r"watch (?:out )?for|look out for|go back in|how would (?:we|i|they) know|"
    r"should(?:n'?t| not)? they have|"
    # "what should we do now", "how do we stop it happening again", "when should I go back"
    r"what (?:should|do|can|must|shall) (?:i|we|he|she|they) do|next steps?|what now|"
    r"(?:stop|prevent) (?:it|this|that)(?: from)? (?:happening|coming back)|happen\w* again|"
    r"when (?:should|do|must) (?:i|we|he|she|they) (?:go back|come back|return|see|check)|"
    # "when should she be reviewed or tested properly?"
    r"when (?:should|will|would|can|could|do|does|must) (?:i|we|he|she|they) (?:\w+ )?(?:be )?"
    r"(?:reviewed|seen|tested|followed up|checked|re-?checked|re-?assessed)|"
    r"come back (?:to|and see)|go back to (?:the )?(?:gp|doctor|clinic|hospital)|"
    r"(?:take|bring) (?:him|her|them|the baby) back(?: in)?|"
    # "should the echo be sooner?", "can the scan be brought forward?"
    r"(?:be|been) (?:done |booked )?(?:sooner|earlier|quicker|brought forward|moved forward)|"
    # "when should the echo be?", "when will his scan happen?"
    r"when (?:should|will|would|can|could|is|does|do) (?:the |her |his |my |their |our |a |an )?(?:next )?"
    r"(?:echo\w*|scans?|ct|x-?rays?|tests?|appointments?|follow-?up|review|biopsy|bronchoscopy|referral|"
    r"check-?up)(?: (?:scan|test))? (?:be|happen|take place|get done|be done)|"
    # "what happens at the MDT?" (a read draft left the meeting unexplained)
    r"\bmdt\b|multi-?disciplinary|what happens (?:at|in|after) (?:the|my|his|her) (?:\w+ ){0,2}"
    r"(?:meeting|clinic|appointment|review)|"
    r"(?:wait|waiting) (?:\d+|six|so long|that long|weeks|months)|"
    # "who should she see?", "can my knee operation go ahead?" (new cases' next-step questions went unlisted)
    r"who (?:should|do|does|can|will|would|must) (?:i|we|he|she|they) (?:see|be referred to|ask)|"
    r"(?:operation|surgery|procedure|op)s? (?:still )?(?:go ahead|be done|happen)|"
    r"go ahead with (?:the|my|his|her|their) (?:\w+ )?(?:operation|surgery|procedure|op)|"
    # "what should happen now?", "who should check that?", "or the heart scan sooner?" (new cases' next-step
    # questions went unlisted)
    r"what (?:should|will|would|must|is going to) happen(?: now| next)?|"
    # "what should be done now?", "what needs to be done next?", "what's the plan now?" (a new case's
    # last question went unlisted)
    r"what (?:should|must|needs? to|has to|ought to) (?:now |next )?be done|"
    # "what else should be done?" (a new case's question went unlisted); not "what can be done about the
    # cough?"
    r"what else (?:should|must|needs? to|has to|ought to|can|could) be done|"
    r"what(?:'s| is) the (?:plan|next step)|"
    r"who (?:should|can|could|will|would|needs to) (?:check|look at|see|assess|test|review|examine) "
    r"(?:that|this|it|him|her|them|for)|"
    r"(?:scans?|echo\w*|tests?|x-?rays?|appointments?|referrals?|reviews?) (?:\w+ )?(?:sooner|earlier)|"
    # "how is it confirmed?", "anything to do in the meantime?", "should I be in hospital?", "does anyone need
    # telling about the hotel?", "which comes first, the lung or the hip?", "has anyone checked my old films?"
    # (new cases' next-step questions went unlisted)
    r"how (?:is|would|will|can|could) (?:it|this|that) (?:be )?"
    r"(?:confirmed|proven|proved|diagnosed|tested for)|"
    r"in the meantime|"
    r"should (?:i|he|she|they|we|mum|dad) (?:be|go|stay) in(?:to)? (?:the )?hospital|"
    r"(?:does|do|should|must) (?:anyone|anybody|someone|somebody) (?:need |be )?(?:telling|told|informed)|"
    r"which (?:one )?(?:comes|should come|goes|should go|is done) first|"
    r"(?:checked|compared|looked at|seen) (?:my |his |her |their |the )?(?:old|previous|earlier|past) "
    r"(?:films?|x-?rays?|scans?|images?)|"
    # "Should he be tested?", "should she get checked?" of the patient; "Should I agree to the PEG tube?",
    # "should we sign the ReSPECT form?" (a decision on what is proposed) (new cases' next-step questions
    # went unlisted)
    r"(?:should|could|can|will|would|must|do(?:es)?) (?:i|he|she|they|we|mum|dad|\w+) (?:\w+ )?"
    r"(?:be|get|getting) (?:tested|checked|swabbed|scanned|x-?rayed)|"
    r"(?:should|do|must|can|shall) (?:i|we|he|she|they|mum|dad) "
    r"(?:agree|consent|sign|say yes|say no|go along)\b|"
    r"whether (?:or not )?to (?:agree|consent|sign))\b",
    re.I,
)
#: "2.5 weeks" and "2-3 weeks" whole (read summaries gave "fever for about 5 weeks" for 2.5 weeks)
_DURATION = re.compile(
    r"\b((?:\d+(?:\.\d+)?(?:\s?(?:-|\u2013|to)\s?\d+(?:\.\d+)?)?|a|an|one|two|three|four|five|six|seven|eight|"
    r"nine|ten|a few|several)\s+"
    r"(?:hours?|days?|weeks?|months?|years?))\b",
    re.I,
)

#: What "faint" describes when it means slight, not a faint: a rash, a shadow, a sound, a smell.
_FAINT_AS_SLIGHT = (
    r"(?:rash\w*|spots?|blotch\w*|marks?|bruis\w*|patch\w*|lines?|shadow\w*|haz\w*|opacit\w*|wheez\w*|"
    r"crackl\w*|whistl\w*|rattl\w*|sounds?|noises?|murmurs?|smell\w*|tastes?|tinge|colou?r|pink\w*|red\w*|"
    r"streaks?|traces?|hope|memory|idea|glow)\b"
)


#: After "weight loss": the treatment for it, not the symptom ("weight loss surgery", "weight loss
#: injections"; a read summary listed weight loss for a woman whose consultant mentioned an operation for it).
NOT_A_TREATMENT = (
    r"(?! (?:surgery|operations?|injections?|jabs?|medicines?|drugs?|tablets?|clinic|programme|program|"
    r"service|referral|advice|plan|team))"
)


# Symptoms recognised in free text and how the draft names them.
_SYMPTOMS: tuple[tuple[str, str], ...] = (
    (
        # "coughed a little blood after the biopsy" (read as "a cough for about 2 days")
        r"cough\w*\s+(?:up\s+)?"
        r"(?:(?:a )?(?:little|bit of|tiny bit of|small amount of|some|specks? of|few streaks of)\s+)?"
        r"blood|haemoptysis|hemoptysis|"
        r"blood in (?:my |the |his |her )?(?:phlegm|sputum|spit)|"
        r"(?:blood|pink|red)[- ]?(?:streaked|stained|tinged|streaky) (?:phlegm|sputum|spit|mucus)|"
        r"(?:streaks?|specks?|flecks?) of blood|blood in (?:the |my |his |her )?spit|"
        # "blood streaks in morning sputum" (read as "phlegm for about 3 weeks" in a TB draft)
        r"blood[- ]?(?:streaks?|specks?|flecks?)\b|bloody (?:phlegm|sputum|spit|mucus)",
        "coughing blood",
    ),
    # A cough or choke when eating or drinking, a wet voice after meals: an unsafe swallow's signs,
    # not "a cough" (read drafts summarised months of choking on drinks as "a cough for 2 years").
    (
        r"(?:cough\w*|chok\w*|splutter\w*)(?: and (?:cough\w*|chok\w*|splutter\w*))?\s+"
        r"(?:when|while|on|after|with)\s+(?:eating|drinking|swallowing|meals|food|drinks?|feeds?)"
        r"(?:\s+and\s+\w+)?|"
        r"wet(?:,? gurgly)? voice|gurgly voice",
        "coughing or choking when eating or drinking",
    ),
    # "a sudden coughing and gagging fit while playing with small plastic beads"
    (
        r"chok(?:ed|ing)(?: fit| episode)?|choking fit|gagg(?:ed|ing) (?:fit|episode)|coughing and gagging",
        "a choking episode",
    ),
    # bouts of coughing with a gasp or vomiting after them: whooping cough's pattern (a read draft weighed
    # a 7-week-old's coughing fits, with a sister who whooped, as "a cough" fitting reflux)
    (
        r"cough\w* (?:fits?|bouts?|spasms?|attacks?)|(?:fits?|bouts?|spasms?) of coughing|coughs and coughs|"
        r"can'?t (?:get|catch) (?:a|his|her|their|my) breath(?: in)?",
        "coughing fits",
    ),
    (
        r"(?:sick|vomit\w*|throw\w* up|sicks? up)\s+after (?:a |the |each )?(?:cough\w*|fits?|bouts?)|"
        r"cough\w* (?:until|till|so hard) (?:(?:he|she|i|they)(?:'s| is| are| am)? )?"
        r"(?:sick|vomit\w*|throw\w* up)|"
        r"(?:gasps?|whoops?) (?:or|and|then) (?:(?:he|she)(?:'s| is) )?sick|post-?tussive vomiting",
        "vomiting after coughing",
    ),
    (r"(?:yellow|green|brown)\s+(?:phlegm|sputum|mucus)", "a cough with coloured phlegm"),
    (r"phlegm|sputum|mucus", "phlegm"),
    (r"(?<!when )(?<!on )(?<!if )(?<!or )cough\w*", "a cough"),
    # not a condition named for its fever: "valley fever", "hay fever", "glandular fever"
    (
        r"(?<!valley )(?<!hay )(?<!glandular )(?<!rheumatic )(?<!scarlet )(?<!typhoid )(?<!yellow )"
        r"(?<!dengue )(?<!q )(?<!lassa )fevers?|temperature|high temp|chills|shivering",
        "fever",
    ),
    # "fast grunty breathing", "breathing kind of fast"
    (r"(?:fast|rapid)(?: \w+)? breathing|breathing (?:\w+ ){0,2}(?:fast|quickly|faster)", "fast breathing"),
    (
        r"(?:tummy|chest|ribs?|skin) (?:is |was )?(?:sucking|pulling|drawing|caving) in|"
        r"sucking in (?:under|between) (?:the |his |her )?ribs|recession",
        "the chest drawing in with breaths",
    ),
    # its own sign of hard breathing in a child (a read summary called "fast grunty breathing" the chest
    # drawing in)
    (r"grunt\w*", "grunting"),
    (
        # "loud snoring with pauses and gasping at night" (a read draft of a 3-year-old said nothing in the
        # story pointed to sleep apnoea)
        r"pauses? in (?:his |her |their |the )?breathing|(?:stops?|stopped|stopping) breathing|apno?eas?|"
        r"snor\w*(?: \w+){0,2} (?:with|and|then) (?:long )?pauses\b",
        "pauses in breathing",
    ),
    (r"snor(?:e|es|ed|ing)\b", "snoring"),
    (r"runny nose|snuffl\w*|sneez\w*|blocked nose|stuffy nose", "a runny or blocked nose"),
    (r"drows\w*|(?:more )?sleepy|hard to wake", "drowsiness"),
    (
        # "can't get a full breath, winded on stairs" (a read summary left a man's breathlessness out)
        r"short(?:ness)? of breath|breathless\w*|can'?t breathe|hard to breathe|difficulty breathing|"
        r"out of breath|winded|puffed(?: out)?|(?:can'?t|cannot|couldn'?t) get a (?:full|deep|proper) breath",
        "breathlessness",
    ),
    (
        r"chest pain|pain in (?:my|the) chest|chest hurts|sharp pain|rib pain|pain (?:in|over|around) "
        r"(?:my|the|his|her) ribs?|pain (?:on |in )?(?:the )?(?:right|left) side of (?:my |the )?chest|"
        r"(?:right|left)[- ]sided chest pain|pleuritic pain|"
        # "sore spot left side of chest", "pain left side of ribs", "dull ache right side of chest"
        r"(?:pain|ache|aching|sore(?:ness)?|hurts?|tender(?:ness)?)\b[^.,;\n]{0,30}\b(?:chest|ribs?)",
        "chest pain",
    ),
    (r"tight(?:ness)? (?:in )?(?:my |the |his |her )?chest|chest tightness", "chest tightness"),
    (r"wheez\w*", "wheeze"),
    # A harsh noise on breathing in, from the voice box or windpipe (croup, vocal cord dysfunction, an inhaled
    # object); a read summary reduced "loud noisy breathing in" and "throat feels tight" to breathlessness.
    (
        r"stridor\w*|noisy breathing in|(?:noise|noisy|sound|whistl\w*|squeak\w*)\w* (?:when|on|as|while) "
        r"(?:(?:i|he|she|they|we) )?(?:breathes?|breathing) in\b|"
        r"breathing in (?:is |was )?(?:noisy|loud|harsh)|"
        # "squeaky noise breathing in"
        r"(?:noise|noisy|squeak\w*|whistl\w*) (?:\w+ )?breathing in\b|"
        r"(?:can'?t|cannot|couldn'?t) (?:get (?:any )?air|breathe) in\b",
        "noisy or difficult breathing in (stridor)",
    ),
    (
        r"throat (?:feels |felt |is |was |gets |got |going |goes )?(?:tight\w*|clos\w*)|tight throat|"
        r"tightness in (?:my |his |her |the )?throat",
        "throat tightness",
    ),
    (r"night sweats?|sweat\w* (?:at|in the|through the) night", "night sweats"),
    # "bit of blood from back passage now and then": a symptom of another illness the patient has, said so the
    # summary is whole (a read summary of a man with bowel cancer and a clot left it out)
    (
        r"(?:blood|bleed\w*) from (?:the |my |his |her )?(?:back passage|bottom|rectum|bowel)|"
        r"rectal bleed\w*|"
        r"blood in (?:the |my |his |her )?(?:poo|stools?)",
        "bleeding from the back passage",
    ),
    (
        rf"weight loss{NOT_A_TREATMENT}|lost weight|losing weight|"
        # "lost nearly a stone without trying" (a read summary left it out)
        r"lost (?:about |around |nearly |almost |over |more than |roughly )?"
        r"(?:\d+ ?(?:kg|kilos?|pounds|lbs?|stone)|"
        r"a stone|half a stone)",
        "weight loss",
    ),
    # "weight gain 3 kg", "put on weight": fluid building up in heart failure.
    # Not "poor weight gain" or "slow weight gain": a child not growing is the opposite.
    (
        r"(?<!poor )(?<!slow )(?<!little )(?<!no )weight gain|gained weight|gaining weight|"
        r"put on (?:\d+ ?kg|weight)",
        "weight gain",
    ),
    (r"tired\w*|fatigue|exhaust\w*", "tiredness"),
    # "painful swollen ankles both sides" is arthritis (Löfgren's), not the fluid of heart failure
    (
        r"(?:painful|sore|red|hot|tender|stiff|aching)(?:,? and| and)? (?:swollen )?"
        r"(?:ankles?|knees?|wrists?|joints?)|"
        r"(?:ankles?|knees?|wrists?|joints?) (?:are |were )?(?:painful|sore|red|hot|stiff)|"
        r"joint pains?|arthritis",
        "joint pain",
    ),
    # "slightly swollen left calf": a leg vein clot's sign on one side (a read summary gave "calf or leg
    # pain")
    (
        r"(?<!painful )(?<!sore )(?<!red )(?<!hot )(?<!tender )(?<!stiff )swollen (?:left |right )?"
        r"(?:calf|calves)|"
        r"(?:left |right )?calf (?:is |was |looks |looked )?(?:slightly |a bit |a little |more )?swollen|"
        r"(?:left |right )calf swelling",
        "a swollen calf",
    ),
    (
        r"(?<!painful )(?<!sore )(?<!red )(?<!hot )(?<!tender )(?<!stiff )swollen (?:leg|calf|ankle)s?|"
        r"(?:leg|calf|ankle) swelling",
        "leg swelling",
    ),
    # Symptoms a read summary left out: a new hoarse voice beside a hilar shadow, a shoulder ache beside a
    # mass at the top of the lung, tingling fingers in breathing attacks, evening aches and shivers after
    # pigeon lofts or welding.
    (
        r"hoarse\w*|(?:croaky|husky) voice|(?:lost|losing) (?:my |his |her |their )?voice",
        "a hoarse voice",
    ),
    (
        r"(?:shoulder|shoulder blade) (?:pain|ache|aching|hurts?)|"
        r"(?:pain|ache|aching) (?:in|round|around) (?:the |my |his |her |their )?"
        r"(?:(?:left|right) )?shoulder",
        "shoulder pain",
    ),
    (r"tingl\w*|pins and needles", "tingling"),
    (
        r"flu-?like (?:feeling|illness|symptoms|aches)|aches and (?:shivers|chills|pains)|aching all over|"
        r"achy all over|body aches",
        "flu-like aches",
    ),
    # "mild left calf ache", "pain in my right leg": a leg vein clot's sign, not to be dropped.
    (
        r"(?:calf|calves|leg|thigh)\s+(?:pain|ached?|aching|aches|tender\w*|sore\w*|hurts?|hurting)|"
        r"(?:pain|ache|aching|tender\w*|sore\w*)\s+(?:in|behind|of)\s+(?:my |the |his |her |their )?"
        r"(?:(?:left|right) )?(?:calf|calves|leg|thigh)|"
        r"(?:achy|tight|tender|sore|painful) (?:(?:left|right) )?(?:calf|calves)",
        "calf or leg pain",
    ),
    # "a collapsed lung" is not a collapse: the lung words are another condition.
    # A near-faint is its own symptom (in aortic stenosis or a rhythm problem it matters as much).
    (r"(?:nearly |almost |near[- ])faint\w*|felt faint|feeling faint|feels faint", "feeling faint"),
    (
        r"(?<!nearly )(?<!almost )(?<!near[- ])(?<!felt )(?<!feeling )(?<!feels )faint\w*\b"
        # "a faint blotchy rash on her arms", "a faint shadow", "faint crackles": faint as in slight (a read
        # summary listed fainting, and a possible sepsis, for a girl with a faint rash)
        rf"(?!\s+(?:[a-z-]+\s+){{0,2}}{_FAINT_AS_SLIGHT})|pass(?:ed)? out|"
        # "twice I have blacked out going up the stairs" (a read summary left the blackouts out)
        r"black(?:ed|s|ing)? out|blackouts?|"
        r"(?<!lung )(?<!lung has )(?<!lung had )(?<!lung have )(?<!lungs have )(?<!lung has not )collaps\w*"
        # "the bottom of the lung has 'collapsed' (atelectasis)", "collapsed lower lobe": a lung's collapse (a
        # read summary listed fainting for a man who had not fainted)
        r"(?!\s+lungs?)(?!['\u2019\"]?\s*\(?atelectasis)(?!\s+(?:(?:left|right)\s+)?(?:lower|upper|middle|lobe|part|area|"
        r"segment|base|bottom)\b)",
        "fainting",
    ),
    (r"confus\w*", "confusion"),
    # A racing, fluttering or irregular heartbeat, a dizzy spell, sweats and a tremor: a rhythm
    # problem's or an overactive thyroid's symptoms, which the list had no names for.
    (
        r"palpitations?|(?:heart|pulse) (?:is |was |keeps |goes |went )?"
        r"(?:racing|pounding|fluttering|thumping|skipping|going (?:all over|too fast|crazy|mad)|"
        r"all over the place)|racing heart|"
        r"flutter(?:y|ing)? (?:spells?|feelings?|episodes?)|(?:fast|irregular|racing|pounding) heart ?beats?|"
        r"heart ?beats? (?:fast|irregular|racing)|skipped (?:heart ?)?beats?",
        "palpitations",
    ),
    (r"dizz\w*|light[- ]?headed\w*", "dizziness"),
    # "a sweat test" (for cystic fibrosis) is no sweating (a read summary listed sweating for a baby)
    (r"(?<!night )sweat(?:y|ing|s)?(?! at night)(?!\s+(?:test|chloride))|clammy", "sweating"),
    (r"shak(?:y|ing|iness)|tremor|trembl\w*", "shakiness"),
    # "feeding less", "not finishing her bottles", "off food": a child's sign of how unwell they are.
    (
        r"feeding (?:less|poorly|badly)|poor(?:ly)? feed\w*|not (?:feeding|eating|drinking|finishing)\b|"
        r"off (?:(?:his|her|their|my) )?(?:food|feeds?|milk|bottles?)|(?:eating|drinking) (?:less|little)|"
        r"half (?:of )?(?:(?:his|her|their|the) )?(?:normal |usual )?(?:feeds?|bottles?|milk)|"
        r"fewer wet nappies",
        "eating or feeding less",
    ),
    (
        r"blue lips|lips (?:turned|going) blue|"
        r"(?:blue|purple)(?:/(?:blue|purple))? (?:a)?round (?:the |his |her |my )?(?:lips|mouth)",
        "blue lips",
    ),
    # Symptoms outside the chest that a read summary left out of "Symptoms reported" (a 4-year-old's tummy
    # pain beside a lower-lobe pneumonia, a teenager's itch and neck lump beside a mass in the chest).
    (
        r"(?:tummy|stomach|belly|abdominal|abdomen) (?:pain|ache)s?|(?:tummy|stomach|belly)[- ]?ache|"
        r"pain (?:in|round|around) (?:the |his |her |my )?(?:tummy|belly|stomach|abdomen)|"
        r"(?:tummy|stomach|belly) (?:hurts|is sore|is painful)",
        "tummy (abdominal) pain",
    ),
    (
        r"(?<!after )(?:vomit\w*|being sick|been sick|throw\w* up)(?! after (?:a |the |each )?cough)",
        "vomiting",
    ),
    (r"diarrh\w*|loose (?:stools?|poos?)|watery poo\w*", "diarrhoea"),
    (
        r"(?<!eyes )(?<!nose )(?<!eyes are )(?<!nose is )itch\w*"
        r"(?!\s+(?:and watery |and runny |and red )?(?:eyes?|nose|throat|ears?))",
        "itching",
    ),
    (
        r"lump (?:in|on|above|at) (?:the |my |his |her )?(?:neck|collar ?bone)|neck lump|"
        r"(?:swollen|enlarged) (?:glands?|lymph nodes?) in (?:the |my |his |her )?neck",
        "a lump in the neck",
    ),
)
_SYMPTOM_PATTERNS = [(re.compile(r"\b(?:" + rx + r")\b", re.I), name) for rx, name in _SYMPTOMS]
_SUBSUMES = {
    "coughing fits": ("a cough",),
    "vomiting after coughing": ("vomiting",),
    "coughing or choking when eating or drinking": ("a cough", "a choking episode"),
    "a cough with coloured phlegm": ("phlegm", "a cough"),
    "coughing blood": ("a cough",),
    "night sweats": ("sweating",),
}


def story_of(intake: IntakeRecord) -> str:
    """The intake's own account: history, reason, earlier imaging reports and symptoms."""
    return "\n".join(
        [intake.history, intake.reason_for_second_opinion, intake.prior_imaging, intake.symptom_text]
    )


def text_of(intake: IntakeRecord) -> str:
    """What the patient wrote about the illness: the question, the reason and the symptoms."""
    return "\n".join([intake.main_question, intake.reason_for_second_opinion, intake.symptom_text])


def diagnosis_condition(intake: IntakeRecord) -> Condition | None:
    """The condition of the first diagnosis, when the table knows it (misspellings corrected)."""
    return main_condition(intake.diagnosis_in_question)


#: A heart word in the diagnosis; an operation on the heart is history, not the diagnosis's organ:
#: "chest-wall pain after heart surgery" leaves "could it be the heart?" an alternative asked.
_HEART = re.compile(
    r"\b(?:heart|cardiac)\b(?!\s*(?:bypass|surgery|operations?|transplant|valve (?:surgery|replacement)))",
    re.I,
)
#: Diagnoses that already put the problem in the heart: "my heart goes all over the place" after
#: "atrial fibrillation" is the diagnosis told in the patient's words, not a heart attack asked about.
_HEART_DIAGNOSES = frozenset(
    {
        "arrhythmia",
        "heart_failure",
        "cardiomyopathy",
        "valve_disease",
        "pericarditis",
        "pericardial_effusion",
        "myocarditis",
        "heart_attack",
        "endocarditis",
        "congenital_heart_disease",
        "scad",
    }
)


#: Relatives and other people a patient's story mentions (a regular-expression alternation).
PEOPLE = (
    # "Aunty had a clot in her leg" is the aunt's (a read summary gave a 16-year-old a past clot)
    r"mother|father|mum|mom|dad|parents?|brother|sister|aunt|aunty|auntie|uncle|cousin|nephew|niece|nan|nana|"
    r"gran|granny|grand\w+|step(?:mum|mom|dad|mother|father)|son|daughter|wife|"
    r"husband|partner|relative|friend|neighbour|neighbor|colleague|co-?workers?|workmates?|mates?|"
    # "Fellow traveller admitted to hospital with Legionnaires' disease" (a read summary listed it as the
    # patient's past condition)
    r"fellow \w+|travell?ers?|passengers?|guests?"
)


_VIRUS_WORD = re.compile(r"\b(?:virus|viral|a cold|the cold|flu)\b", re.I)


def _virus_only_as_cause(text: str) -> bool:
    """Every mention of a virus is the cause of something else ("something with my heart from the
    virus", "since the cold"): it names no viral infection as an alternative (the same reading of a
    cause as an activity's, :data:`_CAUSE_BEFORE`)."""
    hits = list(_VIRUS_WORD.finditer(text))
    return bool(hits) and all(_CAUSE_BEFORE.search(text[max(0, m.start() - 40) : m.start()]) for m in hits)


#: After a condition's name, what it did: "COVID have scarred", "the pneumonia left", "TB damaged".
#: Not across a sentence's end: "... and not asthma? What caused it ..." names asthma as the question, not as
#: a cause (a read draft left a woman's "is it really bronchiectasis and not asthma?" unanswered).
_DID = re.compile(
    r"^[^\w.?!;]*(?:\w+\s+){0,2}?(?:have |has |had )?"
    r"(?:scarr|damag|caus|left\b|leave\b|inflam|trigger|weaken|affect|harm)",
    re.I,
)


def _named_as_cause(cond: Condition, question: str) -> bool:
    """Whether every mention of ``cond`` in the question names it as the cause of something else."""
    spelt = correct_spelling(question)
    starts = mention_starts(cond, spelt)
    if not starts:
        return False
    for start in starts:
        if spelt[max(0, start - 5) : start].lower() == "long ":
            continue  # "Is this long COVID?" names long COVID, asked on its own
        end = re.match(r"[\w-]+(?:\s[\w-]+)?", spelt[start:])
        tail = spelt[start + (end.end() if end else 0) : start + 60]
        if not _DID.match(tail):
            return False
    return True


#: Before an organ or condition, a treatment's harm to it: "is the water tablet damaging her kidneys?".
_HARMED_BEFORE = re.compile(
    r"\b(?:damaging|damaged|damages|harming|harmed|harms|hurting|hurts|affecting|affects|bad for|safe for|"
    r"ok for|okay for|side[- ]effects? (?:on|for))"
    r"\s+(?:\w+\s+){0,2}$",
    re.I,
)


def _named_as_harmed(cond: Condition, question: str) -> bool:
    """Whether every mention of ``cond`` in the question is what a treatment may harm ("is the water tablet
    damaging her kidneys?" asks about the tablet, not whether the illness is kidney disease: a read draft
    weighed it as an alternative to heart failure)."""
    spelt = correct_spelling(question)
    starts = mention_starts(cond, spelt)
    return bool(starts) and all(_HARMED_BEFORE.search(spelt[max(0, s - 40) : s]) for s in starts)


def vague_asked_keys(intake: IntakeRecord) -> set[str]:
    """Every reading of a vague organ word in the question ("could it be my heart?"): whichever the
    story makes of it, it was asked about."""
    return {
        key
        for term in VAGUE_TERMS
        if re.search(term.pattern, intake.main_question, re.I)
        for key, _ in term.readings
    }


def named_alternatives(intake: IntakeRecord) -> list[Condition]:
    """Conditions the patient names in their question, reason or symptoms, except the diagnosis.

    A past episode is history, not an alternative ("an old scar from the pneumonia", "a bad
    pneumonia as a child"). Words that refer back to the diagnosis name no alternative: "the
    virus" or "it's viral" when the diagnosis is a viral illness (COVID-19, acute bronchitis),
    and "my heart" when the diagnosis itself already puts the problem in the heart ("fluid on
    the lung, maybe from the heart").
    """
    family = diagnosis_family(intake.diagnosis_in_question)
    vague = not _HEART.search(intake.diagnosis_in_question) and not any(
        c.key in _HEART_DIAGNOSES for c in family
    )
    child = intake.age is not None and intake.age < 18
    named = conditions_in(text_of(intake), fuzzy=True, vague=vague, history=False, child=child)
    # "Could it be asthma, I had it as a kid?": a question asking about it now names it, whatever past
    # episode the same sentence tells of.
    asked = asked_conditions(intake)
    text = text_of(intake)
    told = conditions_in(text, fuzzy=True, vague=False, history=True, child=child)
    named += [
        c
        for c in told
        if c not in named
        and c in asked
        and any(_COULD_IT_BE.search(text[max(0, s - 40) : s]) for s in mention_starts(c, text))
    ]
    # "Is it a COPD flare up or a collapsed lung?" of "COPD flare up, now xray says collapsed lung": a
    # question weighing the diagnosis against another condition its own text names asks about that one as an
    # alternative (a new case's question went unlisted) (read only when the question asks about the diagnosis
    # itself: the alternatives are read several times per draft, and most questions do not)
    asks_dx = bool(family) and family[0] in asked
    weighed = [c for c in companions(intake.diagnosis_in_question) if c in asked] if asks_dx else []
    found = [c for c in named if c not in family or c in weighed]
    # the lay words of "'floppy airway' (laryngomalacia)" name no alternative of their own
    explained = explained_by_brackets(intake.diagnosis_in_question)
    found = [
        c for c in found if c != explained or any(t.lower() in intake.main_question.lower() for t in c.terms)
    ]
    # A wheeze in a baby, or with bronchiolitis, is not asthma asked about: asthma is not diagnosed
    # under 2, and bronchiolitis wheezes. Only the word "asthma" itself names it then.
    baby = intake.age is not None and intake.age < 2
    if (baby or any(c.key == "bronchiolitis" for c in family)) and not _ASTHMA.search(text_of(intake)):
        found = [c for c in found if c.key != "asthma"]
    # Pauses in a baby's breathing are apnoeas, a danger sign of the illness (said as a same-day sign),
    # not obstructive sleep apnoea, unless the parent names sleep apnoea or snoring.
    if baby and not _SLEEP_APNOEA.search(text_of(intake)):
        found = [c for c in found if c.key != "sleep_apnoea"]
    # "Fibrotic interstitial lung disease" in the report of a patient told IPF names the family IPF belongs
    # to, not an alternative to it (a read draft weighed "interstitial lung disease instead of IPF")
    if any(c.key in _UNDER_ILD for c in family):
        found = [c for c in found if c.key != "ild"]
    # Choking on a nut or a toy part is an inhaled object (foreign body), not aspiration of food or drink,
    # unless the question asks about aspiration itself.
    if any(c.key == "foreign_body" for c in found + family) or _choked(intake):
        found = [c for c in found if c.key != "aspiration" or c in asked_conditions(intake)]
    if any(c.viral for c in family) or _virus_only_as_cause(text_of(intake)):
        found = [c for c in found if c.key != "viral_infection"]
    # Chest-wall pain in the symptom list is what a broken rib feels like, not an alternative to it,
    # unless the question or reason names it ("could it just be a pulled muscle?").
    if any(c.key in ("rib_fracture", "chest_wall_injury") for c in family):
        said = conditions_in(intake.main_question + "\n" + intake.reason_for_second_opinion, fuzzy=True)
        found = [c for c in found if c.key != "costochondritis" or c in said]
    # A condition the patient already has (known COPD, "my asthma") is the background of the
    # illness, not an alternative to it, unless a question asks whether it is the cause now.
    # "could it be my heart like my brother": the question's vague organ word is read with the whole
    # story's context, so any of its readings counts as asked in the question.
    vague_asked = vague_asked_keys(intake) if vague else set()
    known = known_conditions(intake)
    # Known heart failure and "could it be her heart instead?": whether it is the cause now is asked.
    # "Could COVID have scarred my lungs?" after COVID five months ago asks about what it left, not
    # whether the illness is COVID-19 instead.
    found = [
        c
        for c in found
        if c not in known
        or ((c in asked or c.key in vague_asked) and not _named_as_cause(c, intake.main_question))
    ]
    found = [c for c in found if not _named_as_harmed(c, intake.main_question)]
    # "His HIV test is negative", "they said it isn't cystic fibrosis": told as ruled out, no alternative
    # unless a question asks about it again
    ruled = told_ruled_out(intake)
    again = conditions_in(intake.main_question, fuzzy=True, vague=vague, history=False, child=child)
    found = [c for c in found if c not in ruled or c in asked or c in again]
    # A relative's illness told as part of the story ("my aunt had a DVT in her 40s") is family
    # history, not an alternative, unless the patient's own question names it.
    theirs = relatives_conditions(intake)
    in_question = conditions_in(intake.main_question, fuzzy=True, vague=vague, history=False, child=child)
    found = [c for c in found if c not in theirs or c in in_question or c in asked or c.key in vague_asked]
    found += [c for c in exposure_alternatives(intake) if c not in found and c not in family]
    found += [c for c in _plain_form_asked(intake, family) if c not in found]
    found += [c for c in bacterial_asked(intake) if c not in found]
    risks = risk_conditions(intake)
    # "no asthma, never had a chest infection": named only to be denied, never as a worry; "a stroke 5
    # weeks ago ... swallowing after the stroke": a past event, unless the question asks about it anew.
    denied = (
        only_denied(text_of(intake))
        + [c for c in found if c not in asked and _only_as_event(c, correct_spelling(text_of(intake)))]
        # "a CT of my chest after a car accident to check for broken ribs. Ribs were fine": what a test looked
        # for is no alternative unless a question asks about it
        + [
            c
            for c in found
            if c not in asked and c not in in_question and _only_tested_for(c, text_of(intake))
        ]
        # "No asthma or eczema" in the history: a wheeze does not name asthma unless a question asks it
        # ("No previous cardiac diagnosis" does not deny the heart failure "is it actually her heart?" asks)
        + [
            c
            for c in denied_conditions(intake.history)
            if c not in asked and c not in in_question and c.key not in vague_asked
        ]
    )
    found = [c for c in found if c not in risks and c not in denied]
    # "CT: No pleural effusion" of a man whose brother's mesothelioma "started with fluid on the lung": what a
    # quoted report rules out is no alternative unless a question asks about it
    ruled_out = [
        c
        for c in found
        if c.key in SEEN_ON_A_FILM
        and c in only_denied(intake.prior_imaging)
        and c not in asked
        and c not in in_question
    ]
    found = [c for c in found if c not in ruled_out]
    # "the X-ray showed a 'large mass'" of a child told of a mass in the middle of the chest, probably a
    # lymphoma: the same mass, no lung cancer beside it unless the question names one (a read draft weighed
    # a lung cancer once the lymphoma's own "mass" was no longer read as one)
    if any(c.key in ("mediastinal_mass", "lymphoma") for c in family):
        found = [
            c
            for c in found
            if c.key != "lung_cancer" or (c in in_question and c not in only_denied(intake.main_question))
        ]
    return _cancer_after_clot(found, family, text_of(intake))


#: What a chest film's report rules out when it says so ("no pneumothorax", "no effusion"); not an inhaled
#: object or a clot, which a film cannot exclude.
SEEN_ON_A_FILM = frozenset({"pneumothorax", "pleural_effusion"})


#: "Could it be ...", said just before a condition's name: asked as a possibility now.
_COULD_IT_BE = re.compile(
    r"\b(?:could|might|may|can) (?:it|this|that|she|he|i|they) (?:just |really |actually |also )?"
    # "or can it be active TB?" after TB treated at 16 (a new case's question went unlisted)
    r"(?:be|have) (?:an? |the |some )?(?:active |real |true |proper |full[- ]blown |current )?$",
    re.I,
)


#: Diagnoses that are each a kind of interstitial lung disease.
_UNDER_ILD = frozenset(
    {
        "ipf",
        "pulmonary_fibrosis",
        "connective_tissue_ild",
        "hypersensitivity_pneumonitis",
        "asbestosis",
        "silicosis",
        "organising_pneumonia",
        "drug_induced_lung",
        "sarcoidosis",
    }
)


#: A plain form of the diagnosis's wider condition: "just an ordinary chest infection" after
#: "aspiration pneumonia", "a bacterial pneumonia too" after "COVID-19 pneumonia".
_PLAIN_FORM = re.compile(
    r"\b(?:ordinary|normal|regular|usual|typical|simple|common|plain|bacterial?|standard)\s+(?:\w+\s+)?$",
    re.I,
)


#: Diagnoses not treated with antibiotics, beside the viral ones: asking whether antibiotics are needed
#: after one of them asks whether a bacterial infection is there as well.
_NOT_ANTIBIOTIC = frozenset(
    {
        "asthma", "viral_wheeze", "pneumothorax", "pleurisy", "costochondritis", "atelectasis",
        "rib_fracture", "chest_wall_injury",
    }
)  # fmt: skip
_ANTIBIOTICS_ASKED = re.compile(r"\bantibiotic\w*|\bamoxicillin\b|\bamoxil\b", re.I)


def bacterial_asked(intake: IntakeRecord) -> list[Condition]:
    """Pneumonia, when a question asks about antibiotics after a diagnosis that is not treated with
    them (COVID-19, a virus, bronchiolitis, asthma, a collapsed lung): "should I be on antibiotics for
    the yellow phlegm?" asks whether a bacterial infection is present as well."""
    main = diagnosis_condition(intake)
    if main is None or not (main.viral or main.key in _NOT_ANTIBIOTIC):
        return []
    asks = any(
        _ANTIBIOTICS_ASKED.search(sentence) and sentence.rstrip().endswith("?")
        for sentence in _SENTENCE.split(intake.main_question)
    )
    return [condition("pneumonia")] if asks else []


def _plain_form_asked(intake: IntakeRecord, family: list[Condition]) -> list[Condition]:
    """Conditions inside the diagnosis's name that the question asks about in their plain form: the
    patient asks whether it is the ordinary illness rather than the particular one diagnosed."""
    main = diagnosis_condition(intake)
    text = intake.main_question
    return [
        c
        for c in family
        if c != main and any(_PLAIN_FORM.search(text[max(0, s - 30) : s]) for s in mention_starts(c, text))
    ]


#: A complication asked about as a risk ("is she at risk of pneumonia", "how do we stop him getting
#: a clot"): what might follow the illness, not another explanation of it.
_RISK_OF = re.compile(
    r"\b(?:risk|chance|danger|likel\w*) (?:of|for) (?:(?:getting|developing|having|a|an)\s+){0,2}$|"
    r"\bat risk (?:of|for) (?:(?:getting|developing|a|an)\s+){0,2}$|"
    r"\b(?:prevent|avoid|stop (?:her|him|them|me|us) (?:from )?(?:getting|developing)|"
    r"likely to (?:get|develop)|going to (?:get|develop)) (?:(?:a|an|any)\s+)?$|"
    # "will this give her asthma?", "could it turn into pneumonia?": a risk to come
    r"\b(?:give|gives|giving) (?:her|him|me|them|you|us) (?:(?:a|an|any)\s+)?$|"
    # ("could it be turning into pneumonia?", "is it turning into ...": happening now, what it might be)
    r"\b(?:turn|turns|(?<!\bbe )(?<!\bis )(?<!\bis it )(?<!'s )turning|develop|develops) into "
    r"(?:(?:a|an)\s+)?$|"
    r"\blead (?:on )?to (?:(?:a|an)\s+)?$|"
    # "later become mesothelioma?", "can it change into cancer?": what it might become, not what it is
    r"\b(?:become|becomes|becoming|change into|changes into) (?:(?:a|an)\s+)?$|"
    # "anxious about a delayed haemothorax", "patients go off with chest sepsis": a complication to come
    r"\bdelayed\s+$|\b(?:go|goes|going|went) off with (?:a |an )?(?:[\w-]+\s+)?$|"
    # "will he get asthma because of this?", "would she develop COPD later?": what may follow, not what it is
    # ("could I get a collapsed lung from these ribs?" stays a question of what it might be now)
    r"\b(?:will|would) (?:i|he|she|they|we|the baby) (?:ever |also |later |still )?"
    r"(?:get|develop|go on to (?:get|develop)) (?:(?:a|an|any)\s+)?$|"
    # the second of a list: "am I going to get lung cancer or mesothelioma?"
    r"\b(?:risk (?:of|for)|likely to (?:get|develop)|going to (?:get|develop)|will (?:i|he|she|they) "
    r"(?:get|develop)) (?:[\w'-]+\s+){1,3}(?:or|and)\s+(?:(?:a|an|any)\s+)?$",
    re.I,
)


#: The risk named after the condition: "safe for me with the pneumonia risk?" (a read draft weighed pneumonia
#: as what a woman's asthma-COPD overlap might be instead).
_RISK_AFTER = re.compile(r"[\w']+(?:[ -][\w']+){0,2}?[ -](?:risks?|dangers?)\b(?! factors?)", re.I)


def risk_conditions(intake: IntakeRecord) -> list[Condition]:
    """Conditions the question names only as a risk to come ("is she at risk of pneumonia"), never as
    what the illness might be instead."""
    out = []
    for cond in conditions_in(
        "\n".join([intake.main_question, intake.reason_for_second_opinion]), fuzzy=True
    ):
        # the question's own mentions decide when it names the condition ("Am I going to get lung cancer or
        # mesothelioma?" after a story of a workmate who died of mesothelioma)
        text = (
            intake.main_question
            if mention_starts(cond, intake.main_question)
            else intake.reason_for_second_opinion
        )
        starts = sorted(mention_starts(cond, text))
        risky: list[int] = []
        for s in starts:  # "lung cancer" and its "cancer" are one mention
            if (
                _RISK_OF.search(text[max(0, s - 45) : s])
                or _RISK_AFTER.match(text, s)
                or _benign_called_cancer(intake, cond, text[max(0, s - 40) : s])
                or (risky and s - risky[-1] <= 15)
            ):
                risky.append(s)
        if starts and len(risky) == len(starts):
            out.append(cond)
    return out


_CANCER_NAME = re.compile(r"\b(?:cancer|mesothelioma|tumou?r|malignan\w*)\b", re.I)
_NOT_A_CANCER = re.compile(r"\bnot (?:a )?cancer\b|\bnot turn into (?:a )?(?:cancer|one)\b", re.I)


def _benign_called_cancer(intake: IntakeRecord, cond: Condition, before: str) -> bool:
    """Whether a cancer is named as what the first diagnosis itself is ("Plaques is cancer?", "are the plaques
    cancer?") when that diagnosis's outlook says it is no cancer and does not become one: a question the
    outlook answers, read as the risk, not as another explanation of the illness (a read draft weighed lung
    cancer as what pleural plaques, already shown on CT, might be instead)."""
    dx = diagnosis_condition(intake)
    if dx is None or not _CANCER_NAME.search(cond.name) or not _NOT_A_CANCER.search(dx.outlook):
        return False
    words = {t.split()[-1].lower() for t in dx.terms if re.fullmatch(r"[a-z' -]+", t, re.I)}
    return any(
        re.search(
            rf"\b(?:is|are) (?:the |my |his |her |these |those |this )?{re.escape(w)}\s+$", before, re.I
        )
        or re.search(rf"\b{re.escape(w)} (?:is|are) (?:a |an )?$", before, re.I)
        for w in words
    )


#: An exposure asked about as a cause: "are the pigeons causing it", "could the mould have done this",
#: "does keeping budgies matter", "should I get rid of the birds".
_AS_A_CAUSE = re.compile(
    r"\b(?:caus\w*|behind|blame|responsible|problem|reason|trigger\w*|from|because|due to|done|did|doing|"
    r"matters?|making|made|could|might|linked|related|connected|affect\w*|harm\w*|bad for|get rid|"
    # "will I have to give up the pigeons?": whether they are to blame
    r"give (?:up|away)|rehome|"
    r"is it|are (?:they|the|these|those|my|our|his|her)|was it)\b",
    re.I,
)
_ASTHMA = re.compile(r"\basthma\w*", re.I)
_SLEEP_APNOEA = re.compile(r"\bsleep apno?ea|\bsnor\w*|\bosa\b", re.I)
#: Work itself asked about as a cause: "could my job be causing it?", "is it something at work?".
_WORK = re.compile(r"\b(?:(?:my|his|her|their|the) (?:work|job|workplace)|at work|(?:the )?bakery)\b", re.I)


#: A place asked about as the cause: "is it something on the farm?", "could it be something at work?"
_PLACE_AS_CAUSE = re.compile(
    r"\bsomething (?:on|at|in|from) (?:the |my |his |her |our )?"
    r"(?:farm|work|job|home|house|loft|barn|yard)\b",
    re.I,
)


#: Relatives named in the plural ("kids", "children", "grandchildren", "cousins").
_MANY = re.compile(r"(?:kids|children|grandchildren|grandkids|cousins|colleagues|flatmates|residents)$", re.I)


def _choked(intake: IntakeRecord) -> bool:
    """Whether a child's story tells of a choking episode, which all but names an inhaled object (the
    differential then raises it in its own right: see ``answers._raised_by_a_telling_fact``)."""
    said = "\n".join([intake.symptom_text, intake.reason_for_second_opinion])
    child = intake.age is not None and intake.age <= 15
    return child and "a choking episode" in asserted_symptom_names(said)


def exposure_alternatives(intake: IntakeRecord) -> list[Condition]:
    """What a question about birds or mould as a cause points to, as alternatives to weigh.

    Birds, feathers, mouldy hay, damp and mould breathed in again and again can cause
    hypersensitivity pneumonitis (bird fancier's or farmer's lung); mould in someone with asthma
    points first to allergic bronchopulmonary aspergillosis (ABPA). In someone with asthma, dust or
    fumes at work, or their work itself, asked about as a cause ("could it be the flour causing it?")
    points to work-related asthma. A statement ("I keep budgies") asks nothing; pets are answered as
    exposures only.
    """
    asthma = bool(_ASTHMA.search("\n".join([text_of(intake), intake.history, intake.diagnosis_in_question])))
    story = "\n".join([intake.reason_for_second_opinion, intake.history])
    main = _SENTENCE.split(intake.main_question)
    keys: list[str] = []
    for sentence in _question_texts(intake):
        if not sentence.rstrip().endswith("?") and sentence not in main:
            continue
        for clause in _clauses(sentence):
            said = {t.key for t in topics_in(clause, ["exposure"])}
            if not _AS_A_CAUSE.search(clause):
                continue
            # "is it something on the farm?": the place asked about, and what the story says is breathed in
            # there (a dairy farmer ill hours after shaking out mouldy bales was weighed for a virus only)
            if _PLACE_AS_CAUSE.search(clause):
                said |= {t.key for t in topics_in(story, ["exposure"])} & {"birds", "mould"}
            if asthma and (said & {"work_dust", "asthma_agents"} or _WORK.search(clause)):
                keys.append("occupational_asthma")
            if not said & {"birds", "mould"}:
                continue
            if "birds" in said or not asthma:
                keys.append("hypersensitivity_pneumonitis")
            if "mould" in said and asthma:
                keys.append("abpa")
    # dust asked about as a cause in a toddler is no work-related asthma (read drafts offered it)
    return [condition(k) for k in dict.fromkeys(keys) if not condition(k).too_young(exact_age(intake))]


#: A relative as the subject of what follows: "my aunt had", "his mum has", "grandmother was treated for".
_RELATIVE_SUBJECT = re.compile(
    rf"\b(?:my|his|her|our|their)\s+(?:\w+\s+)?(?:{PEOPLE})"
    r"\b(?:'s)?\s+(?:had|has|have|was|were|is|died|passed|got|suffered|suffers|lived)\b",
    re.I,
)


def relatives_conditions(intake: IntakeRecord) -> list[Condition]:
    """Conditions the reason and symptoms name only as a relative's ("my aunt had a DVT in her 40s")."""
    own: list[Condition] = []
    others: list[Condition] = []
    for text in (intake.reason_for_second_opinion, intake.symptom_text):
        for clause in _PIECES.split(text):
            m = _RELATIVE_SUBJECT.search(clause)
            head, tail = (clause[: m.start()], clause[m.start() :]) if m else (clause, "")
            own += conditions_in(head, fuzzy=True, history=False) if head.strip() else []
            others += conditions_in(tail, fuzzy=True, history=False) if tail.strip() else []
    return [c for c in dict.fromkeys(others) if c not in own]


#: A relative or someone else: a condition in their clause is not the patient's.
#: Someone else in a history ("two co-workers diagnosed with silicosis", "brothers with asthma").
#: "Family physician diagnosed chest infection" is the patient's doctor (a read summary gave a woman's own
#: chest infection to her family).
FAMILY_NOT_DOCTOR = r"family(?! (?:physician|doctor|doc|gp|practitioner|practice|medicine|clinic))"
_OTHERS = re.compile(rf"\b(?:(?:{PEOPLE}|contact)s?|{FAMILY_NOT_DOCTOR}|lived with)\b", re.I)
#: The patient's own condition, said as known: "I have COPD", "my asthma", "known asthma",
#: "diagnosed with COPD 12 years ago", "his Parkinson's".
_OWN_BEFORE = re.compile(
    r"\b(?:i|he|she|they) (?:have|has|had|'ve got|have got|has got|'ve had|have had|has had|suffer from|"
    r"suffers from|live with|lives with)"
    r"(?: (?:had|got|always had|had a bit of|a bit of|mild|severe|long[- ]standing|chronic|bad))*\s+$|"
    r"\b(?:my|his|her|their|known|existing|long[- ]standing|diagnosed with|diagnosis of|treated for|"
    r"on treatment for)\s+(?:(?:mild|severe|bad|chronic|long[- ]standing|known)\s+)?$",
    re.I,
)
#: Doubt: "I think I have pneumonia", "the GP says I probably have COPD" say what is suspected, not known.
_DOUBT = re.compile(
    r"\b(think|thought|might|may|maybe|perhaps|possibly|probably|could|wonder\w*|worried|worry|afraid|"
    r"scared|frightened|terrified|fear\w*|concern\w*|convinced|sure|if|whether|suspect\w*|unsure|query|\?)",
    re.I,
)
#: "Nobody has mentioned testing me for a genetic clotting disorder": a test for it, not the condition had (a
#: read draft took the clotting disorder for a co-diagnosis once "my family doctor" no longer read as family)
_TEST_FOR = r"\b(?:test(?:s|ed|ing)?|screen(?:ed|ing)?|check(?:ed|ing)?) (?:me |him |her |them |us )?for\b"
_TESTED_FOR = re.compile(_TEST_FOR, re.I)
#: ... said just before the condition ("to check for broken ribs", "tested for TB and").
_TESTED_FOR_BEFORE = re.compile(_TEST_FOR + r" (?:any |a |an |the |possible )?$", re.I)
#: ... and a test for it never done, in what the doctors said ("an X-ray to check for pneumonia" after
#: "they said bronchiolitis" is still what they weighed).
_NOT_TESTED_FOR = re.compile(r"\b(?:nobody|no one|never|not|\w+n't)\b[^.;]{0,40}?" + _TEST_FOR, re.I)
_PIECES = re.compile(r"[;.\n]|,\s+(?=[a-z])")


#: A piece that goes on about whoever the previous piece named: "husband a shipyard worker, died
#: 2015 from a lung problem" (the second piece is still the husband's).
_CONTINUES = re.compile(
    r"^\s*(?:and\s+)?(?:died|dying|was|were|had|has|passed|got|who|which|treated|diagnosed|developed|"
    r"suffered|then|later|now|also|under (?:investigation|assessment|review))\b|"
    # what a post mortem found is about the one who died ("my brother died suddenly aged 38, post mortem
    # said hypertrophic cardiomyopathy": a read summary made it the teenage patient's own condition)
    r"^\s*(?:the\s+)?(?:post[- ]?mortem|autopsy|cause of death|coroner)\b|"
    # a few words saying who the person is ("her brother, a fellow mine worker, died of mesothelioma")
    r"^\s*(?:a|an)\s+(?:[\w-]+\s*){1,4}$",
    re.I,
)


#: A sentence that denies a whole list: "Never had asthma, hay fever or eczema" (split at its commas, a read
#: summary listed hay fever among a woman's past conditions).
DENIED_LIST = re.compile(
    r"^\s*(?:no|never(?: had| been diagnosed with)?|not had|has not had|hasn'?t had|none of|denies|nor)\s+"
    r"[a-z' -]{1,40}(?:,\s+[a-z' -]{1,40}){0,6},?\s+(?:or|nor)\s+[a-z' -]{1,40}$",
    re.I,
)


#: A list's heading saying its items are not done or not back: "Not done:", "Pending:", "Awaiting:".
_LIST_HEADER = re.compile(
    r"^\s*(?:not (?:yet )?(?:done|performed|sent|checked|tested)|outstanding|pending|awaiting|"
    r"to (?:do|be done)|"
    r"planned|still to (?:do|come))\s*:",
    re.I,
)


def _top_level_pieces(sentence: str) -> list[str]:
    """A sentence split at its commas, except inside brackets: "husband smoked for decades (died 2019,
    heart attack)" is one piece about the husband (a read summary made the heart attack the patient's)."""
    if DENIED_LIST.match(sentence) or _LIST_HEADER.match(sentence):
        # "Never had asthma, hay fever or eczema": every item is denied; "Not done: Strongyloides serology,
        # stool microscopy, ..., Aspergillus-specific IgE": every item is still to do (a read summary listed
        # aspergillosis as a past condition)
        return [sentence]
    pieces = re.split(r",\s+(?=[a-z])", sentence)
    out: list[str] = []
    for piece in pieces:
        if out and out[-1].count("(") > out[-1].count(")"):
            out[-1] += ", " + piece
        else:
            out.append(piece)
    return out


def history_pieces(text: str, others: re.Pattern[str] = _OTHERS) -> list[tuple[str, bool]]:
    """The pieces of a history text, each with whether it is about someone else (a relative, a
    contact): a piece that names one, or that goes on about the one the previous piece named."""
    out: list[tuple[str, bool]] = []
    for sentence in re.split(r"[;.\n]", text):
        theirs = False
        for piece in _top_level_pieces(sentence):
            theirs = bool(others.search(piece)) or (theirs and bool(_CONTINUES.match(piece)))
            if piece.strip():
                out.append((piece, theirs))
    return out


#: Words saying a status or a result is not known ("not mentioned", "not recently tested", "unknown",
#: "never been checked"): one vocabulary for every reader of a history (the known conditions here, the
#: summary's history in :mod:`facts`, the risk factors in :mod:`risk_factors`).
NOT_KNOWN = (
    r"(?:not (?:recently |yet )?(?:been )?(?:mentioned|known|stated|recorded|documented|checked|tested|done|"
    r"shared|disclosed|told)|unknown|never (?:been )?(?:tested|checked|done|performed|carried out|offered))"
)

#: A test reported as negative or normal, or a status said to be negative ("mother HIV negative in antenatal
#: care", "they checked HIV for Brian and it was negative"): the condition it looked for is not one the
#: patient, or the relative, has (read summaries listed HIV among a family's conditions).
NEGATIVE_RESULT = re.compile(
    # "urinary Legionella antigen (serogroup 1) negative" (a read summary listed Legionnaires' disease as a
    # past condition)
    # "malaria RDT negative", "malaria film negative" (a read summary listed malaria as a past condition)
    r"\b(?:test|tests|tested|screen\w*|swabs?|antigens?|serology|pcr|rdt|films?|smears?)\b.{0,40}\b(?:negative|"
    r"normal|clear|fine|"
    r"unremarkable)\b|"
    r"\b(?:negative|normal|clear) (?:\w+ )?(?:test|tests|screen\w*|swabs?)\b|"
    # "SARS-CoV-2 PCR, respiratory viral panel, sputum/blood cultures negative", "ANA/ENA/HIV/LFTs normal"
    # (read summaries listed COVID-19 and HIV as past conditions); not across a positive ("HIV positive, CD4
    # normal")
    r"\b(?:hiv|tb|covid(?:-19)?|sars-cov-2|rsv|flu|strep)\b(?:(?!positive|\+ve|reactive|detected)[^.;]){0,70}?"
    # "influenza A/B and SARS-CoV-2 not detected" (a read summary listed COVID-19 as a past condition)
    r"\b(?:negative|neg|normal|not (?:detected|found|isolated|grown))\b|\b(?:hiv|tb)\s?-ve\b",
    re.I,
)

#: A clause whose status nobody knows: "HIV and diabetes status not mentioned", "HIV status unknown",
#: "never been tested", a test refused or never had, a result still awaited. The conditions it names
#: are neither the patient's nor denied.
STATUS_UNKNOWN = re.compile(
    # "HIV test not done" (a read summary listed HIV among a young woman's past conditions)
    rf"\b(?:status|results?|tests?|screen(?:ing)?)\s+(?:is |was |has )?{NOT_KNOWN}\b|"
    # "Serum alpha-1 antitrypsin level never measured" (a read summary listed the deficiency as a past
    # condition) "Not done: Strongyloides serology, stool microscopy, Aspergillus-specific IgE" (a new case's
    # worm asked about was taken for a known condition)
    r"\b(?:not (?:yet )?(?:done|performed|sent|checked|tested)|outstanding|pending)\s*:|"
    # "Marfan features not formally assessed" (a new case's question "do I have Marfan syndrome?" was taken
    # for a known condition)
    r"\b(?:unknown|not known|(?:never|not) (?:recently |yet |formally )?(?:been )?(?:formally )?"
    r"(?:tested|measured|checked|assessed|examined|evaluated))\b|"
    # "refused HIV test so far", "declined a TB test", "never had an HIV test"
    r"\b(?:refus\w*|declin\w*|(?:not|never) (?:yet )?had|hasn'?t had|has not had|did ?n[o']t (?:want|have))\b"
    r"[^.;,]{0,25}\btests?\b|\btests?\b[^.;,]{0,15}\b(?:refused|declined)\b|"
    # "HIV test pending", "waiting for the TB test result": a test not back yet (a read summary listed
    # HIV as a past condition of a man whose result was pending)
    r"\b(?:tests?|results?|swabs?|cultures?)\b[^.;,]{0,20}\b(?:pending|awaited|not (?:back|known|ready)|"
    r"(?:not )?(?:back )?yet)\b|"
    r"\b(?:waiting|awaiting|waiting for) (?:\w+ ){0,3}(?:tests?|results?|cultures?)\b|"
    # "HIV test done at this diagnosis, result not shared": a test done whose result is not given
    r"\btests? ['\"]?(?:was |were )?(?:done|taken|sent)\b"
    r"(?![^.;]{0,40}\b(?:positive|showed|confirmed|found)\b)|"
    # "Routine HIV test offered", "offered an HIV test": a test offered, not a result (two read summaries
    # listed HIV infection among past conditions)
    r"\btests?\s+(?:was |were |has been |being )?(?:offered|recommended|advised|suggested|planned|arranged)\b"
    r"(?![^.;]{0,40}\b(?:positive|showed|confirmed|found)\b)|"
    r"\b(?:offered|recommended|advised|suggested)\s+(?:me |her |him )?(?:an? |the )?(?:routine )?"
    r"\w+ tests?\b|"
    # "differential CTD-associated NSIP and atypical/Pneumocystis infection", "cavitating carcinoma is a
    # differential", "?TB vs ?parapneumonic": what the team is still weighing (a read summary listed
    # Pneumocystis pneumonia as a past condition of a woman whose bronchoscopy was to look for it)
    r"\b(?:differentials?|ddx|d/?dx)\b|\b(?:vs\.?|versus)\s|(?:^|\s)\?\s?[a-z]",
    re.I,
)


def told_ruled_out(intake: IntakeRecord) -> set[Condition]:
    """Conditions the story names only in sentences that rule them out: a negative or normal test, or a denial
    ("the nose swab for RSV and COVID ... said negative", "they said it isn't cystic fibrosis")."""
    return set(_told_ruled_out(intake.reason_for_second_opinion, intake.symptom_text))


# Remembered per text: the alternatives are read several times per draft, and each reading re-read every
# sentence of the story (composing a draft had become 1.4 times slower).
@lru_cache(maxsize=256)
def _told_ruled_out(reason: str, symptom_text: str) -> frozenset[Condition]:
    said: dict[Condition, bool] = {}
    for text in (reason, symptom_text):
        for sentence in _SENTENCE.split(text):
            spelt = correct_spelling(sentence)
            named = conditions_in(spelt, vague=False)
            out = set(denied_conditions(spelt)) | (set(named) if NEGATIVE_RESULT.search(spelt) else set())
            for c in named:
                said[c] = said.get(c, True) and c in out
    return frozenset(c for c, only_ruled_out in said.items() if only_ruled_out)


#: A baby's age in months or weeks as the story gives it: "10-month-old girl", "she is 10 months old", "our
#: 6 week old". The intake's age is in whole years, so a baby of 10 months is 0, like a newborn.
_BABY_AGE = re.compile(
    r"\b(\d{1,2}|one|two|three|four|five|six|seven|eight|nine|ten|eleven)[- ]?(months?|mo|weeks?|wk)s?"
    r"[- ]old\b|"
    r"\b(?:is|was|aged|age)\s+(\d{1,2}|one|two|three|four|five|six|seven|eight|nine|ten|eleven)\s*"
    r"(months?|weeks?)\b",
    re.I,
)
_SMALL_NUMBERS = ("one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven")


def exact_age(intake: IntakeRecord) -> float | None:
    """The patient's age in years, a baby's in a fraction of a year from the months or weeks the history
    or story gives ("10-month-old girl": 0.83); a read draft said an inhaled object was very rare at this age
    of a 10-month-old who had choked on apple, reading her age 0 as a newborn's."""
    return _exact_age(intake.age, intake.history, intake.reason_for_second_opinion)


@lru_cache(maxsize=256)
def _exact_age(age: int | None, history: str, reason: str) -> float | None:
    if age != 0:
        return None if age is None else float(age)
    for text in (history, reason):
        m = _BABY_AGE.search(text)
        if m:
            number = (m.group(1) or m.group(3)).lower()
            unit = (m.group(2) or m.group(4)).lower()
            n = int(number) if number.isdigit() else _SMALL_NUMBERS.index(number) + 1
            years = n / 12 if unit.startswith("mo") else n / 52
            if years < 1:
                return years
    return 0.0


def known_conditions(intake: IntakeRecord) -> list[Condition]:
    """Conditions the patient already has: those in the history (not a relative's, not denied, not of
    unknown status) and those the story calls theirs without doubt ("I have COPD", "my asthma")."""
    return list(_known_conditions(intake.history, intake.reason_for_second_opinion, intake.symptom_text))


#: Tests asked for and not yet back, with the list they name: "HIV, hepatitis B and C tests requested",
#: "Pleural fluid to be sent for microscopy, culture, TB culture and pneumococcal PCR" (read summaries listed
#: HIV infection and TB as a teenager's and a 12-year-old's past conditions).
_TESTS_ASKED_FOR = re.compile(
    r"(?:^|(?<=[.;\n]))[^.;\n]{0,80}?\b(?:tests?|serology|screen\w*|swabs?|pcr|cultures?)\s+"
    r"(?:were |was |have been |has been |being )?"
    r"(?:requested|ordered|sent(?! back)|to be sent|awaited|booked)\b[^.;\n]*|"
    r"\b(?:to be |being |been |was |were )?sent (?:off )?for\b"
    r"(?![^.;\n]*\b(?:showed|confirmed|positive|found|grew)\b)[^.;\n]*",
    re.I,
)


@lru_cache(maxsize=256)
def _known_conditions(history: str, reason: str, symptom_text: str) -> tuple[Condition, ...]:
    out: list[Condition] = []
    for clause, theirs in history_pieces(_TESTS_ASKED_FOR.sub(" ", history)):
        clause = without_workplaces(VACCINE_MENTIONS.sub(" ", clause))
        if not theirs and not STATUS_UNKNOWN.search(clause) and not NEGATIVE_RESULT.search(clause):
            excluded = set(denied_conditions(clause)) | set(risked_conditions(clause))
            # trouble at birth is no illness of its own, unless the condition is present from birth
            at_birth = _AT_BIRTH.search(clause) is not None
            out += [
                c
                for c in conditions_in(clause, fuzzy=True, vague=False)
                if c not in out and c not in excluded and not (at_birth and c.key not in _PRESENT_AT_BIRTH)
            ]
    for text in (reason, symptom_text):
        for clause in _PIECES.split(text):
            clause = without_workplaces(VACCINE_MENTIONS.sub(" ", clause))
            if (
                not clause.strip()
                or _OTHERS.search(clause)
                or _DOUBT.search(clause)
                or _TESTED_FOR.search(clause)
            ):
                continue
            spelt = correct_spelling(clause)
            if NEGATIVE_RESULT.search(spelt):
                continue  # "a sweat test 2 years ago which was normal so they said it isn't cystic fibrosis"
            denied = set(denied_conditions(spelt)) | set(risked_conditions(spelt))
            for cond in conditions_in(spelt, vague=False):
                if (
                    cond not in out
                    and cond not in denied
                    and (_said_as_own(cond, spelt) or _WHEN_PAST.search(spelt))
                ):
                    out.append(cond)
    # What the doctors diagnosed besides the diagnosis in question ("they said heart failure and
    # maybe a bit of chest infection as well") is a co-diagnosis, whatever their hedging.
    for sentence in _SENTENCE.split(reason):
        told = (
            sentence.strip()
            and not sentence.rstrip().endswith("?")
            and _TOLD.search(sentence)
            and not _NOT_TESTED_FOR.search(sentence)
        )
        if told and not _OTHERS.search(sentence.split(",")[0]):
            # "a sweat test ... was normal so they said it isn't cystic fibrosis": told it is not (a new
            # case's question whether CF was ruled out was taken as background)
            spelt = correct_spelling(sentence)
            told_not = set(denied_conditions(spelt)) | (
                set(conditions_in(spelt, vague=False)) if NEGATIVE_RESULT.search(spelt) else set()
            )
            out += [c for c in conditions_in(spelt, vague=False) if c not in out and c not in told_not]
    return tuple(out)


#: A vaccine, not an illness: "had my flu jab", "the flu jag, not sure about the pneumonia one", "Covid and
#: flu vaccines", the BCG and its scar on the arm (read summaries listed pneumonia, a viral chest infection
#: and COVID-19 among past conditions). Blanked out of a clause before its conditions are read.
VACCINE_MENTIONS = re.compile(
    r"\b(?:(?:flu|influenza|covid(?:-19)?|pneumococcal|pneumonia|rsv|whooping cough|pertussis|shingles)"
    # "pertussis-containing vaccine" (a read summary listed whooping cough as a midwife's past illness)
    r"(?:,? (?:and|&) )?)+[\s-]*(?:containing\s+)?"
    r"(?:vaccin\w*|jabs?|jags?|shots?|boosters?|immunis\w*|immuniz\w*|ones?)\b|"
    # the BCG vaccine and the scar it leaves on the arm ("had BCG as child (scar on arm)"): no lung scar
    r"\bbcg\b(?:[^.;]{0,30}?\bscar\b(?: on (?:the |my |his |her )?(?:left |right )?(?:upper )?arm)?)?|"
    r"\bscar on (?:the |my |his |her )?(?:left |right )?(?:upper )?arm\b|"
    # "Fully vaccinated for COVID-19" (a read summary gave a man COVID-19 as a past condition)
    r"\b(?:vaccinated|immuni[sz]ed|jabbed|boosted)\s+(?:\w+\s+)?(?:for|against)\s+(?:(?:flu|influenza|covid(?:-19)?|"
    r"pneumococcal|pneumonia|rsv|whooping cough|pertussis|shingles|tb|tuberculosis)(?:,? (?:and|&) )?)+|"
    # "pre-school booster (4-in-1 including pertussis)": the vaccine's parts, not an illness
    r"\b(?:boosters?|vaccines?|jabs?|\d-in-1|dtap|tdap)\b[^.;]{0,25}?\b(?:including|with|for|against)\s+"
    r"(?:(?:diphtheria|tetanus|polio|pertussis|whooping cough)(?:,? (?:and|&) |, )?)+|"
    # a place where TB is common is no TB had ("no travel to high-TB areas")
    r"\b(?:high|low)[- ](?:tb|tuberculosis)[- ](?:areas?|countr\w+|regions?|burden|incidence|prevalence)\b|"
    r"\b(?:tb|tuberculosis)[- ](?:endemic|burden|prevalence|incidence)\b|\bwhere (?:tb|"
    r"tuberculosis) is common\b",
    re.I,
)
#: Work among the sick: "worked 9 years on a tuberculosis ward", "nursed TB patients", "when we had TB
#: patients"
#: name where the patient worked, not an illness they had (a read summary listed TB as a past condition of a
#: nurse never treated for it). The condition's words before the place are blanked out of such a clause.
_AT_WORK = re.compile(
    r"\b(?:work\w*|nurs(?:e|es|ed|ing)\b(?! homes?)|jobs?|employed|staff|volunteer\w*)", re.I
)
_WORKPLACE = re.compile(
    r"(?P<before>(?:\b[\w/-]+\s+){1,3}?)(?P<place>wards?|sanatori(?:um|ums|a)|units?|patients|clinics?|"
    r"hospitals?)\b",
    re.I,
)


def without_named_condition(m: re.Match[str], kept: str) -> str:
    """A place's or a service's name without the condition it is named after ("the TB service" -> "the
    service", "a tuberculosis ward" -> "a ward"): ``m`` holds the words before it in its group "before" and
    the name in its group ``kept``."""
    words = m.group("before").split()
    for n in range(1, len(words) + 1):
        if conditions_in(" ".join(words[-n:])):
            return " ".join(words[:-n]) + (" " if words[:-n] else "") + m.group(kept)
    return m.group(0)


def without_workplaces(clause: str) -> str:
    """``clause`` without the conditions a workplace is named after, when it tells of work among the sick."""
    if not _AT_WORK.search(clause):
        return clause
    return _WORKPLACE.sub(lambda m: without_named_condition(m, "place"), clause)


#: Breathing trouble at birth: "fluid on the lungs at birth" in a term baby is no pleural effusion, nor heart
#: failure (a read summary listed a pleural effusion for a boy with a wet cough since infancy).
_AT_BIRTH = re.compile(
    r"\b(?:at birth|when (?:he|she|i|they) (?:was|were) born|after (?:he|she|i) was born|as a newborn|"
    r"newborn|special care(?: baby unit)?|scbu|nicu|neonatal unit)\b",
    re.I,
)
_PRESENT_AT_BIRTH = frozenset(
    {
        "congenital_heart_disease",
        "congenital_lung_malformation",
        "bronchopulmonary_dysplasia",
        "cystic_fibrosis",
        "primary_ciliary_dyskinesia",
    }
)


#: An illness dated in the past: "a chest infection in March", "pneumonia last winter".
_WHEN_PAST = re.compile(
    r"\b(?:in (?:january|february|march|april|may|june|july|august|september|october|november|december)|"
    r"last (?:week|month|year|winter|summer|spring|autumn|christmas)|(?:\d+|a|two|three|four|five|six|"
    r"several|a few|many) (?:weeks?|months?|years?) ago|as a (?:child|baby|toddler|teenager))\b",
    re.I,
)
#: The treating team's words: "they said", "the GP told me", "was diagnosed with".
_TOLD = re.compile(
    r"\b(?:they|he|she|the (?:doctors?|gp|hospital|consultant|specialist|team|nurse)|doctors?|gp) "
    r"(?:said|told|diagnosed|called it|found)\b|\b(?:was|were|been) (?:told|diagnosed)\b",
    re.I,
)


def _said_as_own(cond: Condition, clause: str) -> bool:
    """Whether ``clause`` names ``cond`` as the patient's own ("my COPD", "I have asthma")."""
    return any(
        _OWN_BEFORE.search(clause[max(0, start - 50) : start]) for start in mention_starts(cond, clause)
    )


#: Words of a question that asks whether a condition is the cause now ("could it be", "is this
#: just my COPD", "asthma rather than", "or is it").
_POSSIBILITY = re.compile(
    r"\b(could|can|might|may|is (?:it|this|that|he|she)|are (?:they|these)|was (?:it|this)|or|rather|instead|"
    r"just|really|actually|sure|sounds? like|turned into|caused by|because of|due to|"
    # "..., or is her heart failure getting worse since they cut the water tablet?": a known condition
    # worsening is asked about as the cause now (the clause split had dropped its "or")
    r"(?:getting|got|gotten|gone) worse|flar(?:ing|ed) up|playing up|acting up|"
    # "Do I have Marfan syndrome?", "have I got COPD or asthma?", "does he have whooping cough?"
    r"do(?:es)? (?:i|he|she|they|we) (?:really |actually )?have|(?:have|has) (?:i|he|she|they) got|"
    # "How do they know it is TB and not cancer?" weighs the cancer a first doctor named (a new case's
    # question went unlisted, the cancer having been read as a co-diagnosis)
    r"how (?:do|can|could|did|would|will) (?:they|you|the doctors?|we|i|anyone) (?:\w+ )?"
    r"(?:know|tell|be sure)|"
    # "... or is milk going into his lungs?": something going where it should not, asked about now
    r"(?:is|are) (?:[\w']+ ){1,3}(?:going|getting|coming) (?:into|down)|"
    r"(?:and|but) not)\b",
    re.I,
)


def asked_conditions(intake: IntakeRecord) -> list[Condition]:
    """Conditions a question asks about as a possibility now ("could it be X", "is it just my COPD")."""
    out: list[Condition] = []
    for sentence in _question_texts(intake):
        if not sentence.rstrip().endswith("?") and sentence not in _SENTENCE.split(intake.main_question):
            continue
        for clause in _clauses(sentence):
            if _POSSIBILITY.search(clause):
                out += [
                    c
                    for c in conditions_in(clause, fuzzy=True)
                    if c not in out and not _only_as_event(c, correct_spelling(clause))
                ]
    return out


#: "after the stroke", "since his stroke": a past event the question dates from, not one it asks about. "and
#: with the stroke can he even have the camera test?" (a read draft weighed a stroke three months before as an
#: alternative to a lung mass)
_AFTER_EVENT = re.compile(
    r"\b(?:(?:after|since|following)\s+(?:the|his|her|my|their|a|an)|with\s+(?:the|his|her|my|their))\s+"
    r"(?:\w+\s+)?$",
    re.I,
)


#: "a stroke 5 weeks ago", "pneumonia two months ago": a dated past episode.
_DATED_AFTER = re.compile(
    r"^[\w'() -]{0,30}?\b(?:\d+|a|one|two|three|four|five|six|a few|several)\s+"
    r"(?:days?|weeks?|months?|years?)\s+ago\b",
    re.I,
)


def _only_tested_for(cond: Condition, text: str) -> bool:
    """Whether every mention of ``cond`` in ``text`` is what a test looked for ("to check for broken
    ribs")."""
    spelt = correct_spelling(text)
    starts = mention_starts(cond, spelt)
    return bool(starts) and all(_TESTED_FOR_BEFORE.search(spelt[max(0, s - 30) : s]) for s in starts)


def _only_as_event(cond: Condition, clause: str) -> bool:
    """Whether every mention of ``cond`` in ``clause`` is a past event: the one a question dates from
    ("after the stroke") or a dated episode ("had a stroke 5 weeks ago")."""
    starts = mention_starts(cond, clause)
    return bool(starts) and all(
        _AFTER_EVENT.search(clause[max(0, s - 40) : s]) or _DATED_AFTER.search(clause[s : s + 70])
        for s in starts
    )


#: A cancer named with the lung or a shadow: a question about the lung itself, not about a clot's cause.
_LUNG_CANCER_WORDS = re.compile(r"\blung (?:cancer|tumou?r|mass)|\b(?:mass|nodule|shadow|spot)s?\b", re.I)
_CLOTS = frozenset({"pulmonary_embolism", "deep_vein_thrombosis"})


#: Diagnoses that explain coughing blood or weight loss themselves, so the symptom raises no lung cancer.
_EXPLAINS_RED_FLAGS = frozenset(
    {"lung_cancer", "nodule", "mesothelioma", "lymphoma", "hidden_cancer", "tuberculosis",
     "drug_resistant_tb", "bronchiectasis", "pulmonary_embolism", "lung_abscess", "pneumonia",
     "cystic_fibrosis"}
)  # fmt: skip
_SMOKED = re.compile(r"\b(?:smok\w*|cigarettes?|pack[- ]years?|roll[- ]ups?)\b", re.I)
#: "never smoked", "non-smoker", "I don't smoke": said only to deny it.
_NEVER_SMOKED = re.compile(
    r"\b(?:never|not|don'?t|doesn'?t|didn'?t|do not|does not|did not)\s+(?:ever\s+)?smok\w*|"
    r"\bnon-?\s?smok\w*",
    re.I,
)


def low_lung_cancer_risk(intake: IntakeRecord) -> bool:
    """An adult under 50 whose history and story tell of no smoking: no routine film after a pneumonia."""
    return intake.age is not None and 18 <= intake.age < 50 and not _has_smoked(intake)


def _has_smoked(intake: IntakeRecord) -> bool:
    """Whether the history or story tells of smoking (not only to deny it: "never smoked")."""
    return bool(
        _SMOKED.search(_NEVER_SMOKED.sub("", "\n".join([intake.history, intake.reason_for_second_opinion])))
    )


_FOOD_STICKING = re.compile(
    r"\bfood (?:is |keeps )?(?:sticking|sticks|stuck|gets stuck|getting stuck)|"
    r"\b(?:difficulty|trouble|problems?|hard|struggl\w*) (?:with )?swallowing (?:food|solids|meat|bread|"
    r"tablets)|"
    r"\bdysphagia\b",
    re.I,
)
_GULLET_WHY = (
    "food sticking on the way down was reported, for which UK guidance advises an urgent camera test of the "
    "gullet and stomach (an endoscopy) at any adult age"
)


def raised_by_symptoms(intake: IntakeRecord) -> list[tuple[Condition, str]]:
    """Alternatives the reported symptoms raise although nobody named them, with why.

    Coughing blood at 40 or over, or weight loss with a cough or breathlessness at 40 or over in
    someone who has smoked, is a reason UK guidance (NICE NG12) gives for a chest X-ray and a
    specialist review for lung cancer, unless the diagnosis itself explains the symptom; food sticking
    on the way down, at any adult age, one for an urgent endoscopy (a cancer of the gullet).
    """
    if intake.age is None or intake.age < 18:
        return []
    family = {c.key for c in diagnosis_family(intake.diagnosis_in_question)}
    told = "\n".join([intake.symptom_text, intake.reason_for_second_opinion])
    # food sticking on the way down is a reason UK guidance gives for an urgent camera test of the gullet at
    # any adult age (a new case's draft for an 87-year-old with food sticking, weight loss and black stools,
    # told of a hiatus hernia, never named a cancer of the gullet)
    gullet = (
        [(condition("oesophageal_cancer"), _GULLET_WHY)]
        if "oesophageal_cancer" not in family
        and any(
            not DENIED_BEFORE.search(told[max(0, m.start() - 30) : m.start()])
            for m in _FOOD_STICKING.finditer(told)
        )
        else []
    )
    if intake.age < 40 or family & _EXPLAINS_RED_FLAGS:
        return gullet
    # "no leg swelling, no coughing blood" in the symptom list is a denial, not a reason for a cancer check
    reported = set(asserted_symptom_names("\n".join([intake.symptom_text, intake.reason_for_second_opinion])))
    smoked = _has_smoked(intake)
    if "coughing blood" in reported:
        why = "coughing blood was reported at 40 or over, for which UK guidance advises a check for it"
    elif "weight loss" in reported and smoked and reported & {"a cough", "breathlessness", "phlegm"}:
        why = (
            "weight loss with a cough or breathlessness was reported by someone aged 40 or over who has "
            "smoked, "
            "for which UK guidance advises a check for it"
        )
    else:
        return gullet
    return [(condition("lung_cancer"), why), *gullet]


#: A cancer the patient already has, named by its organ or as theirs: "his bowel cancer", "my cancer".
_KNOWN_CANCER = re.compile(
    rf"\b(?:{OTHER_ORGANS})\s+cancer\b|\b(?:his|her|my|their|the known|existing)\s+cancer\b(?!\s+(?:scare|"
    r"test|check))",
    re.I,
)


def _cancer_after_clot(found: list[Condition], family: list[Condition], text: str) -> list[Condition]:
    """After a clot, "could it be a sign of cancer" asks about a hidden cause of the clot, not a lung
    tumour: the lung-cancer reading is replaced by the hidden-cancer one unless the lung is named."""
    if not _CLOTS & {c.key for c in family} or _LUNG_CANCER_WORDS.search(text):
        return found
    if _KNOWN_CANCER.search(text):
        # "is the blood thinner safe when his bowel cancer is bleeding?": a cancer already known, neither a
        # hidden one nor a lung tumour asked about (a read draft weighed "a cancer not yet found")
        return [c for c in found if c.key != "lung_cancer"]
    hidden = condition("hidden_cancer")
    out = [hidden if c.key == "lung_cancer" else c for c in found]
    return list(dict.fromkeys(out))


# Where a patient names something as a possibility: "could it be X", "is it really X", "what if it's
# X", "I'm scared it's X", "rule out X", "did they check for X", "test for X", "X runs in the family".
_ASKS_ABOUT = re.compile(
    r"\b(?:could|can|might|may|would)\s+(?:it|this|that|he|she|they|i|we|you)\s+(?:really\s+|also\s+)?"
    r"(?:be|have been|have|have had|has|be having|be caused by|come from)\s+|"
    r"\bis\s+(?:it|this|that)\s+(?:really|actually|definitely|maybe|perhaps|possibly|not)\s+|"
    r"\bwhat if\s+(?:it'?s|it is|this is|he has|she has|i have)\s+|"
    r"\b(?:scared|afraid|worried|frightened|terrified|fear|concerned)\s+(?:that\s+)?(?:it'?s|it is|"
    r"of|about|it might be|it could be|i have|he has|she has)\s+|"
    r"\brul(?:e|ed|ing)\s+out\s+|"
    r"\b(?:check(?:ed)?|test(?:ed)?|screen(?:ed)?|look(?:ed)?)\s+(?:me\s+|him\s+|her\s+|them\s+)?for\s+|"
    r"\b(?:sign|symptom)s?\s+of\s+|"
    # "is it possible he has an immune deficiency", "something like Churg-Strauss"
    r"\bis\s+it\s+possible\s+(?:that\s+)?(?:it'?s|it\s+is|(?:he|she|they|i|we)\s+(?:has|have|had|has\s+got|"
    r"have\s+got)|this\s+is)\s+|"
    r"\bsomething\s+(?:like|such\s+as)\s+",
    re.I,
)
_RUNS_IN_FAMILY = re.compile(
    r"\b((?:[A-Za-z][\w'-]*\s+){0,3}?[A-Za-z][\w'-]*)\s+(?:runs?|running)\s+in\s+(?:the|my|our|his|her)\s+"
    r"family",
    re.I,
)
# The shape of a disease's name: a medical suffix, a disease noun, or a person's name with 's.
_DISEASE_SHAPE = re.compile(
    r"(?:itis|osis|oma|aemia|emia|pathy|ectasis|plasia|trophy)$|"
    r"\b(?:syndrome|disease|disorder|deficiency|infection|allergy|cancer|fever|palsy|lupus|reaction|failure|"
    r"injury|poisoning|insufficiency)$|"
    # an eponym pair: "Churg-Strauss", "Birt-Hogg-Dube"
    r"^[A-Z][a-z]+(?:-[A-Z][a-z]+)+$|"
    r"^[A-Z][a-z]+'?s(?:\s+(?:disease|syndrome))?$",
)
#: A disease noun alone names nothing in particular ("could it be an infection").
_GENERIC = frozenset({"infection", "disease", "disorder", "syndrome", "cancer", "fever", "deficiency"})
# "could they have missed an infection": the verb before the possibility is not part of its name
_LEADING = re.compile(
    r"^(?:a|an|the|some|any|my|his|her|their|kind of|sort of|type of|form of|missed|overlooked)\s+", re.I
)
_STOP = re.compile(
    r"\s+(?:or|and|instead|like|from|that|which|because|as|since|in|on|after|too|rather)\b.*$", re.I
)


#: Conditions patients ask about as a cause of the illness or as something present beside it
#: (a clotting disorder or a hidden cancer behind a clot, HIV with TB, osteoporosis behind a
#: broken rib), not as a replacement for the diagnosis: their question is not "instead".
_ALONGSIDE = frozenset(
    {
        "thrombophilia",
        "hidden_cancer",
        "marfan_syndrome",
        "osteoporosis",
        "hiv",
        "drug_resistant_tb",
        "stroke",
        "cystic_fibrosis",
        "connective_tissue_ild",
        "immunodeficiency",
        "alpha1_antitrypsin",
        "primary_ciliary_dyskinesia",
        # sepsis is the body's reaction to an infection such as the pneumonia diagnosed, not another illness
        "sepsis",
        # triggers of a heart rhythm problem, asked about as its cause
        "overactive_thyroid",
        "alcohol_trigger",
        # causes of the diagnosis asked about: old clots behind high lung pressure, worms behind eosinophils
        "cteph",
        "parasitic_infection",
    }
)


_NEGATED_PIECE = re.compile(r"\s*(?:not|no|never|rather than|instead of)\b", re.I)


#: A later part of the question that gives examples of what it asks about: "from the birds, like psittacosis".
_EXAMPLES = re.compile(r"^\s*(?:like|such as|e\.?g\.?|for example|maybe|perhaps|possibly)\s+", re.I)


def _named_parts(span: str) -> list[str]:
    """The part of a question that names a possibility, and later parts that give examples of it ("could it
    be from the birds, like psittacosis or bird fancier's lung?": a new case's psittacosis went unasked)."""
    sentence = re.split(r"[?.!\n]", span)[0]
    first, *rest = re.split(r"[,;:()]", sentence)
    return [first, *(_EXAMPLES.sub("", part) for part in rest if _EXAMPLES.match(part))]


def unknown_alternatives(intake: IntakeRecord) -> list[str]:
    """Possibilities the patient names that the condition table does not know ("Lyme disease").

    Only a phrase shaped like a disease's name is taken (a medical suffix, a disease noun, or a
    name with 's); anything the table knows, the diagnosis itself, or vague words are left out.
    The draft answers these honestly: it cannot weigh them from what was provided.
    """
    text = "\n".join([intake.main_question, intake.reason_for_second_opinion])
    spans = [text[m.end() : m.end() + 60] for m in _ASKS_ABOUT.finditer(text)]
    spans += [m.group(1) for m in _RUNS_IN_FAMILY.finditer(text)]
    dx = intake.diagnosis_in_question.lower()
    out: list[str] = []
    # "lupus or vasculitis": each possibility named in a list is its own
    pieces = [
        piece
        for span in spans
        for part in _named_parts(span)
        for piece in re.split(r"\s+(?:or|and)\s+(?:maybe\s+|perhaps\s+|even\s+)?", part)
    ]
    for piece in pieces:
        if _NEGATED_PIECE.match(piece):
            continue  # "lung cancer and not an infection": what it is said not to be is no possibility
        phrase = _STOP.sub("", piece).strip()
        while _LEADING.match(phrase):
            phrase = _LEADING.sub("", phrase, count=1)
        words = phrase.split()
        if not 1 <= len(words) <= 4 or not _DISEASE_SHAPE.search(phrase):
            continue
        low = phrase.lower()
        generic = low in _GENERIC
        # "the melanoma in my lungs" is the table's spread to the lungs, a phrase longer than the name cut
        # here
        at = piece.lower().find(low)
        if (
            generic
            or conditions_in(phrase, fuzzy=True)
            or any(
                at <= start <= at + len(low)
                for known in conditions_in(piece, fuzzy=True)
                for start in mention_starts(known, piece)
            )
            or low in dx
            or re.search(r"\b(?:something|anything|it)\b", low)
        ):
            continue
        if low not in out:
            out.append(low)
    return out


_SENTENCE = re.compile(r"(?<=[?.!])\s+|\n+")
# A new question inside a sentence: "..., and is it safe", "... or should I", "..., do I".
_CLAUSE = re.compile(
    r"(?:,\s*|\s+)(?:and|or|but|also)\s+(?=(?:is|are|do|does|did|should|can|could|will|would|when|"
    r"what|which|how|has|have|must)\b)|,\s+(?=(?:is|are|do|does|should|can|could|will|would|when|what|"
    r"which|how|has|have|must)\b)|;\s*",
    re.I,
)
_ASKS_FOR_TEST = re.compile(
    r"\b(ask(?:ing)? for|ha(?:ve|ving) (?:a|an|another|more|any)|get(?:ting)? (?:a|an|another)|"
    r"need(?:s)? (?:a|an|another|more|any|the|to have)|be referred|book|arrange|go for|be sent for|"
    # "need he another x-ray": the question asked in the order of another language
    r"needs? (?:he|she|i|we|they|it) (?:a|an|another|more|any)|"
    r"push(?:ing)? for|press(?:ing)? for|insist(?:ing)? on|demand(?:ing)?|instead of|rather than)\b|"
    # "do I need blood tests", "does she need scans": a bare plural test after "need".
    r"\bneeds? (?=[\w -]{0,20}\b(?:tests|scans|x-?rays)\b)|"
    # "should the fluid be drained or tested": an action on the body asked about.
    r"\b(?:be|being) (?:drained|tapped|sampled|taken off)\b|\bdrain (?:off )?(?:the|that|this)\b|"
    r"\b(?:what|which|any|more|other|further) tests?\b|\btests? (?:would|could|will|to|that|should)\b",
    re.I,
)
#: Whether it is safe to wait: "can I wait till the GP tomorrow?", "should we keep waiting?" (read drafts
#: left both unanswered for a baby pausing in his breathing and a child grunting on antibiotics).
_WAIT_Q = re.compile(
    r"\b(?:can|could|should|do|is it ok(?:ay)? to|is it safe to|ok(?:ay)? to) (?:i |we |he |she |they )?"
    r"(?:just )?(?:keep |carry on )?wait(?:ing)?\b"
    # for a doctor soon, not for a scan weeks away ("is it OK to wait 6 weeks for the repeat scan" is timing)
    r"(?! (?:\d+|a|the|another|until \w+ for|till \w+ for)\b[^.?]{0,15}\b(?:weeks?|months?|years?|scan|ct))"
    r"[^.?]{0,40}\b(?:gp|doctor|morning|tomorrow|tonight|monday|weekend|appointment|at home|see|it out|"
    r"antibiotics? to work|to work)\b|"
    r"\b(?:or|should we|do we|can we) (?:just )?(?:keep|carry on) waiting\b|"
    # "should I take her somewhere today or wait for the GP on Monday?" (a new case's question went unlisted)
    r"\b(?:take|bring) (?:him|her|them|the baby) (?:somewhere|anywhere|in|to be seen) "
    r"(?:today|tonight|now)\b|"
    r"(?:^|\bor )\s*(?:just )?wait(?:ing)? (?:for|until|till) (?:the |my |his |her |our )?"
    r"(?:gp|doctor|monday|tomorrow|morning|appointment|weekend)\b",
    re.I,
)
#: "Is the blood coughing dangerous?", "is this an emergency?": when to seek care (a new case's question went
#: unlisted).
_DANGER_Q = re.compile(
    # a symptom's danger, not a medicine's or a test's ("is the warfarin dangerous now?", "the biopsy is
    # dangerous for old man?" ask about safety)
    r"\b(?:is|are) (?:the |this |that |his |her |my |their )?(?:\w+ ){0,2}(?:blood|bleeding|pain|breathing|"
    r"breathlessness|cough\w*|fever|temperature|wheez\w*|sweats?|snoring|pauses)(?: \w+)? (?:dangerous|an "
    r"emergency)\b|\b(?:is|when is) (?:this|it) an emergency\b",
    re.I,
)
_GOING = re.compile(r"\b(go|going|head|get|be seen|attend|call|ring|take (?:him|her|them)|come in)\b", re.I)
_ASKING = re.compile(r"\b(should|do|does|need|needs|must|when|whether|is it|can|could|ok|okay)\b", re.I)
_ACTIVITY_Q = re.compile(
    r"\b(safe|ok|okay|alright|can|could|allowed|keep|go back|return|back to|carry on|continue|"
    # "will I be able to fly", "is she fit to compete", "should he miss the match", "should I stop work",
    # "should she stay home from creche"
    r"able to|fit to|fit enough|miss|pull out|skip|stop|give up|quit|time off|stay (?:home|off)|"
    r"keep (?:him|her|them) (?:home|off))\b|"
    # "should she be doing swimming lessons", "should he still do PE"
    # "should he be off school?"
    r"\bshould (?:i|he|she|they|we|you) (?:still |really )?(?:be )?(?:do|doing|go|going|play|playing|"
    r"attend\w*|sit|sitting|off)\b",
    re.I,
)


def _question_texts(intake: IntakeRecord) -> list[str]:
    """The main question's sentences and any question the reason asks, split into clauses."""
    sentences = [s for s in _SENTENCE.split(intake.main_question) if s.strip()]
    sentences += [s for s in _SENTENCE.split(intake.reason_for_second_opinion) if s.strip().endswith("?")]
    return sentences


def _clauses(sentence: str) -> list[str]:
    return [c for c in _CLAUSE.split(sentence) if c and c.strip()]


def _singular(name: str) -> bool:
    """A topic's name takes "is" when it has an article ("a CT scan"); "blood tests" takes "are"."""
    return bool(re.match(r"(?:a|an|the) ", name))


def join_names(items: Sequence[str]) -> str:
    """'a', 'a and b', 'a, b and c'."""
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


#: (topic, summary, subjects, words): for an activity, the words that name it ("nursery").
Asked = tuple[str, str, list[str], list[str]]


def _activity_asked(words: dict[str, list[str]]) -> Asked:
    """One activity question from {topic key: the words naming it}: "whether it is safe to carry on
    with swimming and nursery", or "to go ahead with a coach journey" when it is all travel."""
    said = list(dict.fromkeys(w for ws in words.values() for w in ws))
    verb = "go ahead with" if list(words) == ["travel"] else "carry on with"
    return ("activity", f"whether it is safe to {verb} {join_names(said)}", list(words), said)


#: A question of timing: how soon the next steps happen, how long until a result.
_TIMING = re.compile(
    r"\bhow (?:soon|quickly|fast|urgently)\b|\bhow urgent\b|"
    # "how long until the biopsy", not "how long until it goes" (how long the illness lasts)
    r"\bhow long (?:until|till|before) (?:the |my |his |her |a |an )?(?:\w+ )?(?:results?|scans?|tests?|"
    r"biops(?:y|ies)|appointments?|referrals?|tap|operation|clinic|x-?rays?|ct|answers?)\b|"
    r"\bhow long (?:will|do) (?:i|we|they) (?:have to )?wait\b|"
    r"\bhow long (?:does|do|will) (?:the )?(?:results?|tests?|scans?|biops(?:y|ies)) take\b|"
    r"\bwhen (?:will|would|should|do|can) (?:i|we|he|she|they) "
    r"(?:know|hear|find out|get (?:the )?results?|be seen)\b|"
    r"\bwhen (?:will|would|should) (?:the|this|that|it|all this|these) (?:\w+ )?"
    r"(?:happen|be done|come back)\b|"
    r"\bwaiting (?:time|list)s?\b|"
    # "why does the echo take 6 weeks", "is waiting 2 weeks for the biopsy too long"
    r"\bwhy (?:does|do|will|is|are) (?:the |an? |my |his |her |their )?[\w-]+(?: [\w-]+)? (?:take|taking)\b|"
    r"\b(?:wait|waiting) (?:\d+|a|an|one|two|three|four|five|six|several|a few) (?:days?|weeks?|months?)\b|"
    r"\btoo long to wait\b|\bwait(?:ing)? (?:that|so) long\b",
    re.I,
)

#: Whether to be in hospital or at home: "should he be in hospital", "is it safe for her to go home
#: tomorrow", "does she need to stay in", "when will he be discharged".
_HOSPITAL_Q = re.compile(
    r"\b(?:be|stay\w*|kept|keep (?:him|her|them|me)|remain|admitted) (?:in|into) "
    r"(?:the )?hospital\b|\bstay(?:ing)? in\b|"
    r"\b(?:go|going|come|coming|sent|send (?:him|her|them|me)|be) home\b|"
    r"\bdischarg\w*|\badmi(?:t|tted|ssion)\b|"
    # "would she be better off in hospital?", "what else can we do to keep her out of hospital?" (new cases'
    # questions went unlisted)
    r"\bbetter off (?:in|at) (?:the |a )?(?:hospital|home)\b|"
    r"\b(?:keep|stay|staying|kept) (?:\w+ )?out of (?:the )?hospital\b",
    re.I,
)
#: How long the illness lasts and whether the patient gets back to how they were: "how long will
#: the fevers last", "when will she feel better", "will he get back to how he was", "will I recover".
_RECOVERY_Q = re.compile(
    r"\bhow long (?:will|does|do|is|can|might|may|would) (?:the |this |that |it |my |his |her |their )?"
    # "how long does she stay off school" is about school (an activity), not how long the illness lasts
    r"(?:\w+ ){0,5}?(?:last|go on|take to (?:clear|settle|go|heal|get better|recover)|"
    r"stay(?! (?:off|home|away|out|in)\b)|linger)\b|"
    r"\bhow long (?:until|till|before) (?:i|he|she|they|we|it) (?:\w+ )?(?:feel\w*|is|are|am|gets?|be) "
    r"(?:better|well|normal|back to normal|right)\b|"
    r"\bhow long (?:to|will it take to) (?:recover|get better|heal)\b|"
    # "how long till the cough goes?" (a read draft left it unanswered)
    r"\bhow long (?:until|till|til|before) (?:the |this |that |my |his |her |their )?(?:\w+ ){0,2}"
    r"(?:goes|go away|goes away|stops|clears|settles|is gone|disappears|eases)\b|"
    r"\bwhen (?:will|would|should|might) (?:i|he|she|they|we|it) (?:start to )?(?:feel\w*|be|get) "
    r"(?:better|well|back to normal)\b|"
    # "will it get better?", "will the cough ever go away?" (a new case's last question went unlisted)
    r"\b(?:will|would) (?:it|this|that|the \w+|(?:my|his|her|their) \w+) (?:ever )?(?:get better|go away|"
    r"clear up|settle|improve)\b|"
    r"\b(?:will|would|could) (?:i|he|she|they|we|mum|dad) (?:ever )?(?:get back to|go back to|be back to|"
    r"recover|get better|fully recover|be (?:the same|back to normal))\b|"
    r"\bback to (?:how|what|the way) (?:i|he|she|they) (?:was|were)\b|\brecovery (?:time|take)\b",
    re.I,
)


#: Whether the illness comes back: "will it come back?", "could it happen again?", "what are the chances
#: of another one?", "will he keep getting these?" (not a symptom that came back, told as history).
_RECURRENCE_Q = re.compile(
    r"\b(?:will|would|could|can|might|may|is) (?:it|this|that|the (?:\w+ )?(?:lung|clot|pneumonia|"
    r"infection|tb|collapse|pain|asthma|illness))(?: \w+)? (?:come back|happen again|recur|return|"
    r"keep (?:coming back|happening))\b|"
    r"\b(?:chances?|risks?|likel\w*|odds) (?:of|that) (?:it |this |that )?(?:\w+ )?"
    r"(?:coming back|come back|happening again|recurr\w*|returning|another (?:one|episode|attack|clot|"
    r"collapse|pneumonia|infection|flare))\b|"
    r"\b(?:will|would|could|can|might) (?:i|he|she|they|we) (?:\w+ )?(?:get|have) (?:it|this|that|another"
    r"(?: one| episode| attack| clot| collapse| pneumonia| infection| flare(?:-up)?)?|one) "
    r"(?:again|too)?\s*\?|"
    r"\b(?:will|would) (?:i|he|she|they) keep (?:getting|having) (?:these|them|this|it)\b|"
    r"\b(?:likely|going) to (?:recur|come back|happen again|return)\b|\brecurrence\b|"
    # "could the twinge mean it's come back?" (a new case's question of a collapsed lung two weeks before
    # went unlisted)
    r"\b(?:mean|means|be|that) (?:it'?s|it has|it is) (?:come|coming) back\b|"
    r"\b(?:has|is) it (?:come )?back\b",
    re.I,
)


#: The outlook: "how long do I have?", "is it curable?", "will I die from it?", "any long-term lung risk?",
#: "will she grow out of it?", "what is the prognosis?" (not how long an illness or a treatment lasts).
_OUTLOOK_Q = re.compile(
    r"\bhow long (?:do|does|have|has|will|would) (?:i|he|she|they|we|mum|dad|my \w+) (?:have|got|live)\b|"
    # "how long do kids with CF live now", "how long do people live with IPF", "what age do they live to"
    r"\bhow long (?:do|does|can|will) (?:\w+ ){1,3}(?:live|survive)\b|\blive (?:to|until) (?:what|an?|old)\b|"
    r"\blife expectancy\b|\bprognosis\b|\boutlook\b|"
    r"\b(?:is|are) (?:it|this|that|they) (?:\w+ )?(?:curable|treatable|fatal|deadly|terminal|"
    r"life[- ]threatening)\b|"
    r"\bcan (?:it|this|that|they) be (?:cured|treated)\b|"
    r"\b(?:will|would|could|might|am|is) (?:i|he|she|they|mum|dad) (?:going to )?(?:die|dying)\b|"
    r"\blong[- ]term (?:lung |heart )?(?:risks?|damage|effects?|outlook|problems?|harm)\b|"
    r"\b(?:grow|grows|growing) out of (?:it|this|them)\b|"
    r"\b(?:will|does|would) (?:it|this) (?:get|keep getting) worse\b|"
    r"\bchances? of (?:survival|surviving|a cure|cure)\b",
    re.I,
)


#: How long a treatment lasts: "how long do I need apixaban", "is 3 months enough", "when can I stop it",
#: "for how long", "do I have to stay on it for ever".
_HOW_LONG_TREATED = re.compile(
    r"\bhow long (?:do|does|will|should|must|would|can) (?:i|he|she|we|they|you) (?:\w+ ){0,2}?"
    r"(?:need|take|stay on|be on|keep (?:on|taking)|carry on|have to (?:take|stay|be|keep))\b|"
    r"\bhow long (?:is|are|will) (?:the|a|my|his|her|this) (?:course|treatment)\b|"
    r"\bis (?:\d+|a|one|two|three|four|five|six|twelve) (?:days?|weeks?|months?|years?)(?: of \w+)? "
    r"(?:enough|long enough|too (?:long|short))\b|"
    r"\bwhen (?:can|could|should|will) (?:i|he|she|we|they) (?:stop|come off|finish)\b|"
    r"\bfor how long\b|\b(?:stay|be|keep) on (?:it|them|this|the \w+|\w+) (?:for ever|forever|for life)\b|"
    # "Do I need the inhaler for life?" (a new case's question went unlisted)
    r"\b(?:need|needs|take|takes|use|uses) (?:it|them|this|that|the \w+|my \w+|\w+) "
    r"(?:for ever|forever|for life|"
    r"for the rest of (?:my|his|her|their) li(?:fe|ves)|long[- ]term|permanently)\b",
    re.I,
)
#: The patient's own plans for a baby: "get pregnant", "try for a baby", "a future pregnancy".
_PREGNANCY = re.compile(
    r"\b(?:get|getting|become|becoming|fall|falling) pregnant\b|"
    r"\b(?:have|having|try|trying) (?:for )?(?:a|another) baby\b|\bstart(?:ing)? a family\b|"
    r"\b(?:future|next|another|later|a) pregnanc(?:y|ies)\b|"
    r"\bpregnancy (?:later|in (?:the )?future|after)\b",
    re.I,
)
_CONTRACEPTION = re.compile(
    r"\bcontracepti\w+|\bbirth control\b|\b(?:the |a |an )?(?:coil|iud|ius|implant|mini[- ]pill)\b",
    re.I,
)
_BREASTFEEDING = re.compile(r"\bbreast[- ]?fe(?:ed|eding|d)\b|\bnursing (?:my|the) baby\b", re.I)
#: A question about a plan for care in an emergency: "should I agree to the ReSPECT form saying no more
#: hospital?", "should we agree to a DNACPR?", "is treating her at the home as good as hospital?" (a new
#: case's
#: question was answered only as "what should happen next").
_CARE_PLAN_Q = re.compile(
    r"(?-i:\bReSPECT\b)|\brespect (?:form|plan|document)\b|\b(?:dnacpr|dnar|dnr)\b|"
    r"\bdo not (?:attempt )?(?:cardio\w* )?resuscitat\w*|\bceiling of (?:care|treatment)\b|"
    r"\btreatment escalation plan\b|\badvance (?:care plan\w*|decision|directive)\b|\bno more hospital\b|"
    r"\b(?:not|never|no longer) (?:to )?(?:go|be sent|be taken|be admitted|going) (?:in)?to hospital\b|"
    r"\b(?:at|in) the (?:care|nursing) home\b[^?]{0,40}\b(?:as good as|instead of|rather than|or)\b[^?]{0,20}"
    r"\bhospital\b|\beverything (?:done|possible)\b",
    re.I,
)
#: (topic, summary, pattern) for the questions about a treatment's length and family plans.
_PLAN_QUESTIONS: tuple[tuple[str, str, re.Pattern[str]], ...] = (
    ("duration", "how long the treatment is needed and when it can stop", _HOW_LONG_TREATED),
    ("contraception", "which contraception is safe now", _CONTRACEPTION),
    ("pregnancy", "what the illness and its treatment mean for a future pregnancy", _PREGNANCY),
    ("breastfeeding", "whether breastfeeding is safe with the treatment", _BREASTFEEDING),
    (
        "care_plan",
        "what a plan for care in an emergency (such as a ReSPECT form) means, and whether to agree to it",
        _CARE_PLAN_Q,
    ),
)


def _plan_asked(clause: str) -> list[Asked]:
    """Questions about how long a treatment lasts, contraception, a pregnancy or breastfeeding.

    A duration question names the medicines it is about ("how long do I need apixaban"), kept
    as subjects so the answer can speak of them.
    """
    out: list[Asked] = []
    for key, summary, pattern in _PLAN_QUESTIONS:
        if not pattern.search(clause):
            continue
        subjects = [t.key for t in topics_in(correct_spelling(clause, _TREATMENT_WORDS), ["treatment"])]
        subjects = [k for k in subjects if k not in {*ADVICE_ONLY, "contraceptive_pill"}]
        if key == "duration":
            out.append(_duration_asked(subjects))
        else:
            out.append((key, summary, [], []))
    return out


def _duration_asked(subjects: list[str]) -> Asked:
    """The duration question, naming the medicines it is about when it names any."""
    if not subjects:
        return ("duration", _PLAN_QUESTIONS[0][1], [], [])
    names = join_names([topic(k).name for k in subjects])
    return ("duration", f"how long {names} should be continued and when to stop", subjects, [])


def _one_duration_question(asked: list[Asked]) -> list[Asked]:
    """ "How long do I need apixaban, and is 3 months enough" as one question, where the first was."""
    durations = [a for a in asked if a[0] == "duration"]
    if len(durations) < 2:
        return asked
    subjects = list(dict.fromkeys(k for a in durations for k in a[2]))
    first = next(i for i, a in enumerate(asked) if a[0] == "duration")
    rest = [a for a in asked if a[0] != "duration"]
    return [*rest[:first], _duration_asked(subjects), *rest[first:]]


def _exposure_asked(clause: str) -> Asked | None:
    """An exposure the clause asks about ("does keeping budgies matter", "is it the mould in the
    flat"): pets, birds, damp and mould, dusts and fumes at work."""
    exposures = topics_in(clause, ["exposure"])
    if not exposures:
        return None
    said = join_names(list(dict.fromkeys(_said_with_article(t, clause) for t in exposures)))
    return (
        "exposure",
        f"whether the exposure to {said} matters, and what to do about it",
        [t.key for t in exposures],
        [],
    )


_ARTICLE = re.compile(r"\b(the|our|my|his|her|their)\s+$", re.I)


def _said_with_article(t: Topic, clause: str) -> str:
    """What the clause calls the exposure, with its article ("the cat", "budgies", "the asbestos")."""
    match = t.search(clause)
    word = t.words(clause)[0]
    article = _ARTICLE.search(clause[: match.start()]) if match else None
    if article is None:
        return word
    # The draft speaks to the patient in its own voice: "my budgies" are "the budgies".
    said = article.group(1).lower()
    return f"{'the' if said in ('my', 'our') else said} {word}"


#: Something named as the cause of the illness ("a clot from the pill and the flight", "because of
#: the long bus trip", "from the virus"): a past event, not a plan or an alternative asked about.
_CAUSE_BEFORE = re.compile(
    # not "stay home from creche", "time off from work": a place kept away from
    r"(?<!home )(?<!off )(?<!away )\b(?:from|because of|after|since|following|due to|caused by)\s+"
    r"(?:the |my |his |her |a |that |this )?"
    r"(?:[a-z'-]+ ){0,3}?(?:(?:and|or|plus) (?:the |my |his |her |a )?(?:[a-z'-]+ ){0,2}?)?$",
    re.I,
)


#: ...or named as what causes it ("the pill and flying can cause clots").
_CAUSE_AFTER = re.compile(
    # "could the covid jab have caused it?": the perfect tense too
    r"^\s*(?:can|could|may|might|will|does|do)?\s*(?:(?:have|has|had)\s+)?(?:cause[sd]?|give[sn]?|gave|given|"
    r"trigger\w*|lead to|leads to|led to|"
    r"bring on|brings on|brought on|set off|sets off)\b|"
    # "is it the morphine that made her not breathe well?"
    r"^\s*(?:that|which) (?:is |was |has |have )?(?:mak(?:e|es|ing)|made|caus\w*|giv\w*|gave|trigger\w*|"
    r"brought on|brings? on|set off|stopp\w*)\b|"
    # "he had the covid jab a year ago, could it be from that?": the cause named, then asked about
    r"^[^?.]{0,40}?\b(?:could|can|might|is|was) (?:it|this|that) (?:be |have been )?"
    r"(?:from|because of|due to|caused by) (?:that|it|this|them)\b",
    re.I,
)


def _only_as_cause(t: Topic, clause: str) -> bool:
    """Whether every place ``clause`` names the topic is as a cause of the illness."""
    spots = t.spots(clause)
    return bool(spots) and all(
        _CAUSE_BEFORE.search(clause[: m.start()]) or _CAUSE_AFTER.search(clause[m.end() :]) for m in spots
    )


def _clause_topics(clause: str, *, child: bool = False, question: bool = True) -> list[Asked]:
    """(topic, summary, subjects, words) for each next-step question one clause asks.

    ``child``: a child's "work" is school or nursery; ``question``: the clause is part of a
    sentence that asks (a statement about smoking is not a question about it).
    """
    out: list[Asked] = []
    if question and _HOSPITAL_Q.search(clause):
        out.append(
            ("hospital", "whether the patient needs to be in hospital or can be cared for at home", [], [])
        )
    elif (topics_in(clause, ["urgent"]) and _GOING.search(clause) and _ASKING.search(clause)) or (
        question and (_WAIT_Q.search(clause) or _DANGER_Q.search(clause))
    ):
        out.append(("urgent", "whether to seek urgent care (A&E or hospital) now", ["urgent"], []))
    if _ACTIVITY_Q.search(clause):
        for t in topics_in(clause, ["activity"]):
            if _only_as_cause(t, clause):
                continue
            words = t.words(clause)
            if child and t.key == "work":
                words = ["school or nursery" if w == "work" else w for w in words]
            out.append(_activity_asked({t.key: words}))
    smoking = topics_in(clause, ["lifestyle"])
    # "COPD from my smoking" names a cause; it asks nothing about smoking.
    cause = re.search(r"\b(?:from|by|because of) (?:my|his|her|their|the) (?:smok|vap)", clause, re.I)
    # "could this be cancer even though I never smoked?": what never having smoked means here, not whether
    # stopping helps (a read draft asked a never-smoker "whether stopping helps")
    never = re.search(
        r"\b(?:never|not ever|don'?t|doesn'?t|didn'?t|do not|does not|did not|non-?)\s*(?:\w+\s+)?"
        r"(?:smok|vap)",
        clause,
        re.I,
    )
    if smoking and question and not cause:
        said = join_names(smoking[0].words(clause))
        summary = (
            f"what never {'vaping' if said == 'vaping' else 'having smoked'} means here"
            if never
            else f"whether {said} matters here, and whether stopping helps"
        )
        out.append(("smoking", summary, ["smoking"], []))
    out += _plan_asked(clause)
    exposure = _exposure_asked(clause) if question else None
    if exposure is not None:
        out.append(exposure)
    # "How soon can I fly" is an activity question; "how quickly should all this happen" is one of timing.
    if question and _TIMING.search(clause) and not topics_in(clause, ["activity"]):
        out.append(("timing", "how soon the next steps should happen", [], []))
    if _ASKS_FOR_TEST.search(clause) and not topics_in(clause, ["treatment"]):
        tests = topics_in(clause, ["test"])
        if tests:
            names = join_names([t.name for t in tests])
            verb = "is" if len(tests) == 1 and _singular(tests[0].name) else "are"
            out.append(
                (
                    "tests",
                    f"whether {names} {verb} needed now",
                    [t.key for t in tests],
                    [],
                )
            )
        elif re.search(r"\b(tests?|checks?|scans?)\b", clause, re.I):
            out.append(("tests", "which tests would settle the question", [], []))
    return out


#: A parent writing about their child ("my son Aarav, 4"): the writer's relatives are the child's.
#: A parent or grandparent naming the patient ("my son Aarav", "our baby", "my little granddaughter",
#: "my 5-year-old daughter", "Mom of 3 here, writing about my middle one").
PARENT_WRITES = re.compile(
    r"\b(?:my|our) (?:[\w-]+ )?(?:son|daughter|baby|boy|girl|child|kid|toddler|little one|grandson|"
    r"granddaughter|infant|newborn|middle one|youngest|eldest|oldest)\b|"
    r"\b(?:mom|mum|mother|dad|father) of \d+\b|"
    # "Hi, I'm his mum" (a read draft asked whether "the patient's family and dad" needed a test, of a
    # 6-week-old's grandfather)
    r"\b(?:i'?m|i am|im|this is) (?:his|her|their) (?:mum|mom|mam|mummy|mother|dad|daddy|father|parent)\b",
    re.I,
)
_AS_CHILDS = {
    "sister's newborn": "newborn cousin",
    "brother's newborn": "newborn cousin",
    "sister's baby": "baby cousin",
    "brother's baby": "baby cousin",
    "mother": "grandmother",
    "mum": "grandmother",
    "father": "grandfather",
    "dad": "grandfather",
    "wife": "mother",
    "husband": "father",
    "partner": "other parent",
    "brother": "uncle",
    "sister": "aunt",
    "children": "brothers and sisters",
    "kids": "brothers and sisters",
    "son": "brother",
    "daughter": "sister",
    "baby": "baby brother or sister",
}


def writes_of_child(intake: IntakeRecord) -> bool:
    """Whether a parent writes about their child ("my son Aarav", "our baby"); a grandparent's "my
    grandson" is not a parent's, so "my mother" is not the child's grandmother then."""
    text = "\n".join([intake.reason_for_second_opinion, intake.main_question])
    return any(not m.group(0).lower().split()[-1].startswith("grand") for m in PARENT_WRITES.finditer(text))


#: A grown-up child writing for a parent ("on behalf of my father", "My mum, 81, has ...").
_FOR_PARENT = re.compile(
    r"\b(?:for|about|behalf of)\s+my\s+(?:\w+\s+)?(?:father|dad|mother|mum|mom|parents?)\b|"
    r"^\W*my\s+(?:elderly\s+)?(?:father|dad|mother|mum|mom)\b",
    re.I,
)
_AS_GRANDCHILDS = {
    "son": "grandson",
    "daughter": "granddaughter",
    "child": "grandchild",
    "children": "grandchildren",
    "kids": "grandchildren",
    "kid": "grandchild",
    "baby": "grandchild",
    "wife": "daughter-in-law",
    "husband": "son-in-law",
}


def _writes_of_parent(intake: IntakeRecord) -> bool:
    return bool(
        _FOR_PARENT.search(intake.reason_for_second_opinion.strip()[:200])
        or _FOR_PARENT.search(intake.main_question.strip()[:120])
    )


_GRANDCHILD = re.compile(
    r"\bgrand(?:daughter|son|child|children|baby|kids?)\b|"
    r"\b(?:daughter|son|daughter-in-law)\b[^.;!?\n]{0,60}\b(?:pregnant|due|expecting|new baby|baby)\b",
    re.I,
)


def patients_relation(relative: str, intake: IntakeRecord, sentence: str = "") -> str:
    """The writer's relatives named as the patient's: when a parent writes about a child, "my mother"
    is the patient's grandmother (a read draft asked "whether the patient's mother is at risk" of a
    4-year-old's grandmother with a months-long cough)."""
    if relative == "baby" and intake.age is not None and intake.age < 2:
        return ""  # "is the baby contagious?" of a baby asks whether the patient can pass it on
    if (
        "baby" in relative.split()
        and intake.age is not None
        and intake.age >= 50
        and _GRANDCHILD.search(
            "\n".join([intake.reason_for_second_opinion, intake.history, intake.main_question])
        )
    ):
        # a grandparent's "the new baby", "the baby" is a grandchild, born or on the way (read drafts answered
        # "On the patient's baby" to a 72-year-old staying with her pregnant daughter and a 70-year-old
        # whose grandson is 3 months old)
        return re.sub(r"\bbaby\b", "baby grandchild", relative)
    if relative and intake.age is not None and intake.age >= 18 and _writes_of_parent(intake):
        # A son writing for his father: "our 8-month-old son" is the patient's grandson (a read draft
        # asked "whether the patient's baby is at risk" of a 69-year-old man).
        words = re.split(r"(, | and )", relative)
        return "".join(_AS_GRANDCHILDS.get(w, w) for w in words)
    if not relative or intake.age is None or intake.age >= 16:
        return relative
    if not writes_of_child(intake):
        return relative
    words = re.split(r"(, | and )", relative)

    def theirs(word: str) -> bool:
        # "her baby brother" of the child is already the child's relative, not the writer's
        return bool(re.search(rf"\b(?:his|her|their) (?:[\w-]+ )?{re.escape(word)}\b", sentence, re.I))

    return "".join(w if theirs(w) else _AS_CHILDS.get(w, w) for w in words)


#: Pregnant now or just after a birth ("24 weeks pregnant", "I am pregnant", "gave birth 3 weeks ago").
_PREGNANT_NOW = re.compile(
    r"\b(?:\d+ ?(?:weeks?|wks?) pregnant|(?:i am|i'm|im|she is|she's|currently|now) (?:\w+ )?pregnant|"
    # "is it safe for me to get pregnant again?" asks about a pregnancy to come (a read summary said
    # "pregnant or recently gave birth")
    r"(?<!get )(?<!getting )(?<!become )(?<!becoming )(?<!fall )(?<!falling )pregnant (?:with|again)|"
    r"(?:first|second|third) trimester|post-?partum|"
    # "33+2/40", "I'm 33 weeks with my first baby", "uncomplicated pregnancy to date" (a read draft offered a
    # D-dimer to a woman 33 weeks pregnant)
    r"\d{1,2}\s?(?:\+\s?\d\s?)?/40|"
    # "I'm 34+2 with my second", "G2P1 at 34+2 weeks", a diagnosis of "normal pregnancy breathlessness" (a
    # read draft offered a D-dimer to a woman 34 weeks pregnant)
    r"(?:i'?m|i am|im|she'?s|she is|at|now|currently) \d{1,2}\s?\+\s?\d\b|\d{1,2}\s?\+\s?\d ?(?:weeks?|wks?)|"
    r"g\d\s?p\d\b|pregnancy (?:breathlessness|heartburn|rhinitis|anaemia|anemia)|"
    r"(?:i'?m|i am|im|she'?s|she is|now|currently) \d{1,2} ?(?:weeks?|wks?)(?= along| gone|\s*[.,;!])|"
    r"\d{1,2} ?(?:weeks?|wks?) with (?:my|her|our|the) (?:first |second |third |fourth )?"
    r"(?:baby|child|pregnancy)|"
    r"pregnancy (?:to date|so far)|"
    r"(?:gave|given) birth (?:\d+|one|two|three|four|five|six|a few) (?:days?|weeks?) ago|"
    # "10 days after an emergency caesarean" (a new case's summary left the birth out)
    r"(?:(?:\d+|one|two|three|four|five|six|seven|eight|nine|ten|a few) (?:days?|weeks?)|day \d+) "
    r"(?:after|since|post|following) "
    r"(?:the |my |her |an? )?(?:emergency |planned |elective )?(?:birth|delivery|c-?section|caesarean))\b",
    re.I,
)


#: The words of :data:`_PREGNANT_NOW` that tell of a birth already given, not a pregnancy going on.
_AFTER_BIRTH = re.compile(r"post-?partum|birth|delivery|c-?section|caesarean", re.I)


def pregnancy_said(intake: IntakeRecord) -> str:
    """How the summary says :func:`pregnant_now`: "pregnant", "recently gave birth" when only one of them is
    told, "pregnant or recently gave birth" otherwise, "" when neither (a read summary said "pregnant or
    recently gave birth" of a woman five weeks after her baby was born)."""
    kinds = {bool(_AFTER_BIRTH.search(m.group(0))) for m in _own_pregnancy_mentions(intake)}
    if not kinds:
        return ""
    return {frozenset({True}): "recently gave birth", frozenset({False}): "pregnant"}.get(
        frozenset(kinds), "pregnant or recently gave birth"
    )


def pregnant_now(intake: IntakeRecord) -> bool:
    """Pregnant now, or within weeks of a birth (a clot is then tested for without the D-dimer)."""
    return bool(_own_pregnancy_mentions(intake))


#: Women the story may name beside the patient, not a wife or a mother, whom a carer writing for the patient
#: may call "she": "she is pregnant" after "my only daughter is 24" is the daughter's pregnancy.
_OTHER_WOMEN = r"daughter|daughter-in-law|sister|niece|granddaughter|friend|neighbou?r|colleague"
_WOMAN_NAMED = re.compile(rf"\b(?:{_OTHER_WOMEN})\b", re.I)


#: A partner writing for the patient: "I am writing for my wife", "My partner (29) is 30 weeks pregnant".
_FOR_PARTNER = re.compile(
    r"\b(?:for|about|behalf of)\s+my\s+(?:\w+\s+)?(?:wife|partner|girlfriend|fianc\S*)\b|"
    r"^\W*my\s+(?:wife|partner|girlfriend|fianc\S*)\b",
    re.I,
)
#: Someone else, when a partner writes: then "she" and "my wife" are the patient.
_SOMEONE_ELSE_FOR_PARTNER = re.compile(rf"\b(?:{_OTHER_WOMEN}|mum|mother)\b[^.;!?\n]*$", re.I)


def _own_pregnancy_mentions(intake: IntakeRecord) -> list[re.Match[str]]:
    """The mentions of a pregnancy now, or a recent birth, that are the patient's: not a daughter's ("my
    daughter is 30 weeks pregnant", and "she is pregnant" a few sentences after her; a read summary called a
    woman of 53 pregnant), nor one long past. When a partner writes ("I am writing for my wife. She is 30
    weeks pregnant"), "she" and "my wife" are the patient. None for a man, a child under 12 or a woman over
    55, nor in a child's intake a parent writes (the pregnancy is the mother's)."""
    if intake.sex.strip().lower() not in {"female", "woman"}:
        return []
    if intake.age is not None and (intake.age < 12 or intake.age > 55):
        return []
    if intake.age is not None and intake.age < 18 and writes_of_child(intake):
        return []
    # "my daughter is 30 weeks pregnant" is the daughter's pregnancy, not the patient's; "pulmonary embolism
    # postpartum (emergency caesarean) 5 years ago" is a past birth (a read summary said "pregnant or recently
    # gave birth" of a woman whose last birth was five years before)
    text = "\n".join([intake.reason_for_second_opinion, intake.history, intake.main_question])
    partner = bool(
        _FOR_PARTNER.search(intake.reason_for_second_opinion.strip()[:200])
        or _FOR_PARTNER.search(intake.main_question.strip()[:120])
    )
    someone_else = _SOMEONE_ELSE_FOR_PARTNER if partner else _SOMEONE_ELSE
    return [
        m
        for m in _PREGNANT_NOW.finditer(text)
        if not someone_else.search(text[max(0, m.start() - 40) : m.start()])
        and not (
            m.group(0).lower().startswith("she")
            and _WOMAN_NAMED.search(text[max(0, m.start() - 200) : m.start()])
        )
        and not _LONG_AGO.match(re.split(r"[.;!?\n]", text[m.end() :])[0])
    ]


#: How long ago something happened, in words ("5 years ago", "a few months ago", "in 2019", "last summer").
_NUMBER_WORDS = r"(?:\d+|a|an|one|two|three|four|five|six|seven|eight|nine|ten|eleven|several|many|a few)"
_YEARS_BACK = (
    rf"{_NUMBER_WORDS} (?:months?|years?) ago|in (?:19|20)\d\d|"
    r"(?:last|over the) (?:summer|winter|spring|autumn|year)"
)

#: The rest of a sentence that dates what it follows months or years back ("... 5 years ago", "in 2019").
_LONG_AGO = re.compile(rf"^[^.;!?\n]{{0,60}}?\b(?:{_YEARS_BACK})\b", re.I)

#: A sentence dated weeks, months or years back, anywhere in it.
_WEEKS_BACK = re.compile(rf"\b(?:{_NUMBER_WORDS} weeks? ago|{_YEARS_BACK})\b", re.I)


def dated_weeks_back(sentence: str) -> bool:
    """Whether ``sentence`` dates what it tells weeks, months or years back ("choked on peanuts about 11
    months ago", "last summer at a barbecue he choked")."""
    return bool(_WEEKS_BACK.search(sentence))


_SOMEONE_ELSE = re.compile(
    r"\b(?:daughter|daughter-in-law|she|she's|her|wife|sister|mum|mother|partner|girlfriend|niece|friend|"
    r"granddaughter|neighbou?r|colleague)\b[^.;!?\n]*$",
    re.I,
)


#: A birth told of: "the baby" is then a newborn, not the unborn baby.
_BORN = re.compile(
    r"\b(?:gave birth|given birth|born|newborn|new-born|post-?partum|post-?natal|delivered)\b", re.I
)


def _unborn_baby(intake: IntakeRecord) -> bool:
    """Pregnant now, with no birth told of: "the baby" is the unborn baby (a read draft asked "whether the
    patient's baby is at risk and needs a test" of a woman 27 weeks pregnant asking if amoxicillin was
    safe)."""
    text = "\n".join([intake.reason_for_second_opinion, intake.history, intake.main_question])
    return pregnant_now(intake) and not _BORN.search(text)


def _topic_questions(intake: IntakeRecord) -> list[Asked]:
    """Next-step questions by topic (tests, urgent care, activity, smoking, exposures, timing,
    contacts), in order asked."""
    out: list[Asked] = []
    child = intake.age is not None and intake.age < 16
    unborn = _unborn_baby(intake)
    for sentence in _question_texts(intake):
        relative = patients_relation(relative_at_risk(sentence), intake, sentence)
        if unborn and relative == "baby":
            relative = ""  # "is the amoxicillin safe for the baby?" in pregnancy asks of the unborn baby
        asks = sentence.rstrip().endswith("?")
        if relative:
            many = " and " in relative or bool(_MANY.search(relative))
            found: list[Asked] = [
                (
                    "contacts",
                    f"whether the patient's {relative} {'are' if many else 'is'} at risk and "
                    f"{'need' if many else 'needs'} a test",
                    [relative],
                    [],
                )
            ]
        else:
            found = [
                a for clause in _clauses(sentence) for a in _clause_topics(clause, child=child, question=asks)
            ]
        # How long the illness lasts is asked of the whole sentence ("how long will the cough and the
        # fast breathing last"), which the clauses split.
        if asks and _RECOVERY_Q.search(sentence) and not _HOW_LONG_TREATED.search(sentence):
            found.append(
                ("recovery", "how long the illness usually lasts and what recovery looks like", [], [])
            )
        if asks and _OUTLOOK_Q.search(sentence):
            found.append(("outlook", "what the outlook usually is", [], []))
        if asks and _RECURRENCE_Q.search(sentence):
            found.append(
                ("recurrence", "whether it is likely to come back, and what lowers that chance", [], [])
            )
        # One question per topic and subjects, also when two clauses of one sentence ask it
        # ("could it be bird fancier's lung from my budgies, ..., do I need to get rid of the birds");
        # activities are merged below, with every word that names them.
        seen = {b[0] + ":" + ",".join(b[2]) for b in out}
        for a in found:
            key = a[0] + ":" + ",".join(a[2])
            if key not in seen:
                out.append(a)
                seen |= set() if a[0] == "activity" else {key}
    # "If it's smear negative is it still contagious?" names no one: a question about the people around
    # the patient all the same (read drafts of a man with TB left it unanswered).
    if not any(a[0] == "contacts" for a in out) and any(
        _CATCHING_Q.search(s) and s.rstrip().endswith("?") for s in _question_texts(intake)
    ):
        out.append(("contacts", "whether the illness can be passed on to others", [], []))
    return _one_duration_question(_one_activity_question(out))


#: A question whether the illness passes to other people, when it names no one.
_CATCHING_Q = re.compile(
    r"\b(?:is|are|was) (?:it|this|that|he|she|they|i|the (?:infection|illness|tb|disease)|(?:the|my|our) "
    r"(?:baby|son|daughter|child|little one))(?: still)? "
    r"(?:contagious|infectious|catching)\b|\bcan (?:it|this|that) (?:be )?(?:spread|passed on|caught)\b|"
    r"\bcan (?:i|he|she|they) (?:spread|pass) (?:it|this)\b",
    re.I,
)


def _one_activity_question(asked: list[Asked]) -> list[Asked]:
    """Activities asked about (flying, sport, diving) as one question, answered once, where the first was."""
    activities = [a for a in asked if a[0] == "activity"]
    if len(activities) < 2:
        return asked
    words: dict[str, list[str]] = {}
    for _, _, subjects, said in activities:
        for key in subjects:
            words.setdefault(key, []).extend(said)
    merged = _activity_asked(words)
    first = next(i for i, a in enumerate(asked) if a[0] == "activity")
    rest = [a for a in asked if a[0] != "activity"]
    return [*rest[:first], merged, *rest[first:]]


def side_effects_asked(intake: IntakeRecord) -> list[tuple[str, str]]:
    """(medicine, note) for each question whether a problem comes from a listed medicine."""
    asks = [s for s in _question_texts(intake) if s.rstrip().endswith("?")]
    return side_effect_notes(asks, intake.medications, intake.symptom_text)


def treatment_subjects(intake: IntakeRecord) -> list[str]:
    """Keys of the treatments the patient's questions name ('steroid', 'diuretic'), in order."""
    text = "\n".join(_question_texts(intake)) or intake.main_question
    keys = [t.key for t in topics_in(correct_spelling(text, _TREATMENT_WORDS), ["treatment"])]
    # "the steroid inhaler", "steroids every day" beside Clenil: an inhaled steroid, not tablets.
    listed = "\n".join([text, *intake.medications])
    inhaled = topic("steroid_inhaler")
    if "steroid" in keys and inhaled.search(listed) and not _STEROID_TABLETS.search(listed):
        keys = [("steroid_inhaler" if k == "steroid" else k) for k in keys]
        # "the steroid inhaler" names one inhaler, not also the inhalers in general
        if "inhaler" in keys and not topic("inhaler").search(_without(inhaled, text)):
            keys.remove("inhaler")
    # "blood thinner" for someone on clopidogrel alone: an antiplatelet, not an anticoagulant.
    meds = "\n".join(intake.medications)
    if (
        "anticoagulant" in keys
        and topic("antiplatelet").search(meds)
        and not topic("anticoagulant").search(meds)
    ):
        keys = [("antiplatelet" if k == "anticoagulant" else k) for k in keys]
    # "Did the morphine cause it?": a medicine asked about only as the cause of the illness is no question
    # about treatment (a new case's hydroxyurea question was summarised as one about codeine-type medicines)
    keys = [k for k in keys if not _asked_only_as_cause(topic(k), text)]
    # medicines in pregnancy only for a patient pregnant now ("is it something I did in pregnancy?" of a
    # baby's CF, "because of the miscarriages" are no such question)
    if "pregnancy" in keys and not _unborn_baby(intake):
        keys.remove("pregnancy")
    return list(dict.fromkeys(keys))


#: "is the positive test because of BCG vaccine?": whether the vaccine explains a TB test's result
_BCG_TEST = re.compile(
    r"\bbcg\b[^.?]{0,80}\b(?:tests?|positive|results?|igra|mantoux|quantiferon)\b|"
    r"\b(?:tests?|positive|results?|igra|mantoux|quantiferon)\b[^.?]{0,80}\bbcg\b",
    re.I,
)
#: "before the morphine she was fine": a time, not a question about the medicine
_TIME_BEFORE = re.compile(r"\b(?:before|until|till)\s+(?:the |her |his |my |their |that )?$", re.I)
_TREATMENT_VERB = re.compile(
    r"\b(?:stop\w*|keep\w*|switch\w*|chang\w*|continu\w*|carry on|come off|tak(?:e|ing)|start\w*|doses?|"
    r"safe|need\w*|use|using|right|better|instead)\b",
    re.I,
)


def _without_causes(intake: IntakeRecord, text: str) -> str:
    """``text`` without the treatments the questions name only as a cause of the illness."""
    questions_text = "\n".join(_question_texts(intake)) or intake.main_question
    for t in topics_in(questions_text, ["treatment"]):
        if _asked_only_as_cause(t, questions_text):
            text = _without(t, text)
    return text


def _asked_only_as_cause(t: Topic, questions_text: str) -> bool:
    """Whether the questions name treatment ``t`` only as a cause of the illness; "is the positive test
    because of BCG vaccine?" asks about the vaccine itself (whether it explains the test)."""
    if t.key == "vaccines" and _BCG_TEST.search(questions_text):
        return False
    return _named_only_as_cause(t, questions_text)


def _named_only_as_cause(t: Topic, text: str) -> bool:
    """Whether every sentence of ``text`` that names ``t`` names it only as a cause of the illness and
    asks nothing else about it ("Did the morphine cause it?"; not "Could the inhaler cause thrush, should I
    stop it?")."""
    naming = [s for s in re.split(r"(?<=[.?!])\s+|\n", text) if t.search(s)]
    return bool(naming) and all(
        all(
            _CAUSE_BEFORE.search(s[: m.start()])
            or _CAUSE_AFTER.search(s[m.end() :])
            or _TIME_BEFORE.search(s[: m.start()])
            for m in t.spots(s)
        )
        and not _TREATMENT_VERB.search(_without(t, s))
        for s in naming
    )


def _without(t: Topic, text: str) -> str:
    """``text`` with every place naming topic ``t`` blanked out."""
    for m in sorted(t.spots(text), key=lambda m: m.start(), reverse=True):
        text = text[: m.start()] + " " + text[m.end() :]
    return text


_STEROID_TABLETS = re.compile(
    r"\b(?:prednisolone|prednisone|dexamethasone|hydrocortisone(?! cream| ointment)|"
    r"steroid (?:tablets?|pills?|course)|oral steroids?)\b",
    re.I,
)


_TREATMENT_WORDS = ("antibiotic", "antibiotics", "steroids", "inhalers", "medicine", "medicines")


#: A question asking what else it could be, naming nothing: "is something else going on?", "could it be
#: something else?", "could they have missed something?" (not "is there anything else I should do?").
ASKS_WHAT_ELSE = re.compile(
    r"\b(?:could|might|may|can) (?:it|this|that|these|they) (?:really )?(?:be|have been) "
    r"(?:something|anything) else\b|"
    r"\bsomething else (?:going on|causing|behind|wrong)\b|\bor (?:is )?(?:it )?something else\b|"
    r"\bwhat else (?:could|might|can) (?:it|this|that|be causing)\b|\bother (?:causes?|possibilit\w+|"
    r"explanations?)\b|\b(?:could|might|did) (?:they|the doctors?|the gp|he|she) (?:have )?miss(?:ed)? "
    r"(?:something|anything)\b",
    re.I,
)


#: A question doubting the diagnosis without naming another: "is it only pneumonia like the doctor say?", "is
#: this actually just anxiety?", "do I really have heart failure?", "why isn't the pneumonia going?", "why are
#: the antibiotics not working?". The answer is what the story points to instead (a new round's father of a
#: child with sickle cell disease and a teenager whose weakness was spreading asked only this).
DOUBTS_THE_DIAGNOSIS = re.compile(
    r"\b(?:is|was|it'?s|it is) (?:it|this|that|she|he)?\s?(?:really|actually|just|only|definitely|truly|"
    r"simply|merely) "
    r"(?!worth|safe|necessary|needed|ok|okay|fine|normal|serious|dangerous|bad|urgent|that bad)|"
    r"\b(?:do|does) (?:i|we|he|she|they) (?:really|actually|definitely) (?:have|need)\b(?! (?:to|a|an|the) )|"
    r"\bwhy (?:is|are|isn'?t|aren'?t|has|have|hasn'?t|haven'?t|did|didn'?t|does|doesn'?t|won'?t|is the \w+) "
    r"[^.?!]{0,40}\b(?:not (?:working|helping|going|clearing|getting better|improving)|working|helping|"
    r"going(?: away)?(?! to)|clearing|get(?:ting)? better|improv\w*)\b|"
    r"\bis (?:\w+ ){1,3}the right diagnosis\b",
    re.I,
)
#: Why an alternative is in the differential when the account only names it.
_MENTIONED_ONLY = frozenset(
    {
        "the account of the illness mentions it",
        "the question about antibiotics asks whether a bacterial infection is present as well",
        "what the account says was breathed in (such as birds, mould or dust) can cause it",
    }
)


def with_raised_asked(
    subs: list[SubQuestion],
    intake: IntakeRecord,
    raised: Sequence[tuple[Condition, str]],
    *,
    limit: int = 2,
    same_day: bool = False,
) -> list[SubQuestion]:
    """``subs`` with, when the question asks what else it could be, the alternatives the story or the
    findings raise (``raised``: the differential, with why) asked about too, the first ``limit`` of them,
    after the alternatives already named (a new case's "is this really a slow pneumonia or is something else
    going on?" of a toddler who had choked on nuts left the inhaled object out of the answers). With
    ``same_day`` (the story has signs that need a doctor today) the first urgent alternative it raises is
    asked about whatever the question."""
    what_else = bool(ASKS_WHAT_ELSE.search(intake.main_question))
    have = {q.condition for q in subs if q.kind == "could_it_be"}
    dx = diagnosis_condition(intake)
    # "is it really X or could it be Y?" is answered by Y; only a doubt naming nothing else asks what else
    if not what_else and (have or not DOUBTS_THE_DIAGNOSIS.search(intake.main_question)):
        # ... but an urgent alternative the story itself raises, beside signs that need a doctor today, is
        # answered whatever was asked (a woman told of panic, asking only about her sertraline, had a swollen
        # calf, a racing pulse and chest pain after a long flight on the pill: the clot went unanswered)
        urgent = [
            c
            for c, why in raised
            if c.urgent
            and c.key not in have
            and c != dx
            and why not in {"it was asked about"} | _MENTIONED_ONLY
        ][:1]
        if not urgent or not same_day:
            return subs
        return _with_asked(subs, urgent)
    # a doubt ("is it only pneumonia?") is answered with what the story itself points to, not with every
    # condition the account happens to mention
    weak = {"it was asked about"} | (set() if what_else else _MENTIONED_ONLY)
    extra = [c for c, why in raised if c.key not in have and c != dx and why not in weak][:limit]
    if not extra:
        return subs
    return _with_asked(subs, extra)


def _with_asked(subs: list[SubQuestion], extra: Sequence[Condition]) -> list[SubQuestion]:
    """``subs`` with ``extra`` asked about as alternatives, after the alternatives already asked."""
    at = max((i for i, q in enumerate(subs) if q.kind in ("diagnosis_right", "could_it_be")), default=0) + 1
    added = [
        {"kind": "could_it_be", "condition": c.key, "summary": f"whether it could be {c.name} instead"}
        for c in extra
    ]
    fields = [q.model_dump() for q in subs[:at]] + added + [q.model_dump() for q in subs[at:]]
    return [SubQuestion(**{**f, "id": f"q{i}"}) for i, f in enumerate(fields, start=1)]


#: The next-step question every draft answers when none was asked (its summary tells it from one asked).
UNASKED_NEXT = "what happens next"
#: Next-step topics that ask about the plan itself (tests, urgency, hospital, timing), not a part of life.
_PLAN_TOPICS = frozenset({"", "tests", "urgent", "hospital", "timing", "care_plan"})


def parse_sub_questions(intake: IntakeRecord, *, has_images: bool) -> list[SubQuestion]:
    """The patient's questions as typed sub-questions, in the third person.

    Args:
        intake: What the patient told the intake conversation.
        has_images: Whether images were uploaded (an image question is then always answered).

    Returns:
        Always one "is the diagnosis right" question; then one per named alternative,
        the images, treatment (naming the medicines asked about), and one next-step
        question per topic asked (tests, urgent care, activity, contacts) or a general one.
    """
    dx = _diagnosis_name(intake)
    asked = correct_spelling(
        "\n".join([intake.main_question, intake.reason_for_second_opinion]), _TREATMENT_WORDS
    )
    right = (
        "whether the first diagnosis is right"
        if dx == _UNNAMED
        else f"whether the diagnosis of {dx} is right"
    )
    out: list[dict[str, Any]] = [{"kind": "diagnosis_right", "summary": right}]
    for cond in named_alternatives(intake):
        if cond.key in _ALONGSIDE:
            summary = f"whether {cond.name} could be behind it or present as well"
        elif cond.key == "pneumonia" and bacterial_asked(intake):
            summary = "whether a bacterial pneumonia could be present, as well as or instead of it"
        else:
            summary = f"whether it could be {cond.name} instead"
        out.append({"kind": "could_it_be", "condition": cond.key, "summary": summary})
    for name in unknown_alternatives(intake):  # not known here: neither "instead" nor "as well" is assumed
        out.append({"kind": "could_it_be", "condition": name, "summary": f"whether it could be {name}"})
    if has_images:
        out.append({"kind": "images", "summary": "what the uploaded images show"})
    elif _IMAGES_ASKED.search(asked):
        # nothing uploaded: a question about what earlier images showed, not whether to have an X-ray
        # ("shouldn't she have an xray?" was answered as "what the uploaded images show")
        out.append({"kind": "images", "summary": "what the earlier images or their report show"})
    subjects = treatment_subjects(intake)
    effects = side_effects_asked(intake)
    # "could it be a blood clot from the pill??": a medicine named only as a cause asks no treatment question
    treat_text = _without_causes(intake, asked)
    if (
        subjects
        or effects
        or _TREATMENT.search(treat_text)
        or (intake.medications and "treat" in treat_text.lower())
    ):
        names = [medicine_name(topic(k), intake.medications) for k in subjects if k not in ADVICE_ONLY]
        # None of them listed: the question is whether one is needed, not whether it is right.
        listed = any(prescribed(topic(k), intake.medications) for k in subjects if k not in ADVICE_ONLY)
        right = ", and whether it is the right treatment" if listed else ""
        what = f"whether the patient needs {join_names(names)}{right}" if names else ""
        # a vaccine asked about is no current treatment (a baby's "should she have had the RSV injection?"
        # was summarised as "whether the current treatment is the right one")
        baby = intake.age is not None and intake.age < 2
        jabs = (
            (
                "whether the baby should have the RSV injection"
                if baby
                else "whether RSV protection is advised"
            )
            if "rsv_immunisation" in subjects
            else "whether the BCG vaccine affects the TB test"
            if "vaccines" in subjects and _BCG_TEST.search(asked)
            else "which vaccines are advised"
            if "vaccines" in subjects
            else ""
        )
        # "is the positive test because of BCG? is necessary 3 month medicine?": a treatment asked beside the
        # vaccine (a new case's question about his latent-TB tablets went unlisted)
        questions_asked = "\n".join(_question_texts(intake))
        if jabs and not what and _TREATMENT.search(_without(topic("vaccines"), questions_asked)):
            what = "whether the current treatment is the right one"
        summary = (f"{what}, and {jabs}" if what and jabs else what or jabs) or (
            "whether the current treatment is the right one"
        )
        if "interaction" in subjects:
            summary += ", and whether it can be taken with the other medicines"
        if "alcohol" in subjects:
            summary += ", and whether alcohol is safe with it"
        if "fasting" in subjects:
            summary += ", and whether it can be taken while fasting"
        if "pregnancy" in subjects:
            summary += ", and whether it is safe in pregnancy"
        if effects:
            meds = join_names(list(dict.fromkeys(m for m, _ in effects)))
            summary = (
                f"whether a symptom could be a side effect of {meds}"
                if not names and not subjects and not _TREATMENT.search(treat_text)
                else summary + f", and whether a symptom could be a side effect of {meds}"
            )
        out.append({"kind": "treatment", "summary": summary, "subjects": subjects})
    topical = _topic_questions(intake)
    for cond in risk_conditions(intake):
        topical.append(
            ("risk", f"whether the patient is at risk of {cond.name}, and what lowers it", [cond.key], [])
        )
    if _NEXT.search(_without_topics(asked)):
        out.append({"kind": "next_steps", "summary": "what should happen next"})
    out += [
        {"kind": "next_steps", "topic": t, "summary": summ, "subjects": subj} for t, summ, subj, _ in topical
    ]
    # a second opinion always says what happens next, asked or not: a new round's father who asked only "is
    # it only pneumonia? is the amoxicillin enough?" of a child with sickle cell disease, and a teenager who
    # asked "is this actually just anxiety?" as her weakness spread, were given no next step at all (95 of
    # 1,282 cases asked none)
    # ... and a question about breastfeeding, the gym or smoking is no plan (a new case's mother three weeks
    # after a caesarean asked only whether she could keep breastfeeding, and was told nothing of what next)
    if not any(f["kind"] == "next_steps" and f.get("topic", "") in _PLAN_TOPICS for f in out):
        out.append({"kind": "next_steps", "summary": UNASKED_NEXT})
    return [SubQuestion(id=f"q{i}", **fields) for i, fields in enumerate(out, start=1)]


def _without_topics(text: str) -> str:
    """``text`` without the clauses that ask a topic question or about a treatment."""
    keep = []
    for sentence in _SENTENCE.split(text):
        if relative_at_risk(sentence):
            continue
        # the recovery clause only: "when will i be better and can i go back to my allotment and what should i
        # do to be safe" asks what to do as well (a new case's next-step question went unlisted)
        keep += [
            c
            for c in _clauses(sentence)
            if not _clause_topics(c)
            and not [t for t in topics_in(c, ["treatment"]) if t.key not in CARE_PLANS]
            and not _EXPOSURE_FOLLOW_UP.search(c)
            and not (_RECOVERY_Q.search(c) and not _HOW_LONG_TREATED.search(c))
        ]
    return " ".join(keep)


#: What to do about an exposure just asked about ("and should I get rid of them"): part of that question.
_EXPOSURE_FOLLOW_UP = re.compile(r"\b(get rid of|re-?home|give (?:them|it) away|part with)\b", re.I)


_FIRST_PERSON = re.compile(r"\b(i|i'm|i've|me|my|we|our|his|her|he|she)\b", re.I)
#: A diagnosis that names no condition ("'it's just your age' and a bit of arthritis"): what the patient was
#: told, as the draft refers to it (a read draft asked for "a diagnosis of the condition first diagnosed").
UNNAMED = "the explanation first given"
_UNNAMED = UNNAMED


def _diagnosis_name(intake: IntakeRecord) -> str:
    cond = diagnosis_condition(intake)
    if cond is not None:
        alongside = [c.name for c in companions(intake.diagnosis_in_question) if c.key != cond.refines]
        return " and ".join([cond.name, *alongside[:2]])
    clause = re.split(r"[,;(]| - ", intake.diagnosis_in_question)[0]
    text = " ".join(clause.split()).rstrip(".")
    if text and len(text.split()) <= 6 and not _FIRST_PERSON.search(text) and not re.search(r"\d", text):
        return text.lower()
    return _UNNAMED


def symptom_names(text: str) -> list[str]:
    """Symptoms recognised in free text, named in plain words, each once."""
    return _subsumed([name for pattern, name in _SYMPTOM_PATTERNS if pattern.search(text)])


#: Weight lost on purpose ("on a diet", "trying to lose it"): not the symptom.
_ON_PURPOSE = re.compile(
    r"\b(?:on purpose|intentional\w*|deliberate\w*|diet\w*|trying to lose|tried to lose|meant to|"
    r"slimming|weight watchers|gym)\b",
    re.I,
)
#: A symptom said only to deny it: "no fever", "not coughing".


def reported_symptoms(intake: IntakeRecord) -> list[str]:
    """The symptom list's symptoms in plain names, leaving out any the patient denies ("no fever")."""
    found = [name for symptom in intake.symptoms for name in asserted_symptom_names(symptom.description)]
    return _subsumed(found)


def _subsumed(found: list[str]) -> list[str]:
    """Each name once, without those a more specific one covers ("a cough" in "coughing blood")."""
    for name, dropped in _SUBSUMES.items():
        if name in found:
            found = [f for f in found if f not in dropped]
    return list(dict.fromkeys(found))


def duration_in(*texts: str) -> str:
    """The first duration such as '10 days' in ``texts``, or ''; not a delay ("comes a few hours after loft
    or welding": a read summary gave "flu-like aches for a few hours" to aches on and off for years)."""
    for text in texts:
        for match in _DURATION.finditer(text):
            if not _A_DELAY.match(text, match.end()):
                return " ".join(match.group(1).lower().split())
    return ""


_A_DELAY = re.compile(r"\s+(?:after|later|before)\b", re.I)


#: A collapse in a sentence about the lungs is a lung's, not a faint (a read summary listed fainting for a
#: man asking "is it really just a collapse or is it pneumonia?" of his collapsed lower lobe).
_LUNG_WORDS = re.compile(r"\b(?:lungs?|lobes?|atelectasis|pneumonia|x-?rays?|scan|film|airways?)\b", re.I)


def asserted_symptom_names(text: str) -> list[str]:
    """Symptoms recognised in free text, leaving out those said only to deny them ("if I have no
    fever", "not coughing")."""
    found = []
    for pattern, name in _SYMPTOM_PATTERNS:
        for m in pattern.finditer(text):
            clause = re.split(r"[;,.?!\n]", text[: m.start()])[-1]
            after = re.split(r"[;.?!\n]", text[m.end() :])[0]
            if name == "weight loss" and _ON_PURPOSE.search(clause + " " + after):
                continue  # "lost half a stone on purpose" is no symptom
            sentence = (
                re.split(r"[.?!\n]", text[: m.start()])[-1] + " " + re.split(r"[.?!\n]", text[m.end() :])[0]
            )
            if (
                name == "fainting"
                and m.group(0).lower().startswith("collaps")
                and _LUNG_WORDS.search(sentence)
            ):
                continue  # "is it really just a collapse or is it pneumonia?" asks of a collapsed lobe
            denied = DENIED_BEFORE.search(clause) or denied_in_list(
                re.split(r"[;.?!\n]", text[: m.start()])[-1], after
            )
            if not denied:
                found.append(name)
                break
    return _subsumed(found)


_EVENT = re.compile(
    r"\b(?:once|one time|twice|a single|seconds?|before (?:the )?(?:illness|it started|this))\b|"
    # "a minute or so", "sudden, 10 days ago" (a read summary gave "a choking episode for about 10 days")
    r"^\s*(?:a|about|around|under|less than|\d+(?:-\d+)?)\s+(?:\w+\s+)?(?:minutes?|mins?)\b",
    re.I,
)


_LASTED = re.compile(r"\b(?:lasted|lasting|for)\s+(.+)$", re.I)


#: A symptom told as separate episodes: "two episodes of high fever", "3 times in 18 months".
#: Not a rate: "diarrhoea 3-4 times a day", "chest infections 3-4 times a year".
#: Bouts that come back, said without a count: "repeated chest infections", onset "recurrent".
_RECURRING = re.compile(r"\b(?:repeated|recurrent|recurring|keeps? (?:getting|coming back))\b", re.I)
_EPISODES = re.compile(
    r"\b(\d+|two|three|four|five|six)\s+(?:times|episodes|bouts|attacks|"
    r"(?:\w+\s+)?(?:pneumonias|chest infections|infections))\b"
    r"(?!\s+(?:a|per|each|every)\s+(?:day|night|week|month|year|winter))",
    re.I,
)
#: The count and the time they fell in, as the duration says it: "3 times in 18 months", "4 episodes in 7
#: months".
_TIMES_IN = re.compile(
    r"\b(?:\d+|two|three|four|five|six|several|many)\s+(?:times|episodes)\s+(?:in|over|since)\s+"
    r"(?:the\s+)?(?:last\s+|past\s+)?[\w ]+",
    re.I,
)


def symptom_durations(intake: IntakeRecord) -> list[tuple[list[str], str]]:
    """Each symptom entry's plain names with its own duration ('' when none), in order, each name once.

    Symptoms named only in the main question come last, without a duration: a fever of three
    days is never reported as lasting the months that a cough has.
    """
    out: list[tuple[list[str], str]] = []
    seen: set[str] = set()

    def already_said(name: str) -> bool:
        # a name an earlier entry's symptom already holds ("coughing fits" holds "a cough") is not said again
        # with a later entry's duration ("sore ribs from coughing, 1 week": a read summary gave "a cough and
        # chest pain for about 1 week" to a man coughing for 4 weeks)
        return name in seen or any(name in _SUBSUMES.get(s, ()) for s in seen)

    for i, symptom in enumerate(intake.symptoms):
        names = [n for n in asserted_symptom_names(symptom.description) if not already_said(n)]
        # "once, 2 months ago", "20-30 seconds, 2 days before illness": an event, not how long it
        # has lasted (read summaries gave "dizziness for about 2 months", "a choking episode for
        # about 2 days")
        event = _EVENT.search(f"{symptom.duration} {symptom.onset}")
        if event and names:
            # "coughing and gagging fit while eating peanuts, 1 minute, 10 days ago" beside "persistent cough,
            # 8 days": the fit is dated, and the cough is left to the entry that says how long it has lasted
            # (a summary had given "a choking episode and a cough" no duration at all)
            later = {n for s in intake.symptoms[i + 1 :] for n in asserted_symptom_names(s.description)}
            names = [n for n in names if n not in later] or names[:1]
            ago = AGO.search(f"{symptom.duration} {symptom.onset}")
            if ago and not RESOLVED.search(f"{symptom.description} {symptom.duration}"):
                seen.update(names)
                names = [*names[:-1], f"{names[-1]} ({ago.group(0).lower()})"]
        seen.update(names)
        if names:
            lasting = "" if event else duration_in(symptom.duration, symptom.onset, symptom.description)
            told = f"{symptom.description} {symptom.duration}"
            over = RESOLVED.search(told)  # said over ("now settled", "all gone"), as the triage reads it
            if over:
                # "rib pain after the fall, now settled", "4 months ago, lasted 3 weeks" (a read summary gave
                # "chest pain for about 4 months" to a woman whose pain had settled months before)
                now = "now better" if "better" in over.group(0).lower() else "now settled"
                lasted = _LASTED.search(symptom.duration)
                how_long = duration_in(lasted.group(1) if lasted else AGO.sub(" ", symptom.duration))
                lasting = f"{how_long}, {now}" if how_long else ""
                if not lasting:
                    names = [*names[:-1], f"{names[-1]} ({now})"]
            episodes = _EPISODES.search(f"{symptom.description} {symptom.duration}")
            if episodes and not over:
                # "pneumonia with high fever, 3 times in 18 months", "two episodes of high fever": episodes,
                # not a fever lasting all that time (read summaries gave "fever for about 18 months")
                said = _TIMES_IN.search(symptom.duration)
                count = said.group(0).strip() if said else f"{episodes.group(1).lower()} episodes"
                names, lasting = [*names[:-1], f"{names[-1]} ({count})"], ""
            elif not over and lasting and _RECURRING.search(f"{symptom.description} {symptom.onset}"):
                # "repeated chest infections with fever and wet cough", over 12 months: bouts, not a fever
                # lasting a year (a read summary gave "a cough and fever for about 12 months" to a girl with
                # Down syndrome and four pneumonias)
                over_time = lasting if lasting.startswith(("several", "a few")) else f"about {lasting}"
                names, lasting = [*names[:-1], f"{names[-1]} (repeated bouts over {over_time})"], ""
            out.append((names, lasting))
    rest = [n for n in asserted_symptom_names(intake.main_question) if not already_said(n)]
    if rest:
        out.append((rest, ""))
    return out


def diagnosis_label(intake: IntakeRecord) -> str:
    """The first diagnosis in the table's plain words, else a neutral phrase."""
    return _diagnosis_name(intake)


#: Words of a question about the diagnosis itself, answered by "whether the diagnosis is right".
_ABOUT_DIAGNOSIS = re.compile(
    r"\b(really|sure|definitely|definately|actually|certain|confirm\w*|right to|correct|wrong|"
    r"how (?:can|do|would|could) (?:they|you|the \w+) (?:be sure|know|tell))\b",
    re.I,
)
#: Said in the "Questions to ask your doctor" section when part of the question has no recognisable focus
#: (the clinician is flagged to answer it before signing; read drafts' "the draft could not answer every
#: part" read to reviewers as the draft giving up).
UNANSWERED_GENERAL = "Is there anything in my question that this opinion has not yet covered?"


def _covered(clause: str, intake: IntakeRecord, unknown: list[str]) -> bool:
    """Whether some sub-question answers ``clause`` (generously: a clause naming anything the
    parser reads, a condition, a topic, the images, a treatment or a next step, counts)."""
    spelt = correct_spelling(clause, _TREATMENT_WORDS)
    child = intake.age is not None and intake.age < 16
    return bool(
        _clause_topics(spelt, child=child)
        or topics_in(spelt)
        or topics_in(spelt, ["exposure"])
        or conditions_in(spelt, fuzzy=True)
        or any(name in spelt.lower() for name in unknown)
        or _IMAGES.search(spelt)
        or _TREATMENT.search(spelt)
        or _NEXT.search(spelt)
        or _TIMING.search(spelt)
        or _ABOUT_DIAGNOSIS.search(spelt)
        or _EXPOSURE_FOLLOW_UP.search(spelt)
        or relative_at_risk(spelt)
    )


#: A clause that refers back to the part before it ("should it be done", "what are the side effects").
_BACK_REFERENCE = re.compile(r"\b(it|that|them|these|those|there|the side[- ]effects?|tests? for)\b", re.I)
_PART_OF = re.compile(r"\b(?:part of|related|connected|linked|caused|because of|due to|from)\b", re.I)
#: Symptoms a patient asks about as part of the illness, beyond :data:`_SYMPTOMS`, in plain words.
_OTHER_SYMPTOMS = (
    (re.compile(r"\b(?:red|sore|painful|dry|itchy) eyes?\b|\beye problems?\b", re.I), "red or sore eyes"),
    (
        re.compile(r"\birregular heart ?beat|\bpalpitations?\b|\bheart (?:racing|fluttering)\b", re.I),
        "an irregular heartbeat",
    ),
    (re.compile(r"\brash(?:es)?\b|\bskin (?:lumps?|patches)\b", re.I), "a skin rash"),
    (re.compile(r"\b(?:joint|knee|ankle) (?:pains?|swelling)\b|\bsore joints\b", re.I), "joint pain"),
)


def _focus_question(clause: str, intake: IntakeRecord) -> str:
    """The clause as a short first-person question built from its focus (a listed medicine, a
    medicine the table knows, a symptom), never from its words; '' when it has no focus."""
    for text in intake.medications:
        name = listed_medicine(text).name
        head = name.split()[0] if name.split() else ""
        if len(head) > 3 and re.search(r"(?<![a-z])" + re.escape(head) + r"(?![a-z])", clause, re.I):
            return f"Does this illness or its treatment change anything about my {head.lower()}?"
    for word in re.findall(r"[A-Za-z][\w-]{3,}", clause):
        if any(g.matches(word) for g in GROUPS):
            return f"Does this illness or its treatment change anything about {word.lower()}?"
    symptoms = symptom_names(clause) + [name for rx, name in _OTHER_SYMPTOMS if rx.search(clause)]
    if symptoms and _PART_OF.search(clause):
        return f"Could {join_names(symptoms)} be part of this illness, and what should I do about it?"
    return ""


def unanswered_questions(intake: IntakeRecord) -> list[str]:
    """Parts of the main question that no sub-question answers, as questions to ask the doctor.

    Each is rephrased from a template by its focus (never pasted from the patient's text); when
    a part has no recognisable focus, one general line says the clinician will go through the rest.
    """
    unknown = unknown_alternatives(intake)
    out: list[str] = []
    general = False
    for sentence in _SENTENCE.split(intake.main_question):
        before = False
        for clause in _clauses(sentence):
            if len(clause.split()) < 3 or _covered(clause, intake, unknown):
                before = True
                continue
            line = _focus_question(clause, intake)
            if line:
                out.append(line)
            elif before and _BACK_REFERENCE.search(clause):
                continue  # "should it be done", "is it worth it": a follow-up of the part just answered
            else:
                general = True
            before = False
    out = list(dict.fromkeys(out))
    return [*out, UNANSWERED_GENERAL] if general else out


def another_form(sentence: str, intake: IntakeRecord) -> bool:
    """Whether a passage sentence is about another form of the diagnosis than the patient's.

    A note on heart rhythm problems covers atrial fibrillation, heart block and a long QT; for a
    patient with atrial fibrillation, "heart block that causes symptoms is treated with a pacemaker"
    fills a section with someone else's illness (a read draft had two such sentences). A sentence
    counts as another form when it names one of the diagnosis's own terms, and every term it names
    is neither the condition's general word, nor in its plain name, nor anywhere in what the
    patient wrote. A draft weighs hundreds of passage sentences: it asks
    :func:`another_form_check` once and calls the check it returns.
    """
    return another_form_check(intake)(sentence)


def unfit_sentence_check(intake: IntakeRecord) -> Callable[[str], bool]:
    """Whether a passage sentence is unfit for this patient, with the intake read once: about another form of
    the diagnosis (:func:`another_form`), or presuming a result the story does not report
    (:func:`~assistant.drafting.sources.presumes_unreported`)."""
    other = another_form_check(intake)
    story = story_of(intake)
    return lambda sentence: other(sentence) or presumes_unreported(sentence, story)


def another_form_check(intake: IntakeRecord) -> Callable[[str], bool]:
    """:func:`another_form` for one patient, with the diagnosis and its terms read once."""
    dx = diagnosis_condition(intake)
    terms: tuple[tuple[re.Pattern[str], bool], ...] = ()
    if dx is not None and len(dx.terms) >= 2:
        terms = _form_terms(dx.key, " ".join(text for _, text in untrusted_intake_texts(intake)))

    def check(sentence: str) -> bool:
        named = [other for pattern, other in terms if pattern.search(sentence)]
        return bool(named) and all(named)

    return check


@lru_cache(maxsize=64)
def _form_terms(key: str, said: str) -> tuple[tuple[re.Pattern[str], bool], ...]:
    """Each of the condition's terms as a pattern, with whether it names another form than the
    patient's (not the general word, not in the plain name, not in what the patient wrote)."""
    cond = condition(key)
    out = []
    for term in cond.terms:
        pattern = re.compile(rf"(?<![\w-]){re.escape(term)}(?![\w-])", re.I)
        low = term.lower()
        other = low != cond.terms[0].lower() and low not in cond.name.lower() and not pattern.search(said)
        out.append((pattern, other))
    return tuple(out)
