"""``simulate()``: draw a world, its lists and its news, and write them with the key to DIR.

Layout written::

    DIR/lists/<organisation>.csv     one victim list per organisation (file stem = source name)
    DIR/articles/<date>-<slug>.md    news articles with YAML front matter
    DIR/truth/victims.csv            person,name_ar,given,father,grandfather,family,sex,age,date,
                                     governorate_pcode,district_pcode,place,status,perpetrator,event_id
    DIR/truth/key.csv                source,id,person — which list record is which victim
    DIR/truth/records.csv            the key plus how each record came about (copied, duplicate, typo,
                                     script, date_shift)
    DIR/truth/events.csv             the killing events
    DIR/truth/displacement.csv       border crossings per day, governorate of origin and country
    DIR/truth/claims.jsonl           per article {"file": "articles/<name>.md", "claims": [Claim ...]}
    DIR/truth/sources.csv            organisations and other sources: name, acronym, kind, list file
    DIR/truth/spec.json              the resolved SimulationSpec

The output depends on the seed only: the same spec gives byte-identical files.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import shutil
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from tally.core.errors import InputError
from tally.simulate.geography import load_geography
from tally.simulate.lists import VictimList, build_lists
from tally.simulate.names import FAMILY_NAMES, FEMALE_NAMES, HABITS, MALE_NAMES
from tally.simulate.news import DISPLACEMENT_MONITOR, UN_OFFICE, Article, build_articles
from tally.simulate.spec import SimulationSpec
from tally.simulate.world import STATUSES, World, build_world

Progress = Callable[[str], None]


@dataclass(frozen=True)
class SimulationResult:
    """What ``simulate`` wrote: counts and paths."""

    out: Path
    seed: int
    victims: int
    events: int
    bursts: int
    lists: dict[str, int]
    articles: int
    claims: int
    displacement_rows: int
    seconds: float
    paths: dict[str, Path] = field(default_factory=dict)

    def to_dict(self) -> dict[str, object]:
        """A JSON-ready dict."""
        return {"out": str(self.out), "seed": self.seed, "victims": self.victims, "events": self.events,
                "bursts": self.bursts, "lists": dict(self.lists), "articles": self.articles, "claims": self.claims,
                "displacement_rows": self.displacement_rows, "seconds": round(self.seconds, 2),
                "paths": {k: str(v) for k, v in self.paths.items()}}


def simulate(spec: SimulationSpec, out: Path, progress: Progress | None = None) -> SimulationResult:
    """Draw the world described by *spec* and write lists, articles and truth under *out*."""
    t0 = time.perf_counter()
    step = progress or (lambda _s: None)
    spec = spec.resolved()
    out = Path(out)
    if out.exists() and not out.is_dir():
        raise InputError(f"{out} exists and is not a directory")
    if out.exists() and any(out.iterdir()) and not (out / "truth" / "spec.json").exists():
        raise InputError(f"{out} is not empty and holds no earlier simulation; choose an empty or new directory")
    for sub in ("lists", "articles", "truth"):
        if (out / sub).exists():
            shutil.rmtree(out / sub)  # an earlier simulation's files would not match this key
        (out / sub).mkdir(parents=True, exist_ok=True)

    step("geography")
    geo = load_geography(spec.country, np.random.default_rng([spec.seed, 0]))
    step("world")
    world = build_world(spec, geo, np.random.default_rng([spec.seed, 1]))
    step("lists")
    lists = build_lists(world, spec.organisations, spec.seed)
    step("articles")
    articles = build_articles(world, lists, spec.articles, spec.seed)
    step("writing")
    paths = _write(out, spec, world, lists, articles)
    return SimulationResult(out, spec.seed, world.n, len(world.ev_size), int((world.ev_size > 1).sum()),
                            {vl.org.name: len(vl) for vl in lists}, len(articles),
                            sum(len(a.claims) for a in articles), len(world.disp_day), time.perf_counter() - t0, paths)


Table = dict[str, Any]  # column name -> values (numpy array or list), all of one length


def _csv(table: Table, path: Path, header: list[str] | None = None) -> None:
    """Write *table* as UTF-8 CSV, minimal quoting, LF line ends (csv module: pandas is 3x slower here)."""
    cols = [v.tolist() if isinstance(v, np.ndarray) else list(v) for v in table.values()]
    with path.open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(header or list(table))
        w.writerows(zip(*cols))


def _write(out: Path, spec: SimulationSpec, world: World, lists: list[VictimList], articles: list[Article]) -> dict[str, Path]:
    truth = out / "truth"
    paths: dict[str, Path] = {}
    for vl in lists:
        p = out / "lists" / f"{vl.org.name}.csv"
        _csv(vl.columns, p, vl.header)
        paths[f"list:{vl.org.name}"] = p
    _csv(_victims_table(world), truth / "victims.csv")
    source = np.repeat(np.array([vl.org.name for vl in lists], dtype=object), [len(vl) for vl in lists])
    ids = np.concatenate([vl.ids for vl in lists])
    person = np.concatenate([vl.person for vl in lists]) + 1
    _csv({"source": source, "id": ids, "person": person}, truth / "key.csv")
    records = {"source": source, "id": ids, "person": person,
               "copied": np.concatenate([vl.copied for vl in lists]).astype(int),
               "duplicate": np.concatenate([vl.duplicate for vl in lists]).astype(int),
               "typo": np.concatenate([vl.typo for vl in lists]).astype(int),
               "script": np.array(HABITS, dtype=object)[np.concatenate([vl.habit for vl in lists])],
               "date_shift": np.concatenate([vl.shift for vl in lists])}
    _csv(records, truth / "records.csv")
    _csv(_events_table(world), truth / "events.csv")
    geo = world.geo
    _csv({
        "date": [(spec.start + dt.timedelta(days=int(d))).isoformat() for d in world.disp_day],
        "governorate_pcode": [geo.governorates[g].pcode for g in world.disp_gov],
        "country": world.disp_country, "people": world.disp_people, "families": world.disp_families},
        truth / "displacement.csv")
    sources = [(vl.org.name, vl.org.acronym, "organisation", f"lists/{vl.org.name}.csv") for vl in lists]
    sources += [(UN_OFFICE[0], UN_OFFICE[1], "authority", ""), (DISPLACEMENT_MONITOR[0], DISPLACEMENT_MONITOR[1], "organisation", "")]
    _csv(dict(zip(["name", "acronym", "kind", "list_file"], (list(c) for c in zip(*sources)))), truth / "sources.csv")
    (truth / "spec.json").write_text(spec.model_dump_json(indent=2) + "\n", encoding="utf-8")
    with (truth / "claims.jsonl").open("w", encoding="utf-8", newline="\n") as f:
        for a in articles:
            claims = [c.model_dump(mode="json") for c in a.claims]
            f.write(json.dumps({"file": f"articles/{a.name}", "claims": claims}, ensure_ascii=False) + "\n")
            (out / "articles" / a.name).write_text(render_article(a), encoding="utf-8", newline="\n")
    paths.update(victims=truth / "victims.csv", key=truth / "key.csv", claims=truth / "claims.jsonl",
                 events=truth / "events.csv", displacement=truth / "displacement.csv", spec=truth / "spec.json",
                 articles=out / "articles")
    return paths


def render_article(a: Article) -> str:
    """The Markdown file of *a*: YAML front matter, a blank line, the body."""
    front = [
        "---",
        f"title: {json.dumps(a.title, ensure_ascii=False)}",
        f"outlet: {json.dumps(a.outlet, ensure_ascii=False)}",
        f"published: {a.published.isoformat()}",
        f"url: {a.url}",
        "language: en",
        "---",
        "",
    ]
    return "\n".join(front) + "\n" + a.body


def article_body(text: str) -> str:
    """The body of an article file: what follows the front matter, leading newlines stripped."""
    if text.startswith("---\n"):
        end = text.index("\n---\n", 3)
        return text[end + 5:].lstrip("\n")
    return text


def _victims_table(world: World) -> Table:
    male = world.sex == 1
    given = np.where(male, MALE_NAMES.arabic[np.where(male, world.given, 0)], FEMALE_NAMES.arabic[np.where(male, 0, world.given)])
    father = MALE_NAMES.arabic[world.father]
    gf = np.where(world.grandfather >= 0, MALE_NAMES.arabic[np.maximum(world.grandfather, 0)], "")
    family = FAMILY_NAMES.arabic[world.family]
    name = given + " " + father + np.where(world.grandfather >= 0, " " + gf, "") + " " + family
    geo = world.geo
    days = [(world.spec.start + dt.timedelta(days=d)).isoformat() for d in range(world.spec.days)]
    gov_codes = np.array([g.pcode for g in geo.governorates], dtype=object)
    dist_codes = np.array([d.pcode for d in geo.districts], dtype=object)
    places = geo.village_names("english")
    return {
        "person": np.arange(1, world.n + 1),
        "name_ar": name, "given": given, "father": father, "grandfather": gf, "family": family,
        "sex": np.where(male, "male", "female"),
        "age": world.age,
        "date": np.array(days, dtype=object)[world.day],
        "governorate_pcode": gov_codes[world.governorate],
        "district_pcode": dist_codes[world.district],
        "place": places[world.village],
        "status": np.array(STATUSES, dtype=object)[world.status],
        "perpetrator": np.array(world.perpetrators, dtype=object)[world.ev_perp[world.event]],
        "event_id": world.event + 1,
    }


def _events_table(world: World) -> Table:
    geo = world.geo
    days = [(world.spec.start + dt.timedelta(days=d)).isoformat() for d in range(world.spec.days)]
    gov_codes = np.array([g.pcode for g in geo.governorates], dtype=object)
    dist_codes = np.array([d.pcode for d in geo.districts], dtype=object)
    civ = np.bincount(world.event, weights=(world.status == 0), minlength=len(world.ev_size)).astype(int)
    return {
        "event_id": np.arange(1, len(world.ev_size) + 1),
        "date": np.array(days, dtype=object)[world.ev_day],
        "kind": np.array([k.name for k in world.kinds], dtype=object)[world.ev_kind],
        "burst": (world.ev_size > 1).astype(int),
        "victims": world.ev_size,
        "civilians": civ,
        "governorate_pcode": gov_codes[world.ev_governorate],
        "district_pcode": dist_codes[world.ev_district],
        "place": geo.village_names("english")[world.ev_village],
        "perpetrator": np.array(world.perpetrators, dtype=object)[world.ev_perp],
    }
