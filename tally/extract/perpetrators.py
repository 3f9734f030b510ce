"""Who did it, as written: "by Russian forces", "RSF fighters stormed …", "an Israeli strike"."""

from __future__ import annotations

import re

_ACTOR = (r"forces|fighters|troops|army|military|militia|militiamen|gunmen|soldiers|police|rebels|paramilitaries|"
          r"militants|insurgents|jihadists|drones?|warplanes|jets|aircraft|artillery|navy|regime|government|junta")
_ATTACK = r"strikes?|airstrikes?|air\s+strikes?|shelling|attacks?|bombardment|drone\s+strikes?|missile\s+strikes?|raids?|missiles?|bombing"
_NAME = r"(?:the\s+)?(?:[A-Z][\w\-]*(?:\s+[A-Z][\w\-]*){0,4})"
_BY = re.compile(r"\b(?:killed|wounded|injured|shot|attacked|hit|struck|targeted|out|launched|shelling|strikes?|airstrikes?|"
                 r"attacks?|fire|bombardment|raids?|executed|abducted|detained|arrested|stormed|bombed|shelled|massacred|"
                 r"ambushed|seized|besieged|captured|kidnapped)\s+by\s+(?P<p>" + _NAME + r"(?:\s+(?:-?backed\s+|-?led\s+)?(?:" + _ACTOR + r"))?|(?:the\s+)?(?:" + _ACTOR + r"))\b")
_SUBJ = re.compile(r"(?P<p>" + _NAME + r"(?:\s+(?:" + _ACTOR + r"))?)\s+(?:" + _ATTACK + r"|stormed|attacked|shelled|"
                   r"struck|bombed|opened\s+fire|fired|killed|raided|executed|detained|arrested|abducted)\b")
_SKIP = {"the", "on", "in", "at", "at least", "some", "local", "more", "another", "a", "an", "it", "they", "he", "she",
         "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"}


def find_perpetrator(sentence: str) -> str | None:
    """The perpetrator named in *sentence*, as written, or None."""
    for rx in (_BY, _SUBJ):
        for m in rx.finditer(sentence):
            p = m.group("p").strip()
            p = re.sub(r"^(?:On|In|At|But|And|Meanwhile|Separately)\s+", "", p)
            if p.lower() in _SKIP or len(p) < 2 or p.split()[0].lower() in _SKIP and len(p.split()) == 1:
                continue
            if not p[:1].isupper() and not p.lower().startswith("the "):
                continue
            return p
    return None
