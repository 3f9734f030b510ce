"""The truth: killing events, their victims with Syrian names, and displacement across borders.

Most deaths come in bursts — one day, one village, often whole families (siblings share their
father's given name, grandfather's name and family name; mothers keep their own) — during a few
regional offensives ("waves"); the rest is a background of single killings spread over the
country.  Burst sizes follow a Pareto tail, so a few massacres dominate.  Everything is numpy
arrays indexed by victim or event, so a million victims fit in memory easily.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np

from tally.simulate.geography import BORDERS, Geography
from tally.simulate.names import FAMILY_NAMES, FEMALE_NAMES, MALE_NAMES
from tally.simulate.spec import EventKind, SimulationSpec

STATUSES = ("civilian", "security_forces", "fighter")
ROLE_NONE, ROLE_FATHER, ROLE_MOTHER, ROLE_CHILD = 0, 1, 2, 3
CLANS_PER_VILLAGE = 3


@dataclass(frozen=True)
class Kind:
    """An event kind with its index in the world's kind table."""

    name: str
    burst: bool
    spec: EventKind


@dataclass
class World:
    """The simulated truth; arrays of victims (index = person - 1) and of events."""

    spec: SimulationSpec
    geo: Geography
    kinds: list[Kind]
    perpetrators: list[str]
    # events (index = event_id - 1)
    ev_day: np.ndarray
    ev_village: np.ndarray
    ev_kind: np.ndarray
    ev_perp: np.ndarray
    ev_size: np.ndarray
    # victims
    event: np.ndarray
    sex: np.ndarray  # 1 male, 2 female
    age: np.ndarray
    status: np.ndarray  # index into STATUSES
    given: np.ndarray
    father: np.ndarray
    grandfather: np.ndarray  # -1 unknown
    family: np.ndarray
    household: np.ndarray  # -1 none
    role: np.ndarray
    # displacement: one row per (day, governorate, country)
    disp_day: np.ndarray
    disp_gov: np.ndarray
    disp_country: np.ndarray
    disp_people: np.ndarray
    disp_families: np.ndarray

    @property
    def n(self) -> int:
        """Number of victims."""
        return len(self.event)

    @cached_property
    def day(self) -> np.ndarray:
        """Day of death per victim (0 = spec.start)."""
        return self.ev_day[self.event]

    @cached_property
    def village(self) -> np.ndarray:
        """Village per victim."""
        return self.ev_village[self.event]

    @cached_property
    def district(self) -> np.ndarray:
        """District index per victim."""
        return self.geo.village_district[self.village]

    @cached_property
    def governorate(self) -> np.ndarray:
        """Governorate index per victim."""
        return self.ev_governorate[self.event]

    @cached_property
    def ev_district(self) -> np.ndarray:
        """District index per event."""
        return self.geo.village_district[self.ev_village]

    @cached_property
    def ev_governorate(self) -> np.ndarray:
        """Governorate index per event."""
        parents = np.array([d.parent for d in self.geo.districts])
        return parents[self.ev_district]


def _choice(rng: np.random.Generator, weights: np.ndarray, n: int) -> np.ndarray:
    """*n* draws of indices with probabilities *weights* (fast inverse-CDF sampling)."""
    cdf = np.cumsum(weights, dtype=float)
    return np.minimum(np.searchsorted(cdf / cdf[-1], rng.random(n), side="right"), len(weights) - 1)


def _burst_sizes(spec: SimulationSpec, rng: np.random.Generator, total: int) -> np.ndarray:
    cap = max(spec.burst_min, min(spec.burst_max, int(total * 0.05) or spec.burst_min))
    mean = spec.burst_min * spec.burst_alpha / (spec.burst_alpha - 1)
    sizes = np.empty(0, dtype=np.int64)
    while sizes.sum() < total:
        u = rng.random(int(total / mean * 1.5) + 10)
        more = np.floor(spec.burst_min * (1 - u) ** (-1 / spec.burst_alpha)).astype(np.int64)
        sizes = np.concatenate([sizes, np.minimum(more, cap)])
    cut = int(np.searchsorted(np.cumsum(sizes), total))
    sizes = sizes[: cut + 1].copy()
    sizes[-1] -= sizes.sum() - total
    return sizes[sizes > 0]


def build_world(spec: SimulationSpec, geo: Geography, rng: np.random.Generator) -> World:
    """Draw the events, victims and displacement of one world."""
    kinds = [Kind(k, True, v) for k, v in spec.burst_kinds.items()] + [Kind(k, False, v) for k, v in spec.single_kinds.items()]
    perps = sorted({p for k in kinds for p in k.spec.perpetrators})
    n_burst = int(round(spec.victims * spec.burst_share))
    sizes = _burst_sizes(spec, rng, n_burst) if n_burst >= spec.burst_min else np.empty(0, dtype=np.int64)
    n_single = spec.victims - int(sizes.sum())
    sizes = np.concatenate([sizes, np.ones(n_single, dtype=np.int64)])
    burst = np.arange(len(sizes)) < len(sizes) - n_single
    e = len(sizes)

    # kind of each event
    kind = np.empty(e, dtype=np.int64)
    nb = int(burst.sum())
    bk = [i for i, k in enumerate(kinds) if k.burst]
    sk = [i for i, k in enumerate(kinds) if not k.burst]
    kind[:nb] = np.array(bk)[_choice(rng, np.array([kinds[i].spec.weight for i in bk]), nb)] if bk else 0
    kind[nb:] = np.array(sk)[_choice(rng, np.array([kinds[i].spec.weight for i in sk]), e - nb)] if sk else bk[0]

    # when and where: bursts partly in regional waves, the rest spread by governorate intensity
    ng = len(geo.governorates)
    day = rng.integers(0, spec.days, e)
    gov = _choice(rng, geo.gov_weight, e)
    if spec.waves:
        centre = rng.integers(0, spec.days, spec.waves)
        width = rng.uniform(2.0, max(3.0, spec.days / 8), spec.waves)
        focus = np.stack([_choice(rng, geo.gov_weight, spec.waves), rng.integers(0, ng, spec.waves)], axis=1)
        in_wave = burst & (rng.random(e) < spec.wave_share)
        w = rng.integers(0, spec.waves, e)
        wday = np.clip(np.round(rng.normal(centre[w], width[w])), 0, spec.days - 1).astype(np.int64)
        wgov = focus[w, (rng.random(e) < 0.3).astype(int)]
        day = np.where(in_wave, wday, day)
        gov = np.where(in_wave, wgov, gov)
    # district within governorate by a per-seed weight, village within district uniformly
    dist_of_gov = [np.array([i for i, d in enumerate(geo.districts) if d.parent == g]) for g in range(ng)]
    dweight = rng.gamma(1.0, 1.0, len(geo.districts))
    district = np.empty(e, dtype=np.int64)
    for g in range(ng):
        sel = np.flatnonzero(gov == g)
        ds = dist_of_gov[g]
        district[sel] = ds[_choice(rng, dweight[ds], len(sel))]
    per = int(np.bincount(geo.village_district).max())
    village = district * per + rng.integers(0, per, e)
    # bursts are rarely in the district seat's name only; singles often are
    village = np.where(~burst & (rng.random(e) < 0.4), district * per, village)
    perp = np.empty(e, dtype=np.int64)
    for i, k in enumerate(kinds):
        sel = np.flatnonzero(kind == i)
        names = list(k.spec.perpetrators)
        perp[sel] = np.array([perps.index(p) for p in names])[_choice(rng, np.array(list(k.spec.perpetrators.values())), len(sel))]

    order = np.lexsort((rng.random(e), village, day))
    day, village, kind, perp, sizes, burst = day[order], village[order], kind[order], perp[order], sizes[order], burst[order]

    victims = _victims(spec, geo, rng, kinds, sizes, kind, village)
    world = World(spec, geo, kinds, perps, day, village, kind, perp, sizes, **victims,
                  **_displacement(spec, geo, rng, day, sizes, village))
    return world


def _victims(spec: SimulationSpec, geo: Geography, rng: np.random.Generator, kinds: list[Kind],
             sizes: np.ndarray, kind: np.ndarray, village: np.ndarray) -> dict[str, np.ndarray]:
    n = int(sizes.sum())
    event = np.repeat(np.arange(len(sizes)), sizes)
    start = np.concatenate([[0], np.cumsum(sizes)[:-1]])
    pos = np.arange(n) - start[event]
    fam_kind = np.array([k.spec.families and k.burst for k in kinds])[kind]
    n_fam = np.where(fam_kind & (sizes >= 2), rng.binomial(sizes, spec.family_share), 0)
    in_fam = pos < n_fam[event]

    # households: cut each event's family members into households of 2–7
    hh_draw = rng.integers(2, 8, int(n_fam.sum()) + 1).tolist()
    hh_sizes: list[int] = []
    k = 0
    for m in n_fam[n_fam >= 2].tolist():
        while m >= 2:
            s = hh_draw[k]
            k += 1
            s = m if m - s < 2 else s
            hh_sizes.append(s)
            m -= s
    hh_sizes_a = np.array(hh_sizes, dtype=np.int64)
    fam_idx = np.flatnonzero(in_fam)
    fam_idx = fam_idx[: int(hh_sizes_a.sum())]
    household = np.full(n, -1, dtype=np.int64)
    household[fam_idx] = np.repeat(np.arange(len(hh_sizes_a)), hh_sizes_a)
    in_fam = household >= 0
    hh_start = np.concatenate([[0], np.cumsum(hh_sizes_a)[:-1]]).astype(np.int64)
    hpos = np.zeros(n, dtype=np.int64)
    hpos[fam_idx] = np.arange(len(fam_idx)) - hh_start[household[fam_idx]]
    nh = len(hh_sizes_a)
    has_father = rng.random(nh) < 0.5
    has_mother = rng.random(nh) < 0.6
    role = np.zeros(n, dtype=np.int8)
    h = household[fam_idx]
    p = hpos[fam_idx]
    role[fam_idx] = np.where((p == 0) & has_father[h], ROLE_FATHER,
                             np.where((p == 1) & has_mother[h], ROLE_MOTHER, ROLE_CHILD))

    # status and sex
    status = np.zeros(n, dtype=np.int8)
    for i, kd in enumerate(kinds):
        sel = np.flatnonzero((kind[event] == i) & ~in_fam)
        probs = np.array([kd.spec.status.get(s, 0.0) for s in STATUSES])
        status[sel] = _choice(rng, probs, len(sel))
    male_p = np.where(status == 0, 0.72, 0.99)
    sex = np.where(rng.random(n) < male_p, 1, 2).astype(np.int8)
    sex[role == ROLE_FATHER] = 1
    sex[role == ROLE_MOTHER] = 2
    sex[role == ROLE_CHILD] = np.where(rng.random(int((role == ROLE_CHILD).sum())) < 0.5, 1, 2)

    # ages
    age = np.where(rng.random(n) < 0.14, rng.integers(0, 18, n), np.clip(rng.gamma(5.0, 7.5, n) + 14, 18, 95)).astype(np.int16)
    fighter = status > 0
    age[fighter] = np.clip(np.round(rng.normal(28, 7, int(fighter.sum()))), 17, 60)
    mother_age = rng.integers(22, 51, nh)
    father_age = mother_age + rng.integers(0, 11, nh)
    hh = household
    age[role == ROLE_MOTHER] = mother_age[hh[role == ROLE_MOTHER]]
    age[role == ROLE_FATHER] = father_age[hh[role == ROLE_FATHER]]
    ch = role == ROLE_CHILD
    orphan = ~(has_father | has_mother)  # siblings killed together: adult and young
    top = np.where(orphan[hh[ch]], 45, np.minimum(18, mother_age[hh[ch]] - 16))
    age[ch] = (rng.random(int(ch.sum())) * top).astype(np.int16)

    # names: a virtual father per household gives children their father's and grandfather's names
    given = np.where(sex == 1, _choice(rng, MALE_NAMES.weights, n), _choice(rng, FEMALE_NAMES.weights, n))
    father = _choice(rng, MALE_NAMES.weights, n)
    grandfather = _choice(rng, MALE_NAMES.weights, n)
    family = _choice(rng, FAMILY_NAMES.weights, n)
    nv = len(geo.village_district)
    clans = _choice(rng, FAMILY_NAMES.weights, nv * CLANS_PER_VILLAGE).reshape(nv, CLANS_PER_VILLAGE)
    vil = village[event]
    local = rng.random(n) < spec.local_family_share
    family[local] = clans[vil[local], rng.integers(0, CLANS_PER_VILLAGE, int(local.sum()))]
    hf_given = _choice(rng, MALE_NAMES.weights, nh)
    hf_father = _choice(rng, MALE_NAMES.weights, nh)
    hh_vil = np.zeros(nh, dtype=np.int64)
    hh_vil[household[fam_idx]] = vil[fam_idx]
    hf_family = np.where(rng.random(nh) < spec.local_family_share, clans[hh_vil, rng.integers(0, CLANS_PER_VILLAGE, nh)],
                         _choice(rng, FAMILY_NAMES.weights, nh))
    fa = role == ROLE_FATHER
    given[fa], father[fa], family[fa] = hf_given[hh[fa]], hf_father[hh[fa]], hf_family[hh[fa]]
    father[ch], grandfather[ch], family[ch] = hf_given[hh[ch]], hf_father[hh[ch]], hf_family[hh[ch]]
    # brothers do not share a given name: shift a clash to the next name in the table
    _dedupe_siblings(given, household, sex, ch)
    grandfather = np.where(rng.random(n) < spec.grandfather_rate, grandfather, -1)
    return dict(event=event, sex=sex, age=age.astype(np.int16), status=status, given=given.astype(np.int32),
                father=father.astype(np.int32), grandfather=grandfather.astype(np.int32),
                family=family.astype(np.int32), household=household, role=role)


def _dedupe_siblings(given: np.ndarray, household: np.ndarray, sex: np.ndarray, child: np.ndarray) -> None:
    idx = np.flatnonzero(child)
    for _ in range(3):
        key = household[idx] * 10_000 + sex[idx].astype(np.int64) * 1_000 + given[idx]
        order = np.argsort(key, kind="stable")
        dup = np.zeros(len(idx), dtype=bool)
        dup[order[1:]] = key[order[1:]] == key[order[:-1]]
        if not dup.any():
            return
        d = idx[dup]
        size = np.where(sex[d] == 1, len(MALE_NAMES), len(FEMALE_NAMES))
        given[d] = (given[d] + 1 + np.arange(len(d)) % 5) % size


def _displacement(spec: SimulationSpec, geo: Geography, rng: np.random.Generator, day: np.ndarray,
                  sizes: np.ndarray, village: np.ndarray) -> dict[str, np.ndarray]:
    parents = np.array([d.parent for d in geo.districts])
    gov = parents[geo.village_district[village]]
    ng = len(geo.governorates)
    deaths = np.zeros((spec.days, ng))
    np.add.at(deaths, (day, gov), sizes)
    # people flee over the following days: a 4-day moving sum of deaths drives crossings
    recent = sum(np.roll(np.pad(deaths, ((3, 0), (0, 0))), s, axis=0)[3:] for s in range(4))
    rows: list[tuple[int, int, str, int, int]] = []
    for g, area in enumerate(geo.governorates):
        for c in BORDERS.get(area.pcode, ()):
            share = 1.0 / len(BORDERS[area.pcode])
            lam = spec.displaced_per_death * recent[:, g] * share + 2.0
            people = rng.poisson(lam)
            fam = rng.binomial(people, 0.2)
            for d in np.flatnonzero(people > 0):
                rows.append((int(d), g, c, int(people[d]), max(1, int(fam[d]))))
    rows.sort()
    if not rows:
        z = np.zeros(0, dtype=np.int64)
        return dict(disp_day=z, disp_gov=z, disp_country=np.zeros(0, dtype=object), disp_people=z, disp_families=z)
    a = list(zip(*rows))
    return dict(disp_day=np.array(a[0]), disp_gov=np.array(a[1]), disp_country=np.array(a[2], dtype=object),
                disp_people=np.array(a[3]), disp_families=np.array(a[4]))
