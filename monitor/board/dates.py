"""Dates written in a sentence ("지난 2월", "지난해 12월", "2025년 2월 17일", "지난 17일", "이달 말") and the
day they mean, with the article's publish date giving the year (and month) the text leaves out."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta

_DATE = re.compile(
    r"(?:(?P<year>\d{4})\s?년\s?|(?P<lastyear>지난해|작년)\s?|(?P<this>올해|올)\s?|(?P<nextyear>내년|이듬해|다음\s?해)\s?)?"
    r"(?P<prefix>지난|오는)?\s?"
    r"(?:(?P<lastmonth>지난\s?달)|(?P<thismonth>이달|이번\s?달)|(?P<nextmonth>다음\s?달)|(?P<prevday>전날)"
    # a half of a named year ("내년 상반기": a plan; claims.py reads no day or month from it)
    r"|(?<=[년해올]\s)(?P<half>상반기|하반기)|(?P<month>1[0-2]|0?[1-9])\s?월(?:\s?(?P<day>[12]\d|3[01]|0?[1-9])\s?일)?"
    r"|(?P<dayonly>[12]\d|3[01]|0?[1-9])\s?일)"
    r"(?![0-9])"
)


@dataclass(frozen=True, slots=True)
class DateSpan:
    start: int
    end: int
    year: int | None
    last_year: bool
    month: int | None  # -1: "지난달", 0: "이달" (the article's month)
    day: int | None
    future: bool  # "오는 3월", "내년 1월", "다음 달": a plan, it dates nothing that happened
    prev_day: bool = False  # "전날": the day before the article's


def date_spans(text: str) -> list[DateSpan]:
    out = []
    for m in _DATE.finditer(text):
        if m.group("dayonly") and m.start("dayonly") > 0 and text[m.start("dayonly") - 1].isdigit():
            continue
        if m.group("half") and not (
            m.group("year") or m.group("lastyear") or m.group("this") or m.group("nextyear")
        ):
            continue
        out.append(
            DateSpan(
                m.start(),
                m.end(),
                int(m.group("year")) if m.group("year") else None,
                bool(m.group("lastyear")),
                int(m.group("month"))
                if m.group("month")
                else (-1 if m.group("lastmonth") else (0 if m.group("thismonth") else None)),
                int(m.group("day") or m.group("dayonly") or 0) or None,
                m.group("prefix") == "오는" or bool(m.group("nextyear") or m.group("nextmonth")),
                bool(m.group("prevday")),
            )
        )
    return out


def resolve(span: DateSpan, published: datetime | date | None) -> str | None:
    """ "YYYY-MM" or "YYYY-MM-DD"; None when the year cannot be known or the date is a plan."""
    if span.future:
        return None
    pub = published.date() if isinstance(published, datetime) else published
    if span.year is not None:
        year = span.year
    elif pub is None:
        return None
    else:
        year = pub.year - 1 if span.last_year else pub.year
    if span.prev_day:  # "전날": the day before the article's
        return None if pub is None else (pub - timedelta(days=1)).isoformat()
    month = span.month
    if month is None and span.day is None:  # "올해 상반기": no month to give
        return None
    if month == 0:  # "이달": the article's month
        return None if pub is None else f"{pub.year:04d}-{pub.month:02d}"
    if month == -1:  # "지난달": the month before the article's
        if pub is None:
            return None
        year, month = (year, pub.month - 1) if pub.month > 1 else (year - 1, 12)
        return f"{year:04d}-{month:02d}"
    if month is None:  # "지난 17일": the publish month, or the one before
        if pub is None:
            return None
        month = pub.month
        if span.day and span.day > pub.day:
            month -= 1
            if month == 0:
                month, year = 12, year - 1
        return f"{year:04d}-{month:02d}-{span.day:02d}"
    if span.year is None and not span.last_year and pub is not None and month > pub.month:
        year -= 1  # a recap of "지난 11월" in a January article is last year's
    return f"{year:04d}-{month:02d}" + (f"-{span.day:02d}" if span.day else "")
