"""VTIMEZONE components as Outlook expects them: yearly RRULE-based DAYLIGHT/STANDARD rules.

icalendar's ``add_missing_timezones`` writes every transition as an RDATE list and dates each onset
an hour late; Outlook is reported to misread RDATE-only zones. Here the transitions of the years a
calendar needs are read from ``zoneinfo`` and folded into rules ("last Sunday of March at 02:00
local"). A rule is written as an RRULE when every year of the span follows it; a zone whose
changes follow no weekday rule (a few do, year by year) keeps RDATEs for those changes only.

An onset's DTSTART is the local wall-clock time *before* the change (RFC 5545 3.6.5: it is read
with TZOFFSETFROM), e.g. 02:00 in Vienna in March and 03:00 in October.
"""

import calendar as monthcalendar
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from icalendar import Timezone, TimezoneDaylight, TimezoneStandard

WEEKDAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
EPOCH_ONSET = datetime(1970, 1, 1)


@dataclass(frozen=True)
class Transition:
    at: datetime  # the instant, UTC
    offset_from: timedelta
    offset_to: timedelta
    is_dst: bool
    name: str

    @property
    def onset(self) -> datetime:
        """Local wall-clock time of the change, read with the offset in force before it."""
        return (self.at + self.offset_from).replace(tzinfo=None)


def _offset(zone: ZoneInfo, instant: datetime) -> timedelta:
    return instant.astimezone(zone).utcoffset() or timedelta(0)


def transitions(zone: ZoneInfo, *, first_year: int, last_year: int) -> list[Transition]:
    """Every change of UTC offset from 1 January ``first_year`` to 31 December ``last_year`` (UTC)."""
    found = []
    instant = datetime(first_year, 1, 1, tzinfo=UTC)
    end = datetime(last_year + 1, 1, 1, tzinfo=UTC)
    step = timedelta(hours=6)
    before = _offset(zone, instant)
    while instant < end:
        later = instant + step
        after = _offset(zone, later)
        if after != before:
            low, high = instant, later  # the change lies in (low, high]: narrow it to the minute
            while high - low > timedelta(minutes=1):
                middle = low + (high - low) / 2
                if _offset(zone, middle) == before:
                    low = middle
                else:
                    high = middle
            local = high.astimezone(zone)
            found.append(
                Transition(
                    at=high.replace(second=0, microsecond=0),
                    offset_from=before,
                    offset_to=after,
                    is_dst=bool(local.dst()),
                    name=local.tzname() or "",
                )
            )
            before = after
        instant = later
    return found


def _weekday_positions(day: datetime) -> set[int]:
    """Which ``BYDAY`` ordinals name this day: its week of the month, and -1 when it is the last."""
    positions = {(day.day - 1) // 7 + 1}
    if day.day + 7 > monthcalendar.monthrange(day.year, day.month)[1]:
        positions.add(-1)
    return positions


def _rule_key(change: Transition) -> tuple:
    onset = change.onset
    return (
        change.is_dst,
        change.offset_from,
        change.offset_to,
        change.name,
        onset.month,
        onset.weekday(),
        onset.time(),
    )


def _component(change: Transition) -> TimezoneDaylight | TimezoneStandard:
    component = TimezoneDaylight() if change.is_dst else TimezoneStandard()
    component.add("dtstart", change.onset)
    component.add("tzoffsetfrom", change.offset_from)
    component.add("tzoffsetto", change.offset_to)
    if change.name:
        component.add("tzname", change.name)
    return component


def _rules(changes: list[Transition], *, last_year: int) -> list[TimezoneDaylight | TimezoneStandard]:
    """Fold changes into yearly rules; consecutive years only, or RDATEs where no rule fits."""
    groups: dict[tuple, list[Transition]] = {}
    for change in changes:
        groups.setdefault(_rule_key(change), []).append(change)
    components = []
    for group in groups.values():
        years = [change.onset.year for change in group]
        consecutive = years == list(range(years[0], years[0] + len(years)))
        positions = set.intersection(*(_weekday_positions(change.onset) for change in group))
        first = group[0]
        component = _component(first)
        if consecutive and positions:
            # Prefer "last Sunday" over "4th Sunday" when both fit: it is how such rules are written.
            position = -1 if -1 in positions else min(positions)
            rule: dict = {
                "freq": "yearly",
                "bymonth": first.onset.month,
                "byday": f"{position}{WEEKDAYS[first.onset.weekday()]}",
            }
            if years[-1] < last_year:
                rule["until"] = group[-1].at
            component.add("rrule", rule)
        else:
            for change in group[1:]:
                component.add("rdate", change.onset)
        components.append(component)
    return sorted(components, key=lambda c: (c["DTSTART"].dt, c.name))


def vtimezone(key: str, *, first_year: int, last_year: int) -> Timezone:
    """The VTIMEZONE for IANA zone ``key`` valid from ``first_year`` through ``last_year``."""
    zone = ZoneInfo(key)
    timezone = Timezone()
    timezone.add("tzid", key)
    changes = transitions(zone, first_year=first_year, last_year=last_year)
    if not changes:
        instant = datetime(first_year, 7, 1, tzinfo=UTC)
        offset = _offset(zone, instant)
        standard = TimezoneStandard()
        standard.add("dtstart", EPOCH_ONSET)
        standard.add("tzoffsetfrom", offset)
        standard.add("tzoffsetto", offset)
        standard.add("tzname", instant.astimezone(zone).tzname() or key)
        timezone.add_component(standard)
        return timezone
    for component in _rules(changes, last_year=last_year):
        timezone.add_component(component)
    return timezone


def vtimezones(keys: Iterable[str], *, first_year: int, last_year: int) -> list[Timezone]:
    """One VTIMEZONE per distinct zone, in name order, so equal data always gives equal bytes."""
    return [vtimezone(key, first_year=first_year, last_year=last_year) for key in sorted(set(keys))]
