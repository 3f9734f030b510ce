"""Who states a figure: attribution in a sentence, and one Source per entity within an article.

Attribution patterns: "according to X", "X said / told / reported / put the toll at",
"…, said X", "X's figures", "figures from X", "citing X".  A wire agency that relays ("told AFP",
"Reuters reported, citing the ministry") is not the source when someone else is named.

Within an article, mentions are resolved to one :class:`~tally.core.models.Source` each, with the
other spellings as aliases: a name and its acronym ("Syrian Observatory for Human Rights",
"SOHR", declared in brackets or derived from initials), a description used later ("the network",
"the monitor", "the medical group", "the ministry", "the governor"), a surname after the full name,
and pronouns ("it said", "he added") to the latest fitting mention.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from tally.core.models import Source
from tally.extract.cues import may_hold

_VERBS = (r"counts|lists|listed|tallies|verified|verifies|said|says|say|told|tells|reported|reports|report|announced|announces|stated|states|confirmed|confirms|"
          r"added|adds|estimated|estimates|documented|documents|recorded|records|counted|tallied|noted|warned|wrote|"
          r"posted|put|puts|updated|revised|raised|gave|give|gives|released|published|listed|registered|verified|"
          r"accused|blamed|said\s+in\s+a\s+statement|has\s+said|have\s+said|had\s+said|has\s+documented|has\s+recorded|has\s+counted")
_ORG_WORDS = (r"Ministry|Network|Observatory|Monitor|Office|Agency|Committee|Council|Organi[sz]ation|Authority|Commission|"
              r"Union|Syndicate|Group|Crescent|Cross|Defence|Defense|Army|Forces|Force|Police|Mission|Programme|Program|"
              r"Fund|Nations|Watch|International|Doctors|Médecins|Frontières|Project|Centre|Center|Institute|Coalition|"
              r"Department|Service|Services|Administration|Government|Association|Federation|Society|Council|Helmets|"
              r"Command|Directorate|Bureau|Board|Tribunal|Court|Parliament|Assembly|Lawyers|Committees|Movement|Front|"
              r"Initiative|Alliance|Team|Prosecutor|Emergency|Hospital|UNICEF|UNHCR|OCHA|WHO|IOM|UNRWA|ICRC|MSF|ACLED|OHCHR")
_DESC_HEADS = (r"media|outlets|television|broadcaster|agencies|commissioner|coordinator|envoy|worker|doctor|leader|minister|ministry|network|observatory|monitor|group|office|agency|committee|council|organi[sz]ation|authority|"
               r"authorities|army|military|police|governor|administration|coalition|union|syndicate|hospital|mission|"
               r"service|department|spokesman|spokesperson|spokeswoman|official|officials|commission|programme|fund|"
               r"charity|body|team|medics|medic|doctors|nurse|nurses|paramedic|paramedics|residents|witnesses|activists|rescuers|sources|prosecutor|"
               r"prosecutors|mayor|chief|head|director|commander|lawyers|workers|volunteers|defence|defense|"
               r"watchdog|ngo|organisations|organizations|groups|ministries|services|leaders|elders|villagers|"
               r"spokespeople|statement|report|unit")
# Heads of a description by which an outlet names itself ("the broadcaster reported"), when nothing
# named before in the article fits it.
_SELF_HEADS = {"broadcaster", "television", "channel", "station", "newspaper", "daily", "outlet", "website"}
_CAP = r"(?:[A-Z][\w'’&.\-]*|[A-Z]{2,})"
_CAPSEQ = _CAP + r"(?:\s+(?:(?:of|for|the|and|on|in|de|du|des|al|el|&)\s+){0,2}" + _CAP + r"){0,8}"
_NP = re.compile(
    r"(?:(?P<pron>\b(?:he|she|it|they)\b)"
    r"|(?P<desc>\b(?:the\s+|a\s+|an\s+|its\s+|local\s+|(?:[A-Z][\w\-]*(?:'s|’s)\s+))?"
    r"(?:[\w\-']+\s+){0,3}?(?:" + _DESC_HEADS + r")s?\b(?:\s+(?:of|for|in)\s+(?:the\s+)?" + _CAPSEQ + r")?"
    r"(?:\s+" + _CAPSEQ + r")?(?:\s+(?:in|at|of)\s+the\s+(?:[A-Z][\w'’\-]*\s+){0,2}"
    r"(?:city|town|hospital|camp|area|region|village|state|province))?)"
    r"|(?P<name>\b(?:the\s+)?" + _CAPSEQ + r"))$"
)
# Every character a match of _NP can hold: none begins before the last character of another kind.
_NP_CHARS = re.compile(r"[\w\s'’&.\-]*")


def _np_at_end(text: str) -> re.Match[str] | None:
    """``_NP.search(text)``, searched only from where the text's final stretch of such characters begins."""
    return _NP.search(text, len(text) - _NP_CHARS.match(text[::-1]).end())  # type: ignore[union-attr]


_PRE = re.compile(r"(?:\s+(?:on|late|early|last)\s+\w+|\s+(?:also|later|previously|separately|earlier|now|again|has|have|had|would|had\s+earlier))*\s*$")
# The last word of every phrase _PRE removes, or the word before it ("on Monday"): text ending otherwise
# loses only its trailing spaces.
_PRE_LAST = frozenset("also later previously separately earlier now again has have had would".split())
_PRE_BEFORE_LAST = frozenset("on late early last".split())


def _strip_adverbs(before: str) -> str:
    """``_PRE.sub("", before)``: "the ministry also " -> "the ministry" (the pattern only where it can match)."""
    stripped = before.rstrip()
    words = stripped.rsplit(None, 2)
    if words and (words[-1] in _PRE_LAST or (len(words) >= 2 and words[-2] in _PRE_BEFORE_LAST)):
        return _PRE.sub("", before)
    return stripped


_VERB_RE = re.compile(r"\b(?:" + _VERBS + r")\b")
_AFTER_VERB = re.compile(r"^\s*(?:(?:on|late|early|last)\s+\w+\s+)?(?P<np>(?:the\s+)?(?:" + _CAPSEQ + r"|(?:[\w\-']+\s+){0,3}?(?:"
                         + _DESC_HEADS + r")\b(?:\s+" + _CAPSEQ + r")?))")
_ACCORDING = re.compile(r"\b(?:according\s+to|by\s+the\s+(?:count|tally|figures?|reckoning)\s+of|citing|figures\s+from|data\s+from|a\s+tally\s+by|a\s+count\s+by|figures\s+by|"
                        r"statistics\s+from|a\s+statement\s+(?:from|by)|a\s+report\s+(?:from|by)|as\s+reported\s+by|"
                        r"(?:released|published|issued|compiled)\s+by|"
                        r"said\s+by)\s+(?P<np>.{0,120})", re.I)
_ACCORDING_WORDS = ("according", "by", "citing", "from")  # every match of _ACCORDING holds one
_POSSESSIVE = re.compile(r"(?P<np>(?:the\s+)?" + _CAPSEQ + r")(?:'s|’s)\s+(?:latest\s+|new\s+|own\s+|daily\s+|updated\s+)?"
                         r"(?:figures|tally|count|data|toll|report|statement|records|estimate|update)\b")
_BRACKET_ACRONYM = re.compile(r"(?P<name>" + _CAPSEQ + r")\s*\((?P<acr>[A-Z][A-Za-z&\-]{1,9})\)")
# Every character a match of _BRACKET_ACRONYM can hold: a run of others cannot be inside one.
_ACRONYM_CHUNK = re.compile(r"[\w\s'’&.()\-]+")


def _bracket_acronyms(text: str) -> Iterator[re.Match[str]]:
    """``_BRACKET_ACRONYM.finditer(text)``, looked for only in stretches of text that hold a bracket."""
    for chunk in _ACRONYM_CHUNK.finditer(text):
        if "(" in chunk.group():
            yield from _BRACKET_ACRONYM.finditer(text, chunk.start(), chunk.end())


# Well-known names of one organisation: any of them is resolved to the first.
KNOWN_ALIASES = [
    ("Syrian Observatory for Human Rights", "SOHR", "Observatory"),
    ("Syrian Network for Human Rights", "SNHR"),
    ("Syrian Civil Defence", "White Helmets", "Syria Civil Defence", "Syrian Civil Defense"),
    ("Médecins Sans Frontières", "MSF", "Doctors Without Borders", "Medecins Sans Frontieres"),
    ("UN Office for the Coordination of Humanitarian Affairs", "OCHA", "UN humanitarian office"),
    ("UN refugee agency", "UNHCR", "Office of the UN High Commissioner for Refugees"),
    ("International Organization for Migration", "IOM", "UN migration agency"),
    ("World Health Organization", "WHO"),
    ("International Committee of the Red Cross", "ICRC"),
    ("UN Relief and Works Agency for Palestine Refugees", "UNRWA"),
    ("UN Human Rights Monitoring Mission in Ukraine", "HRMMU"),
    ("Armed Conflict Location and Event Data Project", "ACLED"),
    ("Assistance Association for Political Prisoners", "AAPP"),
    ("Rapid Support Forces", "RSF"),
    ("UN Children's Fund", "UNICEF"),
    ("Human Rights Watch", "HRW"),
]
_KNOWN = {_k.casefold(): names for names in KNOWN_ALIASES for _k in names}
_OUTLETS = {"afp", "reuters", "ap", "associated press", "agence france-presse", "al jazeera", "bbc", "cnn", "the guardian",
            "the associated press", "xinhua", "anadolu", "sana", "ukrinform", "radio dabanga", "the new york times"}
_PERSON_HEADS = {"governor", "mayor", "prosecutor", "spokesman", "spokesperson", "spokeswoman", "chief", "head",
                 "director", "commander", "official", "coordinator", "envoy", "minister", "leader", "doctor", "worker",
                 "commissioner", "president", "representative"}
_STOP_NAMES = {"he", "she", "it", "they", "this", "that", "there", "we", "i", "you", "the", "a"}
_NON_SOURCE_NAMES = {"monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "january", "february",
                     "march", "april", "may", "june", "july", "august", "september", "october", "november", "december"}
# Description head -> words one of which the antecedent's name must contain.
_DESC_CLASSES = {
    "network": ("network",), "observatory": ("observatory", "monitor"), "monitor": ("observatory", "monitor", "network", "watch"),
    "watchdog": ("watch", "observatory", "monitor", "network"),
    "ministry": ("ministry",), "office": ("office", "ocha", "ohchr"), "agency": ("agency", "unhcr", "unrwa", "iom", "who", "unicef", "ocha", "programme"),
    "committee": ("committee", "committees"), "council": ("council",), "union": ("union",), "syndicate": ("syndicate",),
    "mission": ("mission",), "commission": ("commission",), "coalition": ("coalition",), "authority": ("authority",),
    "organisation": ("organisation", "organization", "who", "iom"), "organization": ("organisation", "organization", "who", "iom"),
    "charity": ("doctors", "médecins", "msf", "save", "cross", "crescent", "charity", "relief", "aid"),
    "group": ("group", "network", "doctors", "committee", "committees", "lawyers", "observatory", "watch", "union", "association",
              "project", "initiative", "coalition", "organisation", "organization"),
    "body": ("office", "commission", "council", "agency", "committee", "network"),
    "governor": ("governor",), "mayor": ("mayor",), "prosecutor": ("prosecutor",), "programme": ("programme",), "fund": ("fund", "unicef"),
    "service": ("service",), "department": ("department",), "administration": ("administration",),
    "defence": ("defence", "defense", "helmets"), "defense": ("defence", "defense", "helmets"),
}
_DESC_ADJ = {"medical": ("doctors", "medical", "health", "médecins", "msf"), "health": ("health", "doctors", "medical"),
             "rights": ("rights", "observatory", "watch", "network"), "un": ("un ", "united nations", "unhcr", "ocha", "who", "iom", "unicef", "unrwa", "ohchr"),
             "refugee": ("unhcr", "refugee"), "migration": ("iom", "migration"), "humanitarian": ("ocha", "humanitarian"),
             "war": ("observatory", "monitor")}


@dataclass
class Entity:
    """One source within an article: its canonical name, aliases and kind."""

    name: str
    aliases: list[str] = field(default_factory=list)
    kind: str = "organisation"
    last: int = -1  # last mention position, for pronouns and descriptions
    described: bool = False  # known so far only by a description ("the war monitor")

    def source(self) -> Source:
        """As a Source record."""
        al = sorted({a for a in self.aliases if _key(a) != _key(self.name)}, key=str.lower)
        return Source(name=self.name, aliases=al, kind=self.kind)  # type: ignore[arg-type]


@dataclass
class Attribution:
    """A source mention that attributes figures, located in the sentence."""

    entity: Entity
    pos: int


_ACRONYM_AT_END = re.compile(r"\s*\([A-Z][\w&\-]{1,9}\)$")  # "Syrian Network for Human Rights (SNHR)"
_ACRONYM_LAST = re.compile(r"\s*\([A-Z][\w&\-]{1,9}\)\s*$")
_DESC_HEAD_RE = re.compile(r"\b(?:" + _DESC_HEADS + r")\b", re.I)
_ORG_WORD_RE = re.compile(r"\b(?:" + _ORG_WORDS + r")\b")
_THE_BEFORE_NAME = re.compile(r"^(?:the|The)\s+(?=[A-Z])")
_LEADING_ARTICLE = re.compile(r"^(?:the|a|an|its)\s+", re.I)
_SPACES = re.compile(r"\s+")


@functools.lru_cache(maxsize=65536)
def _key(s: str) -> str:
    s = _LEADING_ARTICLE.sub("", s.strip())
    return _SPACES.sub(" ", s.replace("’", "'")).strip(" ,.").casefold()


def _acronym(name: str) -> str:
    words = [w for w in re.split(r"[\s\-]+", name) if w and w[0].isupper() and w.lower() not in ("the", "of", "for", "and")]
    return "".join(w[0] for w in words) if len(words) >= 2 else ""


class SourceResolver:
    """Builds the article's entities while sentences are read in order."""

    def __init__(self, text: str, outlet: str | None) -> None:
        self.entities: list[Entity] = []
        self.outlet = outlet
        self._declared: dict[str, str] = {}
        # Folded name or alias -> index of the first entity known by it. Names and aliases are only ever
        # added, and only to the entity a call of resolve() returns, so the index is updated there.
        self._by_key: dict[str, int] = {}
        self._indexed: dict[int, tuple[int, str, int]] = {}  # id(entity) -> (index, name, aliases) indexed
        for m in _bracket_acronyms(text):
            name = _strip_the(m.group("name"))
            self._declared[m.group("acr").casefold()] = name
            self._declared[_key(name)] = m.group("acr")

    # -- entities -------------------------------------------------------------------------
    def resolve(self, mention: str, pos: int, kind: str) -> Entity | None:
        """The entity *mention* refers to (creating it if new), or None for a non-source."""
        ent = self._resolve(mention, pos, kind)
        if ent is not None:
            self._index(ent)
        return ent

    def _index(self, e: Entity) -> None:
        at, name, n_aliases = self._indexed.get(id(e)) or (len(self.entities) - 1, "", 0)
        if name == e.name and n_aliases == len(e.aliases):
            return
        for key in (_key(e.name), *(_key(a) for a in e.aliases[n_aliases:])):
            if self._by_key.get(key, at + 1) > at:
                self._by_key[key] = at
        self._indexed[id(e)] = (at, e.name, len(e.aliases))

    def _recent(self) -> list[Entity]:
        return sorted(self.entities, key=lambda e: -e.last)

    def _resolve(self, mention: str, pos: int, kind: str) -> Entity | None:
        m = _strip_the(mention.strip(" ,.;:\"'“”"))
        if m.rstrip().endswith(")"):
            m = _ACRONYM_AT_END.sub("", m).strip()
        if kind == "desc" and _person_name(m):
            kind = "name"
        k = _key(m)
        if not k or (k in _STOP_NAMES and kind != "pron") or k in _NON_SOURCE_NAMES:
            return None
        if kind == "pron":
            recent = self._recent()
            person = k in ("he", "she")
            pick = next((e for e in recent if (e.kind == "person") == person), None)
            if pick is None and person:
                pick = recent[0] if recent else None
            return self._touch(pick, None, pos)
        if k in self._by_key:  # the first entity called so
            return self._touch(self.entities[self._by_key[k]], None, pos)
        known = _KNOWN.get(k)
        if known:
            for e in self.entities:
                if any(_KNOWN.get(_key(x)) is known for x in (e.name, *e.aliases)):
                    return self._touch(e, m, pos)
        if kind == "name":
            return self._resolve_name(m, k, pos, self._recent())
        return self._resolve_description(m, k, pos, self._recent())

    def _touch(self, e: Entity | None, alias: str | None, pos: int) -> Entity | None:
        if e is not None:
            e.last = pos
            if alias and alias not in e.aliases and alias != e.name:
                e.aliases.append(alias)
        return e

    def _resolve_name(self, m: str, k: str, pos: int, recent: list[Entity]) -> Entity:
        acr = self._declared.get(k)
        for e in self.entities:
            ek = _key(e.name)
            if (acr and (_key(acr) == ek or _key(acr) in (_key(a) for a in e.aliases))) or \
                    _acronym(e.name).casefold() == k or (_acronym(m).casefold() and _acronym(m).casefold() == ek):
                if len(m) > len(e.name) and " " in m:  # the full name after its acronym: the full name leads
                    e.aliases.append(e.name)
                    e.name = m
                    return self._touch(e, None, pos)  # type: ignore[return-value]
                return self._touch(e, m, pos)  # type: ignore[return-value]
        if " " not in m and len(m) > 3 and not m.isupper():  # a surname after the full name
            for e in self.entities:
                if e.kind == "person" and e.name.split()[-1].casefold() == k:
                    return self._touch(e, m, pos)  # type: ignore[return-value]
        person = _person_name(m)
        if person:
            for e in self.entities:
                if e.kind == "person" and _key(e.name) == _key(person):
                    return self._touch(e, m, pos)  # type: ignore[return-value]
            title = m[: len(m) - len(person)].strip()
            ent = Entity(person, [m] if title else [], "person", pos)
            if title:
                ent.aliases.append(title.lower())
            self.entities.append(ent)
            return ent
        # a description met earlier, now named ("a war monitor" … "the Syrian Observatory for Human Rights")
        for e in recent:
            if e.described and e.kind != "person" and _desc_fits(e.name, m):
                e.aliases.append(e.name)
                e.name, e.described = m, False
                return self._touch(e, None, pos)  # type: ignore[return-value]
        full = self._declared.get(k) if m.isupper() else None
        known = _KNOWN.get(k)
        name = full or m  # the name as the article writes it; a well-known full name only as an alias
        ent = Entity(name, [m] if name != m else [], "outlet" if k in _OUTLETS else "organisation", pos)
        if known:
            ent.aliases.extend(x for x in known if x not in (name, m))
        if k in self._declared and self._declared[k] != name:
            ent.aliases.append(self._declared[k])
        self.entities.append(ent)
        return ent

    def _resolve_description(self, m: str, k: str, pos: int, recent: list[Entity]) -> Entity | None:
        """"the network", "the medical group", "the UN agency", "Gaza's health ministry" -> an entity (None:
        "the broadcaster", the outlet speaking of itself)."""
        words = re.findall(r"[\w'’\-]+", k)
        head = words[-1] if words else ""
        if head in ("statement", "report") and len(words) >= 2:
            head = words[-2]
        for e in recent:
            if _desc_fits(m, e.name, e.aliases):
                return self._touch(e, m, pos)  # type: ignore[return-value]
        if head in _PERSON_HEADS:
            for e in recent:
                if e.kind == "person" and any(head in a.lower() for a in e.aliases):
                    return self._touch(e, m, pos)  # type: ignore[return-value]
        if head in ("agency", "group", "organisation", "organization", "body", "office", "charity", "ngo") and \
                re.match(r"(?:the|this|that)\s", m.strip(), re.I) and len(words) <= 3:
            pick = next((e for e in recent if e.kind != "person"), None)
            if pick is not None:
                return self._touch(pick, m, pos)  # type: ignore[return-value]
        if head in _SELF_HEADS and [w for w in words if w not in ("the", "this")] == [head]:
            return None  # "…, the broadcaster reported": the outlet of itself, its own (unattributed) figure
        kind = "person" if head in _PERSON_HEADS else "authority" if head in (
            "ministry", "authorities", "army", "military", "police") else "organisation"
        ent = Entity(re.sub(r"^(?:the|a|an)\s+", "", m, flags=re.I), [m], kind, pos, described=True)
        self.entities.append(ent)
        return ent

    # -- attribution ------------------------------------------------------------------------
    def attributions(self, sentence: str, base: int) -> list[Attribution]:
        """Source mentions in *sentence* that attribute what it says, resolved to entities."""
        found: list[tuple[int, str, str]] = []
        citing = False
        for m in _ACCORDING.finditer(sentence) if may_hold(sentence, _ACCORDING_WORDS) else ():
            np, kind = _leading_np(m.group("np"))
            if np:
                found.append((m.start(), np, kind))
                citing = citing or m.group(0).lower().startswith("citing")
        for m in _POSSESSIVE.finditer(sentence) if "'s" in sentence or "’s" in sentence else ():
            found.append((m.start(), m.group("np"), "name"))
        for m in _VERB_RE.finditer(sentence):
            before = sentence[max(0, m.start() - 160):m.start()]
            before = _strip_adverbs(before)
            before = _ACRONYM_LAST.sub("", before) if before.rstrip().endswith(")") else before
            before = _drop_appositive(before)
            before = _ACRONYM_LAST.sub("", before) if before.rstrip().endswith(")") else before
            nm = _np_at_end(before[-120:])
            if nm and nm.group(0).strip() and not nm.group(0).strip().isdigit():
                kind = "pron" if nm.group("pron") else "desc" if nm.group("desc") else "name"
                np = nm.group(0).strip()
                if kind == "name":
                    np = _trim_name(np)
                if np:
                    found.append((m.start(), np, kind))
                    continue
            prev = sentence[:m.start()].rstrip()
            if prev.endswith((",", "\"", "”", "'", "’")):
                am = _AFTER_VERB.match(sentence[m.end():m.end() + 140])
                if am:
                    np = am.group("np").strip()
                    kind = "desc" if _DESC_HEAD_RE.search(np) and not re.match(r"(?:the\s+)?[A-Z]", np) else "name"
                    if kind == "name":
                        np = _trim_name(np)
                    if np and np.lower() not in ("that", "on", "in"):
                        found.append((m.start(), np, kind))
        out: list[Attribution] = []
        for pos, np, kind in sorted(found):
            ent = self.resolve(np, base + pos, kind)
            if ent is not None and all(a.entity is not ent for a in out):
                out.append(Attribution(ent, pos))
        if citing or len(out) > 1:
            non_outlet = [a for a in out if a.entity.kind != "outlet"]
            if non_outlet:
                out = non_outlet
        return out

    def sources(self) -> list[Source]:
        """Every entity met so far as Source records."""
        return [e.source() for e in self.entities]


def proper_aliases(source: Source) -> list[str]:
    """The aliases of *source* that name it anywhere (acronyms, full names), not this article's descriptions.

    "the network" means the Sudan Doctors Network in one article and another network in the next, so
    only proper names are fit to be remembered across documents.
    """
    out = []
    for a in source.aliases:
        bare = re.sub(r"^(?:the|a|an)\s+", "", a.strip(), flags=re.I)
        last = bare.split()[-1] if bare.split() else ""
        if bare[:1].isupper() and last[:1].isupper():  # "SOHR", "White Helmets"; not "Britain-based monitor"
            out.append(bare)
    return out


def _desc_fits(desc: str, name: str, aliases: list[str] | tuple[str, ...] = ()) -> bool:
    """Whether description *desc* ("the medical group") can refer to the entity called *name*."""
    words = re.findall(r"[\w'’\-]+", _key(desc))
    if not words:
        return False
    head = words[-1]
    if head in ("statement", "report") and len(words) >= 2:
        head = words[-2]
    cls = _DESC_CLASSES.get(head) or _DESC_CLASSES.get(head.rstrip("s"))
    adj = [a for w in words[:-1] for a in _DESC_ADJ.get(w, ())]
    names = " ".join([name, *aliases]).casefold() + " "
    if cls and any(c in names for c in cls):
        return not adj or any(a in names for a in adj) or head in names
    return False


def _strip_the(s: str) -> str:
    return _THE_BEFORE_NAME.sub("", s).strip()


def _trim_name(np: str) -> str:
    """Drop sentence-initial noise from a capitalised run ("On Tuesday the Sudan Doctors Network")."""
    words = np.split()
    while words and (words[0].lower() in _NON_SOURCE_NAMES or words[0].lower() in ("on", "but", "and", "meanwhile", "in",
                                                                                    "separately", "however", "also", "later", "earlier")):
        words = words[1:]
    out = " ".join(words)
    return "" if out.lower() in _STOP_NAMES else out


def _leading_np(text: str) -> tuple[str, str]:
    text = text.strip()
    # "a statement from the Ministry of Health": the statement's author
    text = re.sub(r"^(?:an?|the|its|their)\s+(?:\w+\s+)?(?:statement|report|post|tally|count|update|figures|data|"
                  r"estimate|bulletin)\s+(?:from|by|of|issued\s+by|released\s+by|published\s+by)\s+", "", text)
    m = re.match(r"(?:the\s+)?" + _CAPSEQ + r"(?:'s\s+(?:[\w\-]+\s+){0,2}(?:" + _DESC_HEADS + r"))?", text)
    if m and m.group(0)[:1].isupper() or (m and m.group(0).lower().startswith("the ") and len(m.group(0)) > 4 and m.group(0)[4:5].isupper()):
        return _trim_name(m.group(0)), "desc" if "'s " in m.group(0) else "name"
    m = re.match(r"(?:the\s+|a\s+|local\s+)?(?:[\w\-']+\s+){0,3}?(?:" + _DESC_HEADS + r")\b(?:\s+(?:of|for|in)\s+(?:the\s+)?" + _CAPSEQ + r")?", text, re.I)
    if m:
        return m.group(0), "desc"
    m = re.match(r"((?:[\w'’\-]+\s+){0,5}?[\w'’\-]+)\s*,", text)  # "according to teachers at the school, …"
    if m and not re.search(r"\d", m.group(1)):
        return m.group(1), "desc"
    return "", ""


def _drop_appositive(before: str) -> str:
    """'the Sudan Doctors Network, a medical group tracking the war,' -> 'the Sudan Doctors Network';
    'the regional governor, Vadym Filashkin,' -> 'Vadym Filashkin'."""
    b = before.rstrip()
    if b.endswith(","):
        inner = b[:-1]
        k = inner.rfind(",")
        if k >= 0 and re.fullmatch(r",\s+(?:[A-Z][\w'’\-]+\s+){0,3}[A-Z][\w'’\-]+", inner[k:]):
            return inner[k + 1:].strip()
        if k >= 0 and re.fullmatch(r",\s+the\s+" + _CAPSEQ + r"(?:\s*\([A-Z][\w&\-]{1,9}\))?", inner[k:]):
            return inner[k + 1:].strip()  # "A third group, the Centre for Documentation of Violations,": the name
        if k >= 0 and len(inner) - k < 90 and re.match(r",\s+(?:a|an|the|which|who|whose|its|one|part)\b", inner[k:]):
            return inner[:k]
    return before


_NOT_PERSON = re.compile(
    r"\b(?:Archives?|Victims|Documentation|Violations|Rights|Humanitarian|Relief|Aid|Health|Medical|Civil|Media|News|"
    r"Press|Radio|TV|Television|Channel|Foundation|Trust|Partners|Campaign|Collective|Platform|Unit|Cell|Desk|Room|"
    r"Syria|Syrian|Sudan|Sudanese|Ukraine|Ukrainian|Gaza|Palestinian|Palestine|Israel|Israeli|Lebanon|Lebanese|Myanmar|"
    r"Congo|Congolese|Yemen|Yemeni|Levant|Arab|National|Global|World|United|Human|Democratic|Republic|State|Islamic|"
    r"Popular|People's|Liberation|Resistance|Local|Regional|General|Central|Interior|Defence|Defense|Displacement|"
    r"Security|Military|Armed|Counting|Casualty|Casualties|Documenting|Daily|Times|Post|Courier|Dispatch|Wire|Agency)\b"
)


def _person_name(m: str) -> str | None:
    """The personal name in '[title] Firstname Lastname', or None if it does not look like one."""
    if _ORG_WORD_RE.search(m) or _NOT_PERSON.search(m) or m.isupper():
        return None
    words = m.split()
    titles = {"governor", "gov.", "mayor", "president", "minister", "dr", "dr.", "general", "gen.", "colonel", "col.",
              "spokesman", "spokeswoman", "spokesperson", "commander", "chief", "head", "director", "regional", "prosecutor",
              "lt.", "major", "captain", "sheikh", "mr", "mr.", "mrs", "ms", "official", "deputy", "secretary-general",
              "coordinator", "envoy", "representative", "military", "army", "police"}
    i = 0
    for k, w in enumerate(words[:-1]):
        if w.lower().strip(",") in titles:
            i = k + 1
    rest = words[i:]
    if 2 <= len(rest) <= 4 and all(w[:1].isupper() for w in rest) and all(w.lower() not in _NON_SOURCE_NAMES for w in rest):
        return " ".join(rest)
    return None
