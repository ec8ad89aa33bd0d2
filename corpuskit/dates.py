"""Publication and capture times: parsing, precision, time zones, RFC 3339 output.

Parsing uses the standard library and python-dateutil; only the Chinese dateline forms
(【大纪元2023年07月26日讯】, 【明慧网二零二零年六月二十日】) and URL date patterns are matched here,
because no date library knows them (dateparser's Chinese support needs Arabic digits and
guesses missing years from today's date, which would make output depend on the run day).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from email.utils import parsedate_to_datetime
from zoneinfo import ZoneInfo

import cn2an
from dateutil import parser as dateutil_parser

UTC = timezone.utc
# Years outside this range are not publication dates of news we can hold (year 0, 9999).
MIN_YEAR, MAX_YEAR = 1990, 2100


@dataclass(frozen=True)
class Published:
    """A publication time as the source gives it."""

    value: datetime | date
    precision: str  # day | minute | second | millisecond
    source: str  # dateline | page | url | feed | meta | record

    @property
    def at(self) -> str:
        return format_utc(self.value, self.precision)

    def whole_hour(self) -> bool:
        v = self.value
        return isinstance(v, datetime) and v.minute == v.second == v.microsecond == 0

    def as_day(self) -> Published:
        """The same date at day precision, in the zone it was given in."""
        return Published(self.day(), "day", self.source)

    def after(self, captured: datetime) -> bool:
        """True when this claims a publication later than the capture (impossible)."""
        if isinstance(self.value, datetime):
            return self.value > captured + timedelta(minutes=5)
        # a bare date is in the outlet's own zone, up to UTC+14 ahead of the capture's UTC day
        return self.value > (captured + timedelta(hours=14)).date()

    @property
    def local(self) -> str:
        if isinstance(self.value, datetime):
            return _format_time(self.value, self.precision, utc=False)
        return self.value.isoformat()

    def day(self) -> date:
        return self.value.date() if isinstance(self.value, datetime) else self.value


def _format_time(dt: datetime, precision: str, utc: bool) -> str:
    """RFC 3339 at ``precision``, with ``Z`` for UTC (and for a naive time) or the offset.

    Cut from ``isoformat`` rather than formatted by ``strftime``, which costs three times as
    much (4 µs, two calls an article) and does not pad a year below 1000 to four digits.
    """
    if utc:
        dt = dt.astimezone(UTC)
    millis = precision == "millisecond"
    iso = dt.isoformat(timespec="milliseconds" if millis else "seconds")
    cut = 23 if millis else 19  # YYYY-MM-DDTHH:MM:SS[.mmm], then the offset, if any
    stamp, offset = iso[:cut], iso[cut:]
    if precision == "minute":
        stamp = stamp[:17] + "00"
    return stamp + ("Z" if offset in ("", "+00:00") else offset)


def format_utc(value: datetime | date, precision: str) -> str:
    """RFC 3339 in UTC for times; the bare date for day precision (no invented midnight)."""
    if isinstance(value, datetime) and precision != "day":
        return _format_time(value, precision, utc=True)
    return (value.date() if isinstance(value, datetime) else value).isoformat()


def epoch_ms_to_utc(ms: int) -> str | None:
    """``<!--1697721422000-->`` → ``2023-10-19T13:17:02Z`` (milliseconds kept when non-zero)."""
    try:
        dt = datetime.fromtimestamp(ms / 1000, tz=UTC)
    except (OverflowError, OSError, ValueError):
        return None
    if not MIN_YEAR <= dt.year <= MAX_YEAR:
        return None
    return _format_time(dt, "millisecond" if ms % 1000 else "second", utc=True)


def plausible(d: date | datetime) -> bool:
    return MIN_YEAR <= d.year <= MAX_YEAR


def _zone(tz: str | None) -> ZoneInfo | timezone:
    return ZoneInfo(tz) if tz else UTC


def parse_iso(text: str, source: str, tz: str | None = None) -> Published | None:
    """ISO 8601 date-time, with or without zone (a missing zone is the outlet's ``tz``)."""
    text = text.strip()
    m = re.match(r"^\d{4}-\d{2}-\d{2}(?:[T ](\d{2}):(\d{2})(?::(\d{2})(\.\d+)?)?)?", text)
    if not m:
        return None
    try:
        dt = dateutil_parser.isoparse(text.replace(" ", "T", 1))
    except (ValueError, OverflowError):
        return None
    if not plausible(dt):
        return None
    if m.group(1) is None:
        return Published(dt.date(), "day", source)
    precision = "millisecond" if m.group(4) else ("second" if m.group(3) else "minute")
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=_zone(tz))
    return Published(dt, precision, source)


def parse_rfc822(text: str, source: str) -> Published | None:
    """``Mon, 20 Jul 2020 15:39:02 GMT`` (RSS dates)."""
    try:
        dt = parsedate_to_datetime(text.strip())
    except (TypeError, ValueError, IndexError):
        return None
    if dt is None or not plausible(dt):
        return None
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=UTC)
    has_seconds = re.search(r"\d{1,2}:\d{2}:\d{2}", text) is not None
    return Published(dt, "second" if has_seconds else "minute", source)


def parse_dmy_time(text: str, source: str, tz: str | None) -> Published | None:
    """``20/07/2020 - 13:32`` (RFI), day first, in the outlet's zone."""
    m = re.search(r"(\d{1,2})/(\d{1,2})/(\d{4})\s*-?\s*(?:(\d{1,2}):(\d{2}))?", text)
    if not m:
        return None
    d, mo, y = int(m.group(1)), int(m.group(2)), int(m.group(3))
    try:
        if m.group(4) is None:
            value: date | datetime = date(y, mo, d)
            return Published(value, "day", source) if plausible(value) else None
        dt = datetime(y, mo, d, int(m.group(4)), int(m.group(5)), tzinfo=_zone(tz))
    except ValueError:
        return None
    return Published(dt, "minute", source) if plausible(dt) else None


_CN_DIGITS = "〇零一二三四五六七八九十百"
_num = rf"(?:\d{{1,4}}|[{_CN_DIGITS}]{{1,4}})"
# 【大纪元2023年07月26日讯】 【明慧网二零二零年六月二十日】 【大纪元12月22日讯】, also with
# the year split off by a tag link (already joined by the text normaliser).
DATELINE_RE = re.compile(
    rf"^[【\[]\s*(?P<label>[^【】\[\]\d{_CN_DIGITS}]{{0,12}}?)\s*"
    rf"(?:(?P<y>{_num})\s*年\s*)?(?P<m>{_num})\s*月\s*(?P<d>{_num})\s*日"
    r"(?:\s*(?P<h>\d{1,2})\s*[:：时]\s*(?P<mi>\d{2})\s*分?)?"
    r"[^】\]]{0,12}[】\]]"
)


def _cn_int(s: str) -> int:
    if s.isdigit():
        return int(s)
    if all(c in "〇零一二三四五六七八九" for c in s):  # digit by digit: 二零二零 → 2020
        return int("".join(str("〇一二三四五六七八九".index(c.replace("零", "〇"))) for c in s))
    return int(cn2an.cn2an(s, "smart"))


@dataclass(frozen=True)
class Dateline:
    year: int | None
    month: int
    day: int
    end: int  # where the dateline ends in the paragraph
    label: str


def find_dateline(paragraph: str) -> Dateline | None:
    """The 【…日讯】 dateline at the start of a paragraph, or None (【新唐人快报】 is no date)."""
    m = DATELINE_RE.match(paragraph)
    if not m:
        return None
    try:
        year = _cn_int(m.group("y")) if m.group("y") else None
        month, day = _cn_int(m.group("m")), _cn_int(m.group("d"))
    except (ValueError, TypeError, KeyError):  # cn2an raises KeyError for 〇十〇
        return None
    if not (1 <= month <= 12 and 1 <= day <= 31):
        return None
    if year is not None and year < 100 and len(m.group("y").strip()) <= 2:
        year += 2000  # 23年 is 2023; 0000年 stays year 0, an implausible date
    return Dateline(year, month, day, m.end(), m.group("label") or "")


def resolve_dateline(
    dl: Dateline, url_day: date | None, captured: datetime | None
) -> tuple[Published | None, list[str]]:
    """A dateline as a day; a missing year comes from the URL, else the capture time.

    Returns the date and warnings (year inferred; contradiction with the URL's date).
    """
    warnings: list[str] = []
    year = dl.year
    if year is None:
        ref = url_day or (captured.date() if captured else None)
        if ref is None:
            return None, ["dateline_without_year"]
        # the nearest year to the reference (a 12月31日 dateline captured on 1 January)
        candidates = []
        for y in (ref.year - 1, ref.year, ref.year + 1):
            try:
                candidates.append(date(y, dl.month, dl.day))
            except ValueError:
                continue
        if not candidates:
            return None, ["dateline_invalid"]
        value = min(candidates, key=lambda c: abs((c - ref).days))
        warnings.append("dateline_year_inferred:" + ("url" if url_day else "capture"))
    else:
        try:
            value = date(year, dl.month, dl.day)
        except ValueError:
            return None, ["dateline_invalid"]
    if not plausible(value):
        return None, ["dateline_implausible"]
    if url_day is not None and abs((value - url_day).days) > 1:
        warnings.append(f"dateline_contradicts_url:{value.isoformat()}!={url_day.isoformat()}")
    return Published(value, "day", "dateline"), warnings


# Dates in article URLs: /gb/23/7/26/n1.htm and /gb/6/10/31/ (Epoch Times, 2006), Minghui's
# /2020/2/7/400844.html, RFA's -09142023102355.html (month day year hour minute second, US
# Eastern), VOA's -20180831/, Zaobao's story20210701-, CNA's /202107010142.aspx, /2023/07/26/.
_URL_PATTERNS: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"epochtimes\.com/(?:gb|b5)/(\d{1,2})/(\d{1,2})/(\d{1,2})/"), "yy/m/d"),
    (re.compile(r"-(\d{2})(\d{2})(20\d{2})(\d{2})(\d{2})(\d{2})\.html"), "mdYHMS"),
    (re.compile(r"/((?:19|20)\d{2})/(\d{1,2})/(\d{1,2})/"), "Y/m/d"),
    (re.compile(r"/((?:19|20)\d{2})-(\d{2})-(\d{2})/"), "Y/m/d"),
    (re.compile(r"/((?:19|20)\d{2})(\d{2})(\d{2})/"), "Y/m/d"),
    (re.compile(r"[-/_]((?:19|20)\d{2})(\d{2})(\d{2})(?:/|\.html?$)"), "Y/m/d"),
    (re.compile(r"/story((?:19|20)\d{2})(\d{2})(\d{2})-\d+"), "Y/m/d"),
    (re.compile(r"cna\.com\.tw/.*/((?:19|20)\d{2})(\d{2})(\d{2})\d{4}\.aspx"), "Y/m/d"),
]


def date_from_url(url: str | None, tz: str | None = None) -> Published | None:
    """A publication date (or time, for RFA) written into the article URL."""
    if not url:
        return None
    for pattern, kind in _URL_PATTERNS:
        m = pattern.search(url)
        if not m:
            continue
        g = [int(x) for x in m.groups()]
        try:
            if kind == "yy/m/d":
                value: date | datetime = date(2000 + g[0], g[1], g[2])
            elif kind == "mdYHMS":
                value = datetime(g[2], g[0], g[1], g[3], g[4], g[5], tzinfo=_zone(tz))
            else:
                value = date(g[0], g[1], g[2])
        except ValueError:
            continue
        if not plausible(value):
            continue
        precision = "second" if isinstance(value, datetime) else "day"
        return Published(value, precision, "url")
    return None


def parse_utc(value: str | None) -> datetime | None:
    """Parse one of our own RFC 3339 UTC strings back to a datetime."""
    if not value:
        return None
    try:
        return dateutil_parser.isoparse(value)
    except (ValueError, OverflowError):
        return None


def near(a: date, b: date, days: int = 1) -> bool:
    return abs(a - b) <= timedelta(days=days)


_CN_DATE_RE = re.compile(
    r"^(?P<y>\d{4})\s*年\s*(?P<m>\d{1,2})\s*月\s*(?P<d>\d{1,2})\s*日"
    r"(?:\s*(?:星期.|周.)?\s*(?P<h>\d{1,2})\s*[:：]\s*(?P<mi>\d{2}))?"
)


def parse_page_date(text: str, tz: str | None, source: str = "page") -> Published | None:
    """A date line shown with an article, in any of the forms outlets use.

    ISO 8601 (DW ``2020-06-29T14:58:06.315Z``; Reuters without zone → the outlet's zone),
    RFC 822 (VOA ``Mon, 20 Jul 2020 15:39:02 GMT``), day-first (RFI ``20/07/2020 - 13:32``),
    Chinese (BBC ``2020年 7月 19日``).
    """
    text = text.strip()
    if not text or len(text) > 60:
        return None
    if re.match(r"^\d{4}-\d{2}-\d{2}", text):
        return parse_iso(text, source, tz)
    if re.match(r"^(?:[A-Z][a-z]{2},\s*)?\d{1,2}\s+[A-Z][a-z]{2}\s+\d{4}", text):
        return parse_rfc822(text, source)
    if re.match(r"^\d{1,2}/\d{1,2}/\d{4}", text):
        return parse_dmy_time(text, source, tz)
    m = _CN_DATE_RE.match(text)
    if m:
        try:
            if m.group("h"):
                dt = datetime(int(m.group("y")), int(m.group("m")), int(m.group("d")),
                              int(m.group("h")), int(m.group("mi")), tzinfo=_zone(tz))
                return Published(dt, "minute", source) if plausible(dt) else None
            day = date(int(m.group("y")), int(m.group("m")), int(m.group("d")))
        except ValueError:
            return None
        return Published(day, "day", source) if plausible(day) else None
    return None
