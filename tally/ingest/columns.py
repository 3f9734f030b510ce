"""Recognising a victim list's columns: English and Arabic headers, or a user mapping file."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

from tally.core.errors import IngestError

STANDARD = (
    "source", "id", "person", "name", "sex", "age", "age_group", "date_of_death", "governorate",
    "district", "place", "status", "cause", "governorate_code", "district_code", "country",
)

# Header spellings seen in lists (folded: lower case, spaces/underscores/hyphens removed).
SYNONYMS: dict[str, tuple[str, ...]] = {
    "source": ("source", "organisation", "organization", "org", "المصدر", "الجهة"),
    "id": ("id", "recordid", "record", "no", "number", "#", "serial", "victimid", "الرقم", "رقم", "الرقمالتسلسلي", "المعرف", "م"),
    "person": ("person", "personid"),
    "name": ("name", "fullname", "victimname", "victim", "nameofvictim", "الاسم", "الاسمالكامل", "اسمالضحية", "الاسمالثلاثي"),
    "sex": ("sex", "gender", "الجنس", "الجنسذكرانثى"),
    "age": ("age", "ageyears", "العمر", "السن"),
    "age_group": ("agegroup", "agecategory", "agerange", "الفئةالعمرية"),
    "date_of_death": ("dateofdeath", "dod", "date", "deathdate", "dateofincident", "datekilled",
                       "تاريخالوفاة", "تاريخالاستشهاد", "تاريخالقتل", "التاريخ"),
    "governorate": ("governorate", "province", "gov", "muhafaza", "muhafazah", "admin1", "state", "المحافظة", "محافظة"),
    "district": ("district", "mantika", "mantiqa", "admin2", "subdistrict", "المنطقة", "المنطقةالإدارية", "منطقة"),
    "place": ("place", "location", "village", "town", "city", "locality", "placeofdeath", "المكان", "مكانالوفاة", "البلدة", "القرية", "المدينة"),
    "status": ("status", "category", "victimstatus", "type", "civilianstatus", "الوضع", "الصفة", "الفئة", "مدنيعسكري"),
    "cause": ("cause", "causeofdeath", "method", "weapon", "سببالوفاة", "السبب", "طريقةالقتل"),
    "governorate_code": ("governoratecode", "admin1code", "admin1pcode"),
    "district_code": ("districtcode", "admin2code", "admin2pcode"),
    "country": ("country", "countrycode", "البلد"),
}
_LOOKUP = {syn: std for std, syns in SYNONYMS.items() for syn in syns}


def fold_header(h: str) -> str:
    """Fold a header for matching: case, spaces, underscores, hyphens, dots, Arabic hamza forms."""
    h = h.strip().lstrip("\ufeff").casefold()
    h = h.translate(str.maketrans({"أ": "ا", "إ": "ا", "آ": "ا", "ة": "ه"}))
    key = re.sub(r"[\s_\-./()]+", "", h)
    return key.replace("ه", "ة") if key.endswith("ه") else key


_LOOKUP = {fold_header(k): v for k, v in _LOOKUP.items()} | _LOOKUP


def load_mapping(path: Path) -> dict[str, str]:
    """Read a mapping file: ``[columns]`` table of ``standard_field = "header as written"``."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise IngestError(f"{path}: cannot read mapping file ({exc})") from exc
    table = data.get("columns", data)
    bad = [k for k in table if k not in STANDARD]
    if bad:
        raise IngestError(f"{path}: unknown field(s) {', '.join(bad)}; known: {', '.join(STANDARD)}")
    return {str(v): k for k, v in table.items()}


def map_headers(headers: list[str], mapping: dict[str, str] | None = None) -> dict[str, str]:
    """Map each of the file's headers to a standard field, or leave it out (kept verbatim in extra)."""
    out: dict[str, str] = {}
    taken: set[str] = set()
    for h in headers:
        std = (mapping or {}).get(h) or _LOOKUP.get(fold_header(h))
        if std and std not in taken:
            out[h] = std
            taken.add(std)
    return out
