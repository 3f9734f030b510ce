"""What each quantity counts: its victims (the noun it quantifies) and its event (its own predicate).

A count is attached to *its own* verb or noun by clause structure, not by proximity:

1. the noun phrase after the number gives the head: "40 police officers" (security forces),
   "12 civilian deaths" (an event noun), "200 homes", or a non-victim ("two airstrikes",
   "three witnesses") which rejects the quantity;
2. the predicate after the noun phrase: auxiliaries and adverbs are skipped, appositives
   (", most of them Alawites,") and prepositional phrases ("in the village of X") are stepped
   over, coordinated subjects share it ("40 police officers and 65 militiamen also died"); the
   first main word decides ("another eight succumbed to their injuries" is killed, because
   "succumbed" comes first), and an active verb followed by a new count belongs to that count
   ("killed 12 and wounded 30");
3. failing that, the governing word before the number: an active verb ("killing at least 12"),
   a toll construction ("the death toll rose to 40", "claimed the lives of 12"), or a noun
   ("the bodies of 12 people"), across glue words only;
4. failing that, a count inside "including …" takes its parent's event, and a gapped count
   ("12 were killed in Kharkiv and five in Sumy") takes the event of the count it is coordinated with.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from tally.extract.cues import folded
from tally.extract.numbers import Quantity

_TOKEN = re.compile(r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?|\w+(?:[-'’]\w+)*|[^\w\s]")

EVENT_WORDS: dict[str, str] = {}
for _ev, _words in {
    "killed": "killed dead died die dies dying death deaths perished succumbed slain massacred murdered fatalities "
              "fatality killing killings drowned lives bodies corpses toll",
    "injured": "injured injuring injuries injury wounded wounding wounds hurt maimed",
    "executed": "executed execution executions",
    "displaced": "displaced displacing displacement fled flee fleeing uprooted homeless evacuated",
    "detained": "detained detaining detention arrested arresting arrests abducted abducting abductions kidnapped "
                "kidnapping captured jailed imprisoned",
    "missing": "missing disappeared unaccounted disappearances",
    "homes_destroyed": "destroyed destroying destruction razed torched burned burnt flattened demolished levelled "
                       "leveled bulldozed",
    "other": "casualties",
}.items():
    for _w in _words.split():
        EVENT_WORDS[_w] = _ev

# Words of an event that make a noun phrase ("12 deaths", "12 dead") rather than a verb.
_EVENT_NOUNS = {"dead", "deaths", "fatalities", "bodies", "corpses", "killings", "casualties", "injuries", "arrests",
                "executions", "abductions", "disappearances", "injured", "wounded", "killed", "missing", "displaced",
                "detained", "executed"}

VICTIM_NOUNS: dict[str, str] = {}
for _cat, _words in {
    "civilians": "civilians civilian non-combatants noncombatants residents villagers inhabitants worshippers "
                 "passengers farmers shoppers protesters demonstrators fishermen shepherds",
    "security_forces": "soldiers soldier troops servicemen servicemembers policemen policewomen officers police "
                       "personnel guards gendarmes conscripts sailors marines airmen",
    "fighters": "fighters fighter militants militant militiamen militia combatants rebels insurgents gunmen "
                "jihadists paramilitaries attackers assailants mercenaries",
    "children": "children child minors kids boys girls infants babies toddlers teenagers schoolchildren",
    "women": "women woman mothers",
    "families": "families households",
    "people": "people persons individuals others person men man adults members youths",
    "other": "workers medics doctors nurses paramedics journalists reporters rescuers volunteers patients prisoners "
             "detainees staff employees teachers students refugees migrants peacekeepers staffers activists suspects "
             "monks priests imams lawyers",
}.items():
    for _w in _words.split():
        VICTIM_NOUNS[_w] = _cat

_CASE_ADJECTIVES = {"enforced", "arbitrary", "extrajudicial", "summary", "unlawful", "wilful", "willful", "targeted",
                    "deliberate", "forced", "alleged", "confirmed", "documented", "verified", "further", "new"}
_HOME_NOUNS = {"homes", "houses", "dwellings", "shelters", "home", "house", "apartments", "flats"}
_NONVICTIM = set(
    "strikes airstrikes air-strikes attacks raids drones missiles rockets shells bombs mortars rounds shots explosions "
    "blasts incidents villages towns cities hospitals clinics schools mosques churches buildings vehicles cars "
    "trucks lorries tanks days weeks months years hours minutes provinces governorates districts countries camps sites "
    "locations witnesses survivors times kilometres kilometers km miles metres meters percent hostages aircraft "
    "planes helicopters boats positions checkpoints neighbourhoods neighborhoods areas regions facilities centres "
    "centers points cases people's reports videos photos massacres operations rounds battalions brigades units "
    "groups factions parties organisations organizations agencies deaths-per bullets tonnes tons dollars euros "
    "pounds meals trucks convoys".split()
)
_AUX = set("were was have has had been are is be being also reportedly all later since subsequently both later "
           "allegedly now still reported believed thought feared confirmed said either apparently then each "
           "eventually previously already likely presumed initially remain remains remained may might could "
           "would will reportedly".split())
_PREP = set("in at near from on across inside outside around along throughout within during of among between "
            "under over into after".split())
_ADVERB_SKIP = {"more", "other", "additional", "further", "another", "new", "of"}
_APPOS_START = set("including most mostly many all among mainly the majority who which some of both a almost "
                   "nearly mostly predominantly largely overwhelmingly".split())
_SUBORD = set("after when while as because before but whereas who which that if although though until "
              "since where said says according told".split())
_GLUE = set("the a an some another other of to at lives life total has have had now reached rose risen climbed jumped "
            "stands stood stand increased is was had hit surpassed passed topped exceeded further additional more "
            "leaving left least claimed claiming taking took brought bringing raising raised put puts estimated "
            "least than over about around nearly almost up down as many much had been".split())
_LEFT_EVENT_VERBS = {"killing": "killed", "killed": "killed", "wounding": "injured", "wounded": "injured",
                     "injuring": "injured", "injured": "injured", "displacing": "displaced", "displaced": "displaced",
                     "detained": "detained", "detaining": "detained", "arrested": "detained", "arresting": "detained",
                     "abducted": "detained", "abducting": "detained", "kidnapped": "detained", "executed": "executed",
                     "executing": "executed", "destroyed": "homes_destroyed", "destroying": "homes_destroyed",
                     "razed": "homes_destroyed", "razing": "homes_destroyed", "torched": "homes_destroyed",
                     "burned": "homes_destroyed", "flattened": "homes_destroyed", "demolished": "homes_destroyed",
                     "deaths": "killed", "death": "killed", "toll": "killed", "lives": "killed", "bodies": "killed",
                     "dead": "killed", "killings": "killed", "fatalities": "killed", "injuries": "injured",
                     "displacement": "displaced", "arrest": "detained", "arrests": "detained",
                     "detention": "detained", "execution": "executed", "executions": "executed",
                     "destruction": "homes_destroyed", "missing": "missing", "disappearance": "missing",
                     "casualties": "other", "uprooted": "displaced", "uprooting": "displaced", "forced": "displaced",
                     "evacuated": "displaced", "evacuating": "displaced"}
_TOLL = re.compile(
    r"\b(?P<what>death\s+toll|toll|number\s+of\s+(?:the\s+)?(?:(?P<v>civilians|people|persons|children|women|fighters|"
    r"soldiers)\s+)?(?P<w>dead|deaths|people\s+killed|killed|fatalities|"
    r"victims|injured|wounded|displaced|people\s+displaced|detainees|detained|arrests|missing|people\s+missing|"
    r"injuries|casualties|internally\s+displaced(?:\s+people|\s+persons)?))\b[^.;]{0,90}?"
    r"\b(?:rose|risen|climbed|reached|jumped|increased|stands|stood|stand|hit|is|was|now|surpassed|passed|topped|"
    r"exceeded|grown|grew|swelled|totals?|totalled|totaled|reaching|rising|climbing|raising|bringing|taking|pushing|"
    r"fell|fallen|dropped|decreased|declined|came|lowered|revised|corrected)\b"
    r"(?:\s+(?:[\w,]+\s+){0,6}?(?:to|at|by|of))?\s*$",
    re.IGNORECASE,
)

# How every match of _TOLL ends (before spaces), and of the five patterns of _left after it (before a
# space): text ending otherwise cannot match them (see tally.extract.cues).
_TOLL_ENDS = tuple("rose risen climbed reached jumped increased stands stood stand hit is was now surpassed passed topped "
                   "exceeded grown grew swelled totals total totalled totaled reaching rising climbing raising bringing "
                   "taking pushing fell fallen dropped decreased declined came lowered revised corrected to at by "
                   "of".split())
_LEFT_ENDS = tuple("to at down least than about around some nearly almost over counts counted lists listed tallies tallied "
                   "registers registered names named verified confirmed recorded documented were was are".split())

# The event of the previous claim: for counts that refer back ("That amounts to …", "put the figure at …").
PREVIOUS = "@previous"
_BACKREF = re.compile(r"^\s*(?:(?:That|This|It|Which)\s+(?:amounts|comes|brings|means|equals|takes|puts)\b|"
                      r"(?:Of|Among)\s+(?:those|them|these|the\s+dead|the\s+victims|whom)\b)")


def _predicate_victims(low: list[str], i: int) -> str | None:
    """'… 3 were civilians': the victims named by a predicate noun."""
    if i < len(low) and low[i] in ("were", "was", "are", "is"):
        for k in range(i + 1, min(i + 4, len(low))):
            if low[k] in VICTIM_NOUNS:
                return VICTIM_NOUNS[low[k]]
            if low[k] in EVENT_WORDS or low[k] in (",", "."):
                return None
    return None


@dataclass
class Attached:
    """A quantity with what it counts."""

    quantity: Quantity
    event: str | None
    victims: str
    victims_text: str | None
    parent: int | None = None  # index of the count this one is part of ("including five children")


def tokens(sentence: str) -> list[tuple[str, int, int]]:
    """Word and punctuation tokens of *sentence* with offsets."""
    return [(m.group(0), m.start(), m.end()) for m in _TOKEN.finditer(sentence)]


def attach(sentence: str, quantities: list[Quantity]) -> list[Attached]:
    """Attach each quantity of *sentence* to its victims and event; rejected ones get event None."""
    toks = tokens(sentence)
    low = [t[0].lower() for t in toks]
    starts = {t[1]: i for i, t in enumerate(toks)}
    spans: list[tuple[int, int]] = []  # token index range of each quantity's number
    for q in quantities:
        i = starts.get(q.num_start)
        if i is None:
            i = next((k for k, t in enumerate(toks) if t[1] >= q.num_start), len(toks))
        j = i
        while j < len(toks) and toks[j][2] <= q.num_end:
            j += 1
        spans.append((i, max(j, i + 1)))
    qstart = {s: k for k, (s, _) in enumerate(spans)}
    heads = [_head(toks, low, s, e, q) for q, (s, e) in zip(quantities, spans)]
    out: list[Attached] = []
    for k, q in enumerate(quantities):
        kind, cat, head_end, vtext = heads[k]
        if kind == "reject":
            out.append(Attached(q, None, "people", None))
            continue
        adj_event = kind[4:] if kind.startswith("adj:") else None
        if kind.startswith("sub:"):  # "18 of them women", "19 of those killed were children"
            ev = kind[4:]
            parent_ev = out[k - 1].event if k > 0 and ev == "parent" else None
            out.append(Attached(q, parent_ev if ev == "parent" else ev, cat, sentence[vtext[0]:vtext[1]] if vtext else None,
                                k - 1 if ev == "parent" and k > 0 else None))
            continue
        event = kind if kind not in ("victim", "none", "home") and not adj_event else None
        if event is None:
            event = _right(toks, low, head_end, qstart, heads, spans)
        if event is None:
            event = _left(sentence, toks, low, spans[k][0], q, spans, k)
            if event is not None and kind == "none":  # "the number of civilians killed … has reached 214"
                cat = _toll_victims(sentence, q) or cat
        if event is None and adj_event:
            event = adj_event
        parent = _parent(sentence, quantities, k, lambda p: out[p].event is not None)
        if event is None and parent is not None:
            event = out[parent].event
        if event is None and k > 0 and out[k - 1].event and _gapped(low, spans[k - 1][1], spans[k][0]):
            event = out[k - 1].event
        if kind == "none" and cat == "people":  # "… 973 were civilians": the predicate names them
            cat = _predicate_victims(low, head_end) or cat
        if event is None and kind in ("none", "victim"):
            if _BACKREF.match(sentence):  # "That amounts to 469 people", "Of those, 3 were civilians"
                event = PREVIOUS
        if kind == "home":
            event = "homes_destroyed" if event == "homes_destroyed" else None
        elif event == "homes_destroyed":
            event = None
        out.append(Attached(q, event, cat, sentence[vtext[0]:vtext[1]] if vtext else None, parent))
    return out


def _head(toks: list[tuple[str, int, int]], low: list[str], s: int, e: int, q: Quantity) -> tuple[str, str, int, tuple[int, int] | None]:
    """(kind, victims, index after the noun phrase, victims text): kind is victim|none|home|reject|<event>."""
    i = e
    if i < len(low) and low[i] == "of" and (q.vague_word or (q.count or "").lower().startswith(("a dozen", "dozen"))):
        i += 1
    if i < len(low) and low[i] == "of" and i + 1 < len(low) and low[i + 1] in ("them", "those", "whom", "the", "its", "their"):
        return _breakdown(toks, low, i + 1, e)
    first = i
    adj_cat: str | None = None
    adj_event: list[str] = []
    for step in range(4):
        if i >= len(low):
            break
        w = low[i]
        if w in ("cases", "case"):
            # "111 named cases of civilians killed", "12 cases of enforced disappearance": the count is
            # of the people or events after "of" (and nothing else: "cases of cholera" is no casualty);
            # "111 named cases" are named victims.
            if i + 1 < len(low) and low[i + 1] == "of":
                j = i + 2
                while j < min(i + 5, len(low)) and low[j] in _CASE_ADJECTIVES:
                    j += 1
                if j < len(low) and _LEFT_EVENT_VERBS.get(low[j], "other") not in ("other", "homes_destroyed") \
                        and low[j] not in ("toll", "lives", "bodies", "forced"):
                    return _LEFT_EVENT_VERBS[low[j]], adj_cat or "people", j + 1, None
                kind, cat, end, _text = _head(toks, low, s, i + 2, q)
                if kind in ("victim",) or kind in EVENT_WORDS.values() or kind.startswith("adj:"):
                    return kind, adj_cat if cat == "people" and adj_cat else cat, end, _span(toks, first, end)
            elif i > first and low[i - 1] in ("named", "verified", "identified"):
                return "victim", adj_cat or "people", i + 1, _span(toks, first, i + 1)
            return "reject", "people", i + 1, None
        if w in _NONVICTIM:
            return "reject", "people", i + 1, None
        if w in _HOME_NOUNS:
            return "home", "other", i + 1, _span(toks, first, i + 1)
        if "-" in w and w.rsplit("-", 1)[1] in ("wounded", "injured", "displaced") and i + 1 < len(low) and low[i + 1] in VICTIM_NOUNS:
            adj_event.append(EVENT_WORDS[w.rsplit("-", 1)[1]])  # "war-wounded patients"
            i += 1
            continue
        if w in _EVENT_NOUNS:
            nxt = low[i + 1] if i + 1 < len(low) else ""
            if w in ("wounded", "injured", "displaced", "detained", "missing", "dead") and (nxt in VICTIM_NOUNS or nxt in _HOME_NOUNS):
                adj_event.append(EVENT_WORDS[w])
                i += 1
                continue
            cat = adj_cat or "people"
            return EVENT_WORDS.get(w, "killed"), cat, i + 1, _span(toks, first, i) if i > first else None
        if w in VICTIM_NOUNS:
            cat = VICTIM_NOUNS[w]
            end = i + 1
            # two-word heads: "police officers", "aid workers", "security forces", "health workers"
            if end < len(low) and low[end] in VICTIM_NOUNS and w in ("police", "security", "civilian", "militia", "army"):
                cat = VICTIM_NOUNS[low[end]] if w not in ("police", "security", "army") else "security_forces"
                end += 1
            if w == "civilian" and (end >= len(low) or low[end] not in VICTIM_NOUNS):
                adj_cat = "civilians"
                i += 1
                continue
            if w in ("members", "personnel", "staff") and end + 1 < len(low) and low[end] == "of":
                for k in range(end + 1, min(end + 5, len(low))):
                    if low[k] in VICTIM_NOUNS or low[k] in ("forces", "army", "police", "military"):
                        cat = "security_forces" if low[k] in ("forces", "army", "police", "military") else VICTIM_NOUNS[low[k]]
                        end = k + 1
                        break
            if cat in ("people", "other") and adj_cat:
                cat = adj_cat
            if w in ("personnel", "members") and cat == "other":
                cat = "security_forces" if any(low[x] in ("security", "military", "army", "police") for x in range(first, i)) else "other"
            if end + 1 < len(low) and low[end] == "in" and low[end + 1] in ("need", "needs"):
                return "reject", "people", end, None  # "3 million people in need": not casualties
            end2, appos = _appositive(toks, low, end)
            return ("adj:" + adj_event[0]) if adj_event else "victim", cat, end, _span(toks, first, end2 if appos else end)
        if w in ("security", "military", "army", "government", "regime", "police"):
            adj_cat = "security_forces"
            nxt = low[i + 1] if i + 1 < len(low) else ""
            if nxt in ("security", "military", "army", "police", "forces"):
                i += 1  # "125 government security personnel": two modifiers before the noun
                continue
        if toks[i][0][:1].isupper() and toks[i][0].endswith(("s", "ese", "ze")) and step == 0 and not toks[i][0].isupper() and \
                (i + 1 >= len(low) or not toks[i + 1][0][:1].isupper()):
            if w.endswith("ns") or w.endswith("is") or w.endswith("tes") or w.endswith("ese") or w in ("druze", "kurds", "rohingya"):
                return "victim", "people", i + 1, _span(toks, first, i + 1)
        if not _WORDLIKE.fullmatch(w) or w in _AUX or w in _PREP or w in EVENT_WORDS or w in ("and", "or", "to"):
            break
        nxt = low[i + 1] if i + 1 < len(low) else ""
        if (nxt in VICTIM_NOUNS or nxt in _HOME_NOUNS or nxt in _EVENT_NOUNS) and w.isalpha() and w not in _AUX:
            i += 1  # an unknown word before a known noun is taken for an adjective ("arbitrary arrests")
            continue
        if w in _ADVERB_SKIP or toks[i][0][:1].isupper() or w.endswith(("ian", "ese", "ish", "i", "an", "al", "ed", "ly")) or w in (
                "young", "elderly", "local", "unarmed", "innocent", "pregnant", "foreign", "armed", "rebel", "humanitarian",
                "aid", "health", "medical", "rescue", "defence", "defense", "un", "relief", "first", "other", "more"):
            i += 1
            continue
        return "reject", "people", i + 1, None  # an unknown noun: not a count of people
    return "none", adj_cat or "people", i if i > e and low[i - 1] in _ADVERB_SKIP else e, None


def _breakdown(toks: list[tuple[str, int, int]], low: list[str], i: int, e: int) -> tuple[str, str, int, tuple[int, int] | None]:
    """'N of them (were) children' (a part of the previous count) or 'N of the dead were women'."""
    j = i + 1
    event = "parent"
    if low[i] in ("the", "those", "its", "their") and j < len(low):
        if low[j] in EVENT_WORDS or low[j] in ("victims",):
            event = EVENT_WORDS.get(low[j], "killed")
            j += 1
        elif low[i] in ("its", "their") and low[j] in VICTIM_NOUNS:  # "14 of its staff had been killed"
            return "victim", VICTIM_NOUNS[low[j]], j + 1, (toks[j][1], toks[j][2])
        else:
            return "reject", "people", e, None
    if j < len(low) and low[j] in ("were", "was", "are", "being", "have", "had", "has"):
        j += 1
    if j < len(low) and low[j] == "been":
        j += 1
    if low[i] in ("whom", "them") and j < len(low) and low[j] in EVENT_WORDS and low[j] not in ("toll", "lives", "bodies"):
        return "sub:" + EVENT_WORDS[low[j]], "people", j + 1, None  # "132 wounded, 26 of whom died"
    for k in range(j, min(j + 3, len(low))):
        if low[k] in VICTIM_NOUNS:
            return "sub:" + event, VICTIM_NOUNS[low[k]], k + 1, (toks[j][1], toks[k][2])
    return "reject", "people", e, None


def _appositive(toks: list[tuple[str, int, int]], low: list[str], i: int) -> tuple[int, bool]:
    """", most of them Alawites," after a head: index after it and whether one was found."""
    if i < len(low) and low[i] == "," and i + 1 < len(low) and low[i + 1] in ("most", "mostly", "all", "many", "mainly", "predominantly", "largely"):
        j = i + 1
        while j < len(low) and j < i + 8 and low[j] not in (",", ".", ";", "(", ")") and low[j] not in _AUX:
            j += 1
        return j, True
    return i, False


def _span(toks: list[tuple[str, int, int]], a: int, b: int) -> tuple[int, int] | None:
    if b <= a:
        return None
    return toks[a][1], toks[b - 1][2]


def _right(toks: list[tuple[str, int, int]], low: list[str], i: int, qstart: dict[int, int],
           heads: list[tuple[str, str, int, tuple[int, int] | None]], spans: list[tuple[int, int]]) -> str | None:
    n = len(low)
    steps = 0
    while i < n and steps < 40:
        steps += 1
        w = low[i]
        if w in (".", ";", ":", "!", "?"):
            return None
        if w == "(":
            j = i
            while j < n and low[j] != ")" and j < i + 15:
                j += 1
            i = j + 1
            continue
        if w in (",", "—", "–", "-"):
            nxt = low[i + 1] if i + 1 < n else ""
            if nxt in ("aged", "ages", "age", "both", "all"):  # "Two children, aged 7 and 10, were …"
                j = next((k for k in range(i + 2, min(n, i + 12)) if low[k] in (",", ";", ".")), None)
                if j is not None and low[j] == ",":
                    i = j + 1
                    continue
            if nxt in _APPOS_START or (i + 1) in qstart or toks[i + 1][0][:1].isupper() if i + 1 < n else False:
                j = i + 1
                while j < n and low[j] not in (",", ";", ".", "—", "–") and j < i + 14:
                    j += 1
                if j < n and low[j] in (",", "—", "–"):
                    i = j + 1
                    continue
            return None
        if i in qstart:
            k = qstart[i]
            prev = low[i - 1] if i > 0 else ""
            if prev in ("and", ",", "or", "the") or (i >= 2 and low[i - 2:i] == ["as", "well"]):
                i = max(heads[k][2], spans[k][1])
                continue
            return None
        if w in ("and", "or") and i + 1 < n and (i + 1 in qstart or (i + 2 < n and i + 2 in qstart and low[i + 1] in ("another", "at", "some"))):
            i += 1
            continue
        if w in ("and", "or") and i + 1 < n and low[i + 1] in ("a", "an", "one", "another", "the", "his", "her", "their"):
            # "Three soldiers and a civilian were killed": an uncounted conjunct shares the predicate
            j = next((k for k in range(i + 2, min(n, i + 6)) if low[k] in _AUX or low[k] in (",", ";", ".")), None)
            if j is not None and low[j] in _AUX:
                i = j
                continue
            return None
        if w == "the" and i > 0 and low[i - 1] in ("among", "of"):
            i += 1
            continue

        if w in _AUX or w in ("not",) or (len(w) > 4 and w.endswith("ly") and w not in EVENT_WORDS):
            if w in ("said", "reported", "confirmed") and i + 1 < n and low[i + 1] in ("that", "on"):
                return None
            i += 1
            continue
        if w in EVENT_WORDS and w not in ("toll", "lives", "bodies"):
            if w in ("displaced",) or _active_object(low, i, qstart):
                return None if _active_object(low, i, qstart) else "displaced"
            return EVENT_WORDS[w]
        if w == "crossed" and i + 1 < n and low[i + 1] in ("into", "to"):
            return "displaced"
        if w == "lost" and i + 2 < n and low[i + 2] in ("lives", "life"):
            return "killed"
        if w == "were" or w == "among":
            i += 1
            continue
        if w in ("forced", "made") and any(low[x] in ("flee", "homeless", "leave") for x in range(i + 1, min(n, i + 4))):
            return "displaced"
        if w in _PREP:
            j = i + 1
            while j < n and j < i + 8 and low[j] not in _AUX and low[j] not in EVENT_WORDS and low[j] not in (",", ";", ".", "and") \
                    and j not in qstart:
                j += 1
            i = j
            continue
        return None
    return None


def _active_object(low: list[str], i: int, qstart: dict[int, int]) -> bool:
    """True when the verb at *i* takes a following count as its object ("killed 12", "wounding at least 30")."""
    for j in range(i + 1, min(len(low), i + 5)):
        if j in qstart:
            return True
        if low[j] not in ("at", "least", "more", "than", "some", "about", "around", "nearly", "another", "over",
                          "up", "to", "as", "many", "an", "estimated", "almost", "a", "further", "roughly"):
            return False
    return False


def _left(sentence: str, toks: list[tuple[str, int, int]], low: list[str], i: int, q: Quantity,
          spans: list[tuple[int, int]], k: int) -> str | None:
    window = sentence[max(0, q.start - 140):q.start]
    tail = folded(window.rstrip())
    m = _TOLL.search(window) if tail is None or tail.endswith(_TOLL_ENDS) else None
    if m:
        w = (m.group("w") or "dead").lower()
        return next((ev for key, ev in (("injur", "injured"), ("wound", "injured"), ("displac", "displaced"),
                                        ("detain", "detained"), ("arrest", "detained"), ("missing", "missing"),
                                        ("casualt", "other")) if key in w), "killed")
    event = _phrase_before(sentence[max(0, q.start - 90):q.start])
    if event is not None:
        return event
    floor = spans[k - 1][1] if k > 0 else 0
    j = i - 1
    # skip the qualifier words, which belong to the quantity
    while j >= floor and toks[j][1] >= q.start:
        j -= 1
    while j >= floor and j >= i - 9:
        w = low[j]
        if w in _LEFT_EVENT_VERBS:
            if w in ("forced",):
                return "displaced" if any(x in ("flee", "homes", "leave") for x in low[i:i + 6]) else None
            return _LEFT_EVENT_VERBS[w]
        if w in _GLUE:
            j -= 1
            continue
        return None
    return None


def _toll_victims(sentence: str, q: Quantity) -> str | None:
    """The victims a toll phrase before count *q* names ("the number of civilians killed … reached"), if any."""
    m = _TOLL.search(sentence[max(0, q.start - 140):q.start])
    v = m.group("v") if m else None
    return VICTIM_NOUNS.get(v.lower()) if v else None


def _phrase_before(before: str) -> str | None:
    """The event of a phrase that ends right before a count ("set fire to", "raising the toll to", "X counts")."""
    tail = folded(before.rstrip())
    if tail is not None and (len(tail) == len(before) or not tail.endswith(_LEFT_ENDS)):
        return None  # none of the patterns below can match: each ends with one of _LEFT_ENDS and a space
    if re.search(r"\bset\s+(?:\w+\s+)?fire\s+to\s+$|\bburn(?:ed|t|ing)\s+down\s+$", before, re.I):
        return "homes_destroyed"
    if re.search(r"\b(?:raising|bringing|taking|pushing|raised|brought|took|pushed)\s+(?:the\s+)?(?:overall\s+|total\s+|death\s+)?"
                 r"toll\b[^.;]{0,60}?\bto\s+(?:at\s+least\s+|more\s+than\s+|about\s+|some\s+|nearly\s+|over\s+)?$", before, re.I):
        return "killed"
    if m := re.search(r"\bput(?:s|ting)?\s+the\s+(death\s+toll|toll|figure|number|count|tally|total)\s+(?:at|to)\s+(?:at\s+least\s+|more\s+than\s+|about\s+|some\s+|nearly\s+|over\s+)?$", before, re.I):
        return "killed" if "toll" in m.group(1).lower() else PREVIOUS
    if re.search(r"\b(?:counts|counted|lists|listed|tallies|tallied|registers|registered|names|named|verified|has\s+verified|"
                 r"confirmed|has\s+confirmed|recorded|has\s+recorded|documented|has\s+documented)\s+(?:at\s+least\s+|more\s+than\s+|"
                 r"about\s+|around\s+|over\s+|some\s+|nearly\s+|almost\s+|up\s+to\s+)?$", before, re.I):
        return PREVIOUS  # "X counts 741 people": a count of whatever the story is counting
    if m := re.search(r"\bamong\s+(?:the\s+)?(dead|killed|victims|injured|wounded|detained|missing|displaced)\s+(?:were|was|are)\s+$", before, re.I):
        return EVENT_WORDS.get(m.group(1).lower(), "killed")
    return None

_PART_OF = re.compile(r"(?:\bincluding|\bamong\s+(?:them|whom|the\s+dead|those)|\bof\s+whom|\(|\bamong\s+them\s+were)\s*$", re.I)
_WORDLIKE = re.compile(r"[\w'’-]+")


def _parent(sentence: str, quantities: list[Quantity], k: int, counts: Callable[[int], bool]) -> int | None:
    """Index of the count that count *k* is a part of ("… 12 people, including five children …"): the
    nearest before it that *counts* something (so not the 6 of "803 people between 6 and 10 March,
    including 39 children")."""
    for p in range(k - 1, -1, -1):
        between = sentence[quantities[p].end:quantities[k].start]
        if len(between) > 60:
            return None
        if _PART_OF.search(between) and counts(p):
            return p
    return None


def _gapped(low: list[str], prev_end: int, start: int) -> bool:
    """'12 were killed in Kharkiv and five in Sumy': a count after 'and' with no verb of its own."""
    seg = low[prev_end:start]
    return bool(seg) and seg[-1] in ("and", ",", "another", "further", "while") and len(seg) <= 12
