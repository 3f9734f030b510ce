"""Who did it, as written: "by Russian forces", "RSF fighters stormed …", "an Israeli strike", "junta aircraft".

A nationality alone is kept alone ("Russian" of "a Russian glide bomb"); a named group keeps its
noun ("RSF fighters", "army-allied fighters").  Returns None when no perpetrator is named.
"""

from __future__ import annotations

import functools
import re

from tally.extract.cues import may_hold

_ACTORS = (r"forces|fighters|troops|army|military|militia|militiamen|gunmen|soldiers|police|rebels|paramilitaries|"
           r"militants|insurgents|jihadists|settlers|regime|junta|navy|air\s+force|coalition")
_WEAPONS = (r"strikes?|airstrikes?|air\s+strikes?|shelling|attacks?|bombardment|drones?|missiles?|raids?|bombs?|"
            r"rockets?|artillery|fire|aircraft|warplanes|jets|gunfire|mortars?|shells")
_MODS = r"(?:(?:glide|guided|aerial|ballistic|cruise|suicide|kamikaze|heavy|artillery|drone|missile|air|rocket|tank|sniper)\s+){0,3}"
_VERBS = (r"killed|struck|hit|stormed|attacked|shelled|bombed|opened\s+fire|fired|raided|executed|detained|arrested|"
          r"abducted|targeted|destroyed|set|launched|carried|ambushed|massacred|seized|overran|burned|torched|wounded")
_NAME = r"[A-Z][\w\-]*(?:\s+[A-Z][\w\-]*){0,3}"
_SUBJ = re.compile(r"(?:^|[\s,;(])(?P<p>" + _NAME + r"|[a-z]+-(?:allied|backed|led|aligned))\s+"
                   r"(?:(?P<actor>" + _ACTORS + r")|" + _MODS + r"(?:" + _WEAPONS + r"))(?:\s+\w+){0,8}?\s+(?:" + _VERBS + r")\b")
_BARE = re.compile(r"(?:^|[\s,;(])(?:the\s+|a\s+|an\s+)?(?P<p>junta|regime|military|army|settlers|air\s+force)\s+"
                   r"(?:" + _MODS + r"(?:" + _WEAPONS + r")\s+)?(?:\w+\s+){0,6}?(?:" + _VERBS + r")\b", re.I)
_BY = re.compile(r"\b(?:" + _VERBS + r"|wounded|injured|shot|out|shelling|strikes?|airstrikes?|attacks?|fire|"
                 r"bombardment|raids?)\s+by\s+(?:the\s+)?(?P<p>" + _NAME + r"(?:\s+(?:" + _ACTORS + r"))?|(?:[a-z]+\s+){0,2}(?:"
                 + _ACTORS + r"))\b")
# Words one of which every match holds: _BY "by", _SUBJ a verb, _BARE an actor (see tally.extract.cues).
_VERB_WORDS = tuple(w.replace(r"\s+", " ").split(" ")[0] for w in _VERBS.split("|"))
_BARE_WORDS = ("junta", "regime", "military", "army", "settlers", "air")
_LEAD = re.compile(r"^(?:A|An|The|Two|Three|Four|Five|Several|Suspected\s+(?=[A-Z]))\s+")
_NOT = {"shelling", "fighting", "another", "at", "in", "on", "the", "a", "an", "clashes", "gunmen", "police", "it",
        "they", "he", "she", "witnesses", "residents", "officials", "monday", "tuesday", "wednesday", "thursday",
        "friday", "saturday", "sunday", "despite", "overnight", "separately", "meanwhile", "but", "and", "when",
        "after", "heavy", "renewed", "fresh", "more", "new"}


@functools.lru_cache(maxsize=256)  # asked once per count, and a sentence may hold several
def find_perpetrator(sentence: str) -> str | None:
    """The perpetrator named in *sentence*, as written, or None."""
    for rx, words, fold in ((_BY, ("by",), False), (_SUBJ, _VERB_WORDS, False), (_BARE, _BARE_WORDS, True)):
        if not (may_hold(sentence, words) if fold else any(w in sentence for w in words)):
            continue  # no match can be there
        for m in rx.finditer(sentence):
            if re.search(r"\b(?:were|was|been|are|is)\b", m.group(0)):
                continue  # "Three Ukrainian soldiers … were killed": victims, not perpetrators
            p = _LEAD.sub("", m.group("p").strip())
            words = p.split()
            if not words or words[0].lower() in _NOT or p.lower() in _NOT:
                continue
            actor = m.groupdict().get("actor")
            if rx is _SUBJ and actor:
                return f"{p} {actor}"
            if rx is _SUBJ and len(words) == 1 and not _nationality(p) and not p.isupper():
                continue  # "Shelling struck" - a capitalised sentence opener, not a name
            return p
    return None


def _nationality(word: str) -> bool:
    return bool(re.search(r"(?:ian|ese|ish|i|an|ch)$", word)) and word[:1].isupper()
