"""Reading cell values: dates (with per-column day/month order), sex, status, age, name script."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass

_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ].*)?$")
_NUMERIC = re.compile(r"^(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{2}|\d{4})$")
_YMD_SLASH = re.compile(r"^(\d{4})[/.](\d{1,2})[/.](\d{1,2})$")
_AR_DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹", "01234567890123456789")


@dataclass(frozen=True)
class DateOrder:
    """How a column writes numeric dates: ``dmy`` or ``mdy``; *ambiguous* when no value told."""

    order: str = "dmy"
    ambiguous: bool = False
    conflict: bool = False


def decide_order(values: Iterable[str]) -> DateOrder:
    """Decide day/month order for a column from every value in it."""
    day_first = month_first = False
    for v in values:
        m = _NUMERIC.match(v.strip().translate(_AR_DIGITS))
        if not m:
            continue
        a, b = int(m.group(1)), int(m.group(2))
        if a > 12 >= b:
            day_first = True
        elif b > 12 >= a:
            month_first = True
    if day_first and month_first:
        return DateOrder("dmy", conflict=True)
    if month_first:
        return DateOrder("mdy")
    return DateOrder("dmy", ambiguous=not day_first)


def parse_date(value: object, order: DateOrder = DateOrder()) -> dt.date | None:
    """Parse a date cell; None for empty; ValueError when it cannot be read."""
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    s = str(value).strip().translate(_AR_DIGITS)
    if not s or s.lower() in ("na", "n/a", "unknown", "غير معروف", "-"):
        return None
    if m := _ISO.match(s) or _YMD_SLASH.match(s):
        return dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    if m := _NUMERIC.match(s):
        a, b, y = int(m.group(1)), int(m.group(2)), int(m.group(3))
        y = y + 2000 if y < 100 else y
        day, month = (a, b) if order.order == "dmy" else (b, a)
        return dt.date(y, month, day)
    import dateparser

    parsed = dateparser.parse(s, settings={"DATE_ORDER": order.order.upper(), "STRICT_PARSING": True})
    if parsed is None:
        raise ValueError(f"cannot read date {s!r}")
    return parsed.date()


_SEX = {
    "male": "male", "m": "male", "man": "male", "boy": "male", "homme": "male", "masculin": "male",
    "ذكر": "male", "رجل": "male", "طفل": "male",
    "female": "female", "f": "female", "woman": "female", "girl": "female", "femme": "female",
    "féminin": "female", "انثى": "female", "أنثى": "female", "امرأة": "female", "امراة": "female", "طفلة": "female",
}


def parse_sex(value: object) -> str:
    """male | female | unknown."""
    return _SEX.get(str(value or "").strip().casefold(), "unknown")


_STATUS = {
    "civilian": "civilian", "civ": "civilian", "civil": "civilian", "non-combatant": "civilian", "مدني": "civilian",
    "مدنية": "civilian", "civils": "civilian",
    "security forces": "security_forces", "security_forces": "security_forces", "security": "security_forces",
    "police": "security_forces", "army": "security_forces", "military": "security_forces", "soldier": "security_forces",
    "قوات الأمن": "security_forces", "عسكري": "security_forces", "قوات امن": "security_forces", "أمن": "security_forces",
    "fighter": "fighter", "combatant": "fighter", "armed group": "fighter", "militant": "fighter", "rebel": "fighter",
    "مقاتل": "fighter", "مسلح": "fighter",
}


def parse_status(value: object) -> str:
    """civilian | security_forces | fighter | unknown."""
    return _STATUS.get(str(value or "").strip().casefold(), "unknown")


def parse_age(value: object) -> tuple[int | None, str | None]:
    """``(age, age_group)``: a number is an age, anything else an age group; ValueError if impossible."""
    if value is None or value == "":
        return None, None
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        n = float(value)
    else:
        s = str(value).strip().translate(_AR_DIGITS)
        if not s or s.lower() in ("unknown", "na", "n/a", "-", "غير معروف"):
            return None, None
        try:
            n = float(s)
        except ValueError:
            return None, s
    if n != int(n) or not 0 <= n <= 120:
        raise ValueError(f"age {value!r} is not a whole number of years from 0 to 120")
    return int(n), None


_ARABIC = re.compile("[\u0600-\u06ff\u0750-\u077f\ufb50-\ufdff\ufe70-\ufeff]")
_LATIN = re.compile("[A-Za-z\u00c0-\u024f]")
_LETTER = re.compile(r"[^\W\d_]")


def name_script(name: str | None) -> str:
    """arabic | latin | other | unknown, by the letters the name is written in (majority)."""
    if not name:
        return "unknown"
    if name.isascii():
        return "latin" if _LATIN.search(name) else "unknown"
    if not _LATIN.search(name) and _ARABIC.search(name) and name.replace(" ", "").isalpha():
        return "arabic"
    letters = len(_LETTER.findall(name))
    if not letters:
        return "unknown"
    arabic = len(_ARABIC.findall(name))
    latin = len(_LATIN.findall(name))
    other = letters - arabic - latin
    top = max(arabic, latin, other)
    return "arabic" if top == arabic else "latin" if top == latin else "other"
