"""The news: articles that relay the organisations' running tolls, and the claims they contain.

Outlets write from the truth and from the lists: "at least 870 civilians have been killed in
Idlib and Hama since 1 December, according to <organisation>", "the toll rose to 112", "47
people were killed on Sunday", "<UN office> has verified 95 ...", "more than 200 families
crossed into Turkey".  Numbers appear in digits and in words, with qualifiers and as vague
quantities; relative dates ("on Sunday", "yesterday", "over the past week") are resolved
against the publication date; paragraphs with numbers that are not casualty claims (years,
ages, distances, anniversaries) are mixed in.

Every claim sentence is recorded as a gold :class:`~tally.core.models.Claim`: ``quote`` is the
sentence exactly as in the body, ``start``/``end`` its offsets in the body, and
``low``/``high``/``best`` follow :func:`tally.core.quantities.interpret`.  Fields a reader
learns from the article's context (the place of "the toll rose to 112") are filled in too:
the gold says what the sentence means in its article.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np

from tally.core.quantities import to_words
from tally.simulate.geography import COUNTRY_NAMES, Area
from tally.simulate.lists import VictimList
from tally.simulate.names import FAMILY_NAMES
from tally.simulate.newsroom import (
    DISPLACEMENT_MONITOR,
    KIND_PHRASES,
    OUTLETS,
    UN_OFFICE,
    VICTIM_WORDS,
    Article,
    Draft,
    Newsroom,
    slug,
    weighted_choice,
)
from tally.simulate.world import World

__all__ = ["DISPLACEMENT_MONITOR", "LOCAL_SOURCES", "UN_OFFICE", "Article", "build_articles"]

# Unnamed sources of first reports (a claim's source is then the phrase as written).
LOCAL_SOURCES = ("local activists", "civil defence teams", "a local health official", "residents", "rescuers",
                 "medical sources")


class _Stories(Newsroom):
    """The kinds of article outlets write."""

    def toll_article(self, pub: dt.datetime, outlet: int) -> tuple[str, Draft]:
        """An organisation's running toll for one or two governorates or the whole country."""
        self.depth += 1
        if self.depth > 4:
            return self.quiet_article(pub)
        w, d = self.w, Draft()
        pday = (pub.date() - self.start).days
        j = self.pick(self.tollers)
        counts = self.org_counts[j]
        upto = min(pday, w.spec.days + 7)
        from_day = 0 if self.chance(0.6) else max(0, upto - 7)
        window = counts[from_day:upto]
        by_gov = window.sum(axis=(0, 2))
        top = [int(g) for g in np.argsort(-by_gov, kind="stable")[:2] if by_gov[g] > 0]
        whole = self.chance(0.25) or not top
        govs = [] if whole else top[: int(self.rng.integers(1, 3))]
        civ = self.chance(0.6)
        sel = window if whole else window[:, govs]
        n = int(sel[..., 0].sum() if civ else sel.sum())
        if n == 0:
            return self.daily_article(pub, outlet)
        src, src_name = self.source_name(j)
        where, pf = ("across Syria", {"places": ["Syria"], "admin1": [], "pcodes": [], "country": w.geo.country}) if whole \
            else self.places(govs, outlet)
        period = self.since(from_day, pub.date()) if from_day == 0 else self.pick(("over the past week", "in the past seven days"))
        vt = "civilians" if civ else self.pick(VICTIM_WORDS["people"])
        cat = "civilians" if civ else "people"
        base = dict(source=src_name, date_from=self.date(from_day), date_to=pub.date(), cumulative=True, **pf)
        t = int(self.rng.integers(0, 9))
        if t == 5 and not (24 <= n < 100 or n >= 200):
            t = 0
        phrase, count, q = self.qualified(n, initial=t in (0, 7))
        kids = int((self.org_children[j][from_day:upto].sum(axis=1) if whole
                    else self.org_children[j][from_day:upto, govs].sum()).sum()) if self.chance(0.4) else 0
        main = self.claim("killed", count, q, cat, vt, **base)
        extra = []
        kid_text = ""
        women = int((self.org_women[j][from_day:upto].sum(axis=1) if whole
                     else self.org_women[j][from_day:upto, govs].sum()).sum()) if kids and self.chance(0.5) else 0
        if kids and civ and women:
            kc, wc = self.number(kids), self.number(women)
            kid_text = f", including {wc} women and {kc} children,"
            extra.append(self.claim("killed", wc, "exact", "women", "women", **base))
            extra.append(self.claim("killed", kc, "exact", "children", "children", **base))
        elif kids and civ:
            kc = self.number(kids)
            kid_text = f", including {kc} children,"
            extra.append(self.claim("killed", kc, "exact", "children", "children", **base))
        if t == 0:
            d.say(f"{phrase} {vt}{kid_text} have been killed {where} {period}, according to {src}.", main, *extra)
        elif t == 1:
            d.say(f"{src[:1].upper() + src[1:]} said {self.when(pday, pub.date())} that {phrase} {vt}{kid_text} had been killed {where} {period}.",
                  main, *extra)
        elif t == 2:
            d.say(f"According to {src}, {phrase} {vt}{kid_text} have been killed {where} {period}.", main, *extra)
        elif t == 3:
            d.say(f"The death toll {where} has risen to {phrase} {vt} {period}, {src} said.", main)
        elif t == 4:
            d.say(f"{src[:1].upper() + src[1:]} has documented the killing of {phrase} {vt} {where} {period}.", main)
        elif t == 6:
            d.say(f"In its latest tally, {src} said {phrase} {vt}{kid_text} had been killed {where} {period}.", main, *extra)
        elif t == 7:
            d.say(f"{phrase} {vt} have lost their lives {where} {period}, {src} said in its latest report.", main)
        elif t == 8:
            d.say(f"The number of {vt} killed {where} {period} has reached {phrase}, according to {src}.", main)
        else:
            vague = "hundreds" if n >= 200 else "dozens"
            d.say(f"{vague.capitalize()} of {vt} have been killed {where} {period}, according to {src}.",
                  self.claim("killed", None, "vague", cat, vt, vague_word=vague, **base))
        # the last reported day alone
        last = int(counts[upto - 1].sum() if whole else counts[upto - 1, govs].sum()) if upto >= 1 else 0
        if last >= 2:
            c = self.number(last)
            day_claim = self.claim("killed", c, "exact", "people", "people", source=src_name, date_from=self.date(upto - 1),
                                   date_to=self.date(upto - 1), cumulative=False, **pf)
            when = self.when(upto - 1, pub.date())
            alone = f"On {when[3:]} alone" if when.startswith("on ") else f"{when.capitalize()} alone"
            d.say(self.pick((f"{alone}, {c} people were killed, the group said.",
                             f"It said {c} people were killed {when}.",
                             f"The group recorded {c} deaths {when}.")),
                  day_claim)
        if self.chance(0.5):
            self.un_paragraph(d, pub, govs, from_day, upto, outlet, pf)
        if self.chance(0.35):
            self.second_org(d, pub, j, govs, from_day, upto, pf)
        place_name = pf["places"][0] if pf["places"] else "Syria"
        self.noise(d, pub.date(), place_name)
        title = self.pick((f"Death toll {where} passes {self.number(n) if n < 1000 else f'{n:,}'}, monitor says",
                           f"Monitor says {n:,} killed {where}", f"Civilian deaths mount {where}"))
        return title, d

    def roundup_article(self, pub: dt.datetime, outlet: int) -> tuple[str, Draft]:
        """Several sources' tolls side by side: the lists' organisations and the UN office disagree."""
        self.depth += 1
        if self.depth > 4 or len(self.tollers) < 2:
            return self.toll_article(pub, outlet)
        w, d = self.w, Draft()
        pday = (pub.date() - self.start).days
        upto = min(pday, w.spec.days + 7)
        if upto < 3:
            return self.event_article(pub, outlet)
        pf = {"places": ["Syria"], "admin1": [], "pcodes": [], "country": w.geo.country}
        period = self.since(0, pub.date())
        base = dict(date_from=self.start, date_to=pub.date(), cumulative=True, **pf)
        d.say(self.pick(("Figures for the dead differ from one monitor to the next.",
                         "Counting the dead has proved difficult, and estimates vary widely.",
                         "No single count of the dead is authoritative.")))
        order = [int(i) for i in self.rng.permutation(self.tollers)]
        for k, j in enumerate(order[:3]):
            civ = self.chance(0.5)
            c_arr = self.org_counts[j][:upto]
            n = int(c_arr[..., 0].sum() if civ else c_arr.sum())
            if n < 1:
                continue
            src, src_name = self.source_name(j)
            phrase, count, q = self.qualified(n)
            vt = "civilians" if civ else "people"
            claim = self.claim("killed", count, q, vt, vt, source=src_name, **base)
            if k == 0:
                d.say(f"{src[:1].upper() + src[1:]} has recorded {phrase} {vt} killed across Syria {period}.", claim)
            elif k == 1:
                d.say(self.pick((f"{src[:1].upper() + src[1:]} counts {phrase} {vt}, including fighters on all sides."
                                 if not civ else f"{src[:1].upper() + src[1:]} counts {phrase} {vt}.",
                                 f"By the count of {src}, {phrase} {vt} have died.")), claim)
            else:
                d.say(f"A third group, {src}, lists {phrase} {vt} by name.", claim)
        verified = int(self.rng.binomial(int(self.truth[:upto, :, 0].sum()), w.spec.un_verified_share))
        if verified:
            c = self.number(verified)
            d.para()
            d.say(f"The {UN_OFFICE[0]}, which verifies each death with at least three independent sources, "
                  f"has confirmed {c} civilian deaths.",
                  self.claim("killed", c, "exact", "civilians", "civilian deaths", source=UN_OFFICE[0], **base))
            d.say("Its figure is a minimum, a spokesperson stressed.")
        self.noise(d, pub.date(), "Syria")
        return self.pick(("Why nobody agrees on the death toll", "Counting Syria's dead", "Monitors differ on toll")), d

    def quiet_article(self, pub: dt.datetime) -> tuple[str, Draft]:
        """An article without casualty figures (when the world is too small for anything else)."""
        d = Draft()
        d.say("Aid agencies warned of worsening conditions in the camps as winter set in.")
        self.noise(d, pub.date(), "The area")
        return "Aid agencies warn of worsening conditions", d

    def un_paragraph(self, d: Draft, pub: dt.datetime, govs: list[int], from_day: int, upto: int, outlet: int,
                     pf: dict[str, Any]) -> None:
        t = self.truth[from_day:upto, :, 0] if not govs else self.truth[from_day:upto][:, govs, 0]
        n = int(self.rng.binomial(int(t.sum()), self.w.spec.un_verified_share))
        if n < 1:
            return
        c = self.number(n)
        name, acro = UN_OFFICE
        claim = self.claim("killed", c, "exact", "civilians", "civilian deaths", source=name, date_from=self.date(from_day),
                           date_to=pub.date(), cumulative=True, **pf)
        d.para()
        d.say(self.pick((f"The {name} said it had verified {c} civilian deaths over the same period, cautioning that the real figure was likely higher.",
                         f"The {name} ({acro}) has verified {c} civilian deaths, a spokesperson said.",
                         f"In Geneva, the {name} said it had so far verified {c} civilian deaths in the area.")), claim)

    def second_org(self, d: Draft, pub: dt.datetime, j: int, govs: list[int], from_day: int, upto: int,
                   pf: dict[str, Any]) -> None:
        others = [k for k in self.tollers if k != j]
        if not others:
            return
        k = self.pick(others)
        c_arr = self.org_counts[k][from_day:upto]
        n = int(c_arr.sum() if not govs else c_arr[:, govs].sum())
        if n < 1:
            return
        src, src_name = self.source_name(k)
        phrase, count, q = self.qualified(n)
        fields = dict(source=src_name, date_from=self.date(from_day), date_to=pub.date(), cumulative=True, **pf)
        if self.chance(0.5):
            d.say(f"{src[:1].upper() + src[1:]}, which keeps its own list of names, put the figure at {phrase}.",
                  self.claim("killed", count, q, "people", None, **fields))
        else:
            d.say(f"A separate count by {src} listed {phrase} people killed.", self.claim("killed", count, q, "people", "people", **fields))

    def event_article(self, pub: dt.datetime, outlet: int) -> tuple[str, Draft]:
        """A massacre, airstrike or battle, reported within two days."""
        self.depth += 1
        if self.depth > 4:
            return self.quiet_article(pub)
        w = self.w
        pday = (pub.date() - self.start).days
        cand = np.flatnonzero((w.ev_size >= 4) & (w.ev_day <= pday) & (w.ev_day >= pday - 2))
        if not len(cand):
            return self.toll_article(pub, outlet)
        e = int(cand[weighted_choice(self.rng, w.ev_size[cand].astype(float))])
        kind = w.kinds[w.ev_kind[e]]
        size = int(w.ev_size[e])
        geo = w.geo
        village = int(w.ev_village[e])
        dist: Area = geo.districts[int(geo.village_district[village])]
        gov = geo.governorates[dist.parent]
        vname = geo.village_name(village, "english")
        gname = self.gov_name(dist.parent, outlet)
        day = int(w.ev_day[e])
        when = self.when(day, pub.date())
        perp = w.perpetrators[int(w.ev_perp[e])]
        phrases = KIND_PHRASES.get(kind.name, ("in an attack on",))
        verb = self.pick(phrases)
        pf = {"places": [vname, gname], "admin1": [gov.iso] if gov.iso else [], "pcodes": [dist.pcode], "country": geo.country}
        base = dict(date_from=self.date(day), date_to=self.date(day), cumulative=False, **pf)
        victims = np.arange(self.ev_start[e], self.ev_start[e] + size)
        civ_share = float((w.status[victims] == 0).mean())
        civ = civ_share > 0.7
        vt = "civilians" if civ else self.pick(("people", "fighters" if kind.name == "clashes" else "people"))
        cat = {"civilians": "civilians", "people": "people", "fighters": "fighters"}[vt]
        first = max(1, int(round(size * self.rng.uniform(0.5, 0.95))))
        local = self.pick(LOCAL_SOURCES)
        d = Draft()
        verb_place = f"{verb} {vname}" if not verb.endswith("stormed") else f"{verb} {vname}"
        with_perp = self.chance(0.4) and perp != "unknown"
        perp_text = f" by {perp}" if with_perp and kind.name in ("airstrike", "shelling", "massacre") else ""
        t = int(self.rng.integers(0, 4))
        fighters = int((w.status[victims] == 2).sum())
        soldiers = int((w.status[victims] == 1).sum())
        if kind.name == "clashes" and fighters and soldiers and self.chance(0.7):
            j = self.pick(self.tollers)
            src, src_name = self.source_name(j)
            pf_, fc, fq = self.qualified(fighters, initial=True)
            sc = self.number(soldiers)
            sw = self.pick(VICTIM_WORDS["security_forces"])
            fw = self.pick(VICTIM_WORDS["fighters"])
            d.say(f"{pf_} {fw} and {sc} {sw} were killed {when} {verb_place} in {gname}, according to {src}.",
                  self.claim("killed", fc, fq, "fighters", fw, source=src_name, **base),
                  self.claim("killed", sc, "exact", "security_forces", sw, source=src_name, **base))
        elif first == 12 and self.chance(0.7):
            d.say(f"A dozen {vt} were killed {when} {verb_place}{perp_text}, {local} said.",
                  self.claim("killed", "A dozen", "exact", cat, vt, source=local, perpetrator=perp if perp_text else None, **base))
        elif t == 1 and self.chance(0.15):
            c = self.number(size + int(self.rng.integers(1, 10)))
            d.say(f"Up to {c} {vt} may have been killed {when} {verb_place}{perp_text}, {local} said, warning that the toll could rise.",
                  self.claim("killed", c, "up_to", cat, vt, source=local, perpetrator=perp if perp_text else None, **base))
        elif t == 0:
            c = self.number(first, initial=True)
            d.say(f"{c} {vt} were killed {when} {verb_place}{perp_text} in {gname}, {local} said.",
                  self.claim("killed", c, "exact", cat, vt, source=local, perpetrator=perp if perp_text else None, **base))
        elif t == 1:
            phrase, c, q = self.qualified(first)
            d.say(f"{local[:1].upper() + local[1:]} said {phrase} {vt} were killed {when} {verb_place}{perp_text}, in the {gname} countryside.",
                  self.claim("killed", c, q, cat, vt, source=local, perpetrator=perp if perp_text else None, **base))
        elif t == 2:
            vague = "dozens" if 24 <= first < 100 else "hundreds" if first >= 200 else None
            if vague:
                d.say(f"{vague.capitalize()} of {vt} were killed {when} {verb_place}{perp_text} in {gname} province.",
                      self.claim("killed", None, "vague", cat, vt, vague_word=vague, source=None,
                                 perpetrator=perp if perp_text else None, **base))
            else:
                c = self.number(first)
                d.say(f"An attack {when} on {vname}, a village in {gname} province, killed {c} {vt}{perp_text}, {local} said.",
                      self.claim("killed", c, "exact", cat, vt, source=local, perpetrator=perp if perp_text else None, **base))
        else:
            phrase, c, q = self.qualified(first)
            d.say(f"{vname} was hit {when}{perp_text}, and {phrase} {vt} died, according to {local}.",
                  self.claim("killed", c, q, cat, vt, source=local, perpetrator=perp if perp_text else None, **base))
        if self.chance(0.6):
            wounded = int(first * self.rng.uniform(0.8, 3.0)) + 1
            if self.chance(0.3) and wounded >= 24:
                d.say("Dozens more were wounded, some of them critically.",
                      self.claim("injured", None, "vague", "people", "more", vague_word="dozens", source=None, **base))
            else:
                phrase, c, q = self.qualified(wounded, initial=True)
                d.say(f"{phrase} others were wounded.",
                      self.claim("injured", c, q, "people", "others", source=local, **base))
        if kind.name in ("airstrike", "shelling") and self.chance(0.3):
            d.say(self.pick(("Several people are still missing under the rubble, rescuers said.",
                             "Rescuers said several people were still missing.")),
                  self.claim("missing", None, "vague", "people", "people", vague_word="several", source="rescuers", **base))
        # an organisation's later, higher count
        j = self.pick(self.tollers)
        org_n = int(self.org_events[j][e])
        if org_n > first:
            src, src_name = self.source_name(j)
            c = self.number(org_n)
            d.para()
            d.say(self.pick((f"The toll rose to {c} later in the day, {src} said.",
                             f"By the evening the toll had risen to {c}, according to {src}.",
                             f"{src[:1].upper() + src[1:]} later put the toll at {c}.")),
                  self.claim("killed", c, "exact", "people", None, source=src_name, **base))
        # a family among the dead
        members = victims[w.household[victims] >= 0]
        if len(members):
            hh = int(w.household[members[0]])
            fam = members[w.household[members] == hh]
            if len(fam) >= 3:
                ch = int((w.role[fam] == 3).sum())
                fname = FAMILY_NAMES.latin["english"][int(w.family[fam[w.role[fam] != 2][0]]), 0]
                label = ("al-" + fname) if FAMILY_NAMES.article[int(w.family[fam[w.role[fam] != 2][0]])] else fname
                c = self.number(len(fam))
                claims = [self.claim("killed", c, "exact", "people", f"members of the {label} family", source=local, **base)]
                text = f"Among the dead were {c} members of the {label} family"
                if ch and ch < len(fam):
                    cc = self.number(ch)
                    text += f", including {cc} children"
                    claims.append(self.claim("killed", cc, "exact", "children", "children", source=local, **base))
                d.say(text + ".", *claims)
        self.noise(d, pub.date(), vname)
        title = self.pick((f"{kind.name.capitalize()} kills {first} in {gname} village",
                           f"Dozens killed in {vname}" if first >= 24 else f"{first} killed in {vname}",
                           f"Deadly {kind.name} hits {gname}"))
        return title, d

    def daily_article(self, pub: dt.datetime, outlet: int) -> tuple[str, Draft]:
        """Yesterday across the country, by one organisation's count."""
        self.depth += 1
        if self.depth > 4:
            return self.quiet_article(pub)
        pday = (pub.date() - self.start).days
        day = min(pday - 1, self.w.spec.days - 1)
        if day < 0:
            return self.displacement_article(pub, outlet)
        j = self.pick(self.tollers)
        c_day = self.org_counts[j][day]
        n = int(c_day.sum())
        if n < 1:
            return self.displacement_article(pub, outlet)
        src, src_name = self.source_name(j)
        top = int(np.argmax(c_day.sum(axis=1)))
        gname = self.gov_name(top, outlet)
        gov = self.w.geo.governorates[top]
        d = Draft()
        base = dict(source=src_name, date_from=self.date(day), date_to=self.date(day), cumulative=False, country=self.w.geo.country)
        c = self.number(n)
        civ = int(c_day[:, 0].sum())
        when = self.when(day, pub.date())
        if self.chance(0.5):
            d.say(f"{src[:1].upper() + src[1:]} recorded {c} deaths across Syria {when}, most of them in {gname}.",
                  self.claim("killed", c, "exact", "people", "deaths", places=["Syria"], **base))
        elif self.chance(0.5) or n < np.quantile(self.org_counts[j][: self.w.spec.days].sum(axis=(1, 2)), 0.7):
            d.say(f"Across the country, {c} people were killed {when}, according to {src}.",
                  self.claim("killed", c, "exact", "people", "people", places=["Syria"], **base))
        else:
            wd = when[3:] if when.startswith("on ") else when
            d.say(f"{src[:1].upper() + src[1:]} said {wd} had been one of the deadliest days of the month, with {c} people killed nationwide.",
                  self.claim("killed", c, "exact", "people", "people", places=["Syria"], **base))
        if civ and civ < n:
            cc = self.number(civ)
            d.say(f"Of those, {cc} were civilians, the group said.",
                  self.claim("killed", cc, "exact", "civilians", "civilians", places=["Syria"], **base))
        g_n = int(c_day[top].sum())
        if g_n >= 2 and self.chance(0.7):
            cg = self.number(g_n)
            d.say(f"In {gname} alone, {cg} people were killed, it said.",
                  self.claim("killed", cg, "exact", "people", "people", places=[gname], admin1=[gov.iso] if gov.iso else [],
                             pcodes=[gov.pcode], **{k: v for k, v in base.items() if k != "country"}, country=self.w.geo.country))
        self.noise(d, pub.date(), gname)
        return self.pick((f"{n} killed across Syria in a day, monitor says", f"Deadly day in {gname}")), d

    def displacement_article(self, pub: dt.datetime, outlet: int) -> tuple[str, Draft]:
        """Families or people crossing into a neighbouring country."""
        self.depth += 1
        if self.depth > 4:
            return self.quiet_article(pub)
        w = self.w
        pday = (pub.date() - self.start).days
        if not len(w.disp_day):
            return self.toll_article(pub, outlet)
        span = int(self.pick((1, 3, 7)))
        lo, hi = max(0, pday - span), pday - 1
        sel = (w.disp_day >= lo) & (w.disp_day <= hi)
        if not sel.any():
            lo, hi = max(0, w.spec.days - span), w.spec.days - 1
            sel = (w.disp_day >= lo) & (w.disp_day <= hi)
        if not sel.any():
            return self.toll_article(pub, outlet)
        countries = sorted(set(w.disp_country[sel].tolist()))
        by_c = {c: int(w.disp_people[sel & (w.disp_country == c)].sum()) for c in countries}
        c_code = max(by_c, key=by_c.__getitem__)
        m = sel & (w.disp_country == c_code)
        people, families = int(w.disp_people[m].sum()), int(w.disp_families[m].sum())
        govs = sorted(set(int(g) for g in w.disp_gov[m]))
        country = COUNTRY_NAMES.get(c_code, c_code)
        where, pf = self.places(govs[:2], outlet)
        name, acro = DISPLACEMENT_MONITOR
        src = self.pick((f"the {name}", f"the {name} ({acro})"))
        d = Draft()
        period = self.when(hi, pub.date()) if span == 1 else self.pick((f"over the past {to_words(span)} days" if span != 7 else "over the past week",
                                                                        f"in the past {span} days"))
        base = dict(source=name, date_from=self.date(lo), date_to=self.date(hi) if span == 1 else pub.date(), cumulative=False, **pf)
        nowhere = {"places": [], "admin1": [], "pcodes": []}
        use_fam = self.chance(0.5)
        n = families if use_fam else people
        unit = "families" if use_fam else "people"
        if n >= 200 and self.chance(0.25):
            vague = "hundreds" if n < 2000 else "thousands"
            d.say(f"{vague.capitalize()} of {unit} crossed into {country} {period}, {src} said.",
                  self.claim("displaced", None, "vague", unit, unit, vague_word=vague, **{**base, **nowhere}))
        else:
            phrase, c, q = self.qualified(n, initial=True)
            if self.chance(0.5):
                d.say(f"{phrase} {unit} crossed into {country} {period}, according to {src}.",
                      self.claim("displaced", c, q, unit, unit, **{**base, **nowhere}))
            else:
                phrase, c, q = self.qualified(n)
                d.say(f"{src[:1].upper() + src[1:]} said {phrase} {unit} had fled {where} to {country} {period}.",
                      self.claim("displaced", c, q, unit, unit, **base))
        if use_fam and self.chance(0.5):
            c = self.number(people)
            d.say(f"That amounts to {c} people, most of them women and children.",
                  self.claim("displaced", c, "exact", "people", "people", **{**base, **nowhere}))
        self.noise(d, pub.date(), pf["places"][0] if pf["places"] else "Syria")
        if self.chance(0.5):
            d.para()
            t_title, extra = self.toll_article(pub, outlet)
            d.paragraphs.extend(extra.paragraphs)
        return self.pick((f"Thousands flee to {country}" if people >= 2000 else f"Families flee to {country}",
                          f"Exodus to {country} as fighting rages")), d


def build_articles(world: World, lists: list[VictimList], n: int, seed: int) -> list[Article]:
    """*n* articles about *world*, published over the period and a week after it."""
    rng = np.random.default_rng([seed, 4])
    writer = _Stories(world, lists, rng)
    spec = world.spec
    # more news on deadly days: publication days follow the daily toll, plus a floor
    daily = np.bincount(world.day, minlength=spec.days + 7)[: spec.days + 7].astype(float)
    weight = daily[:-1] / max(daily.mean(), 1e-9) + 0.5
    days = 1 + np.minimum(np.searchsorted(np.cumsum(weight) / weight.sum(), rng.random(n), side="right"), len(weight) - 1)
    minutes = rng.integers(6 * 60, 23 * 60, n)
    order = np.lexsort((minutes, days))
    kinds = (writer.toll_article, writer.event_article, writer.daily_article, writer.displacement_article,
             writer.roundup_article)
    weights = np.array([0.32, 0.34, 0.1, 0.14, 0.1])
    out: list[Article] = []
    used: set[str] = set()
    for i in order:
        pub = dt.datetime.combine(spec.start + dt.timedelta(days=int(days[i])), dt.time(), tzinfo=dt.UTC) \
            + dt.timedelta(minutes=int(minutes[i]))
        outlet = int(rng.integers(0, len(OUTLETS)))
        k = weighted_choice(rng, weights)
        writer.depth = 0
        writer.introduced = set()
        title, draft = kinds[k](pub, outlet)
        body, claims = draft.render()
        base = f"{pub.date().isoformat()}-{slug(title)}"
        name, m = base, 2
        while name in used:
            name, m = f"{base}-{m}", m + 1
        used.add(name)
        outlet_name, domain = OUTLETS[outlet]
        url = f"{domain}/{pub:%Y/%m/%d}/{name[11:]}"
        out.append(Article(f"{name}.md", title, outlet_name, pub, url, body, claims))
    return out
