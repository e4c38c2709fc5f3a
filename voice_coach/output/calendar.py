"""Reminders as an iCalendar file (RFC 5545, written by the icalendar library): one recurring event on the
chosen weekdays at the chosen time, as long as the session, with an alarm before it, the equipment to
lay out in its description, and the served page's link when it is known. Phone and desktop calendars
import it.

The event's time is floating (no time zone): 18:00 stays 18:00 wherever the phone is, which is what a
habit wants. Its UID is made from what it holds, so importing a changed file again replaces the event.
"""

from __future__ import annotations

import importlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
"""The days ``--days`` accepts, Monday first (full names too)."""
FULL_NAMES = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
ALARM_BEFORE = timedelta(minutes=10)
"""Time to lay out the mat and the massager before the session."""


@dataclass(frozen=True)
class Reminder:
    """What the event says: the session, its length, its equipment, the days and time, a link."""

    id: str
    title: str
    length_ms: int
    equipment: tuple[str, ...]
    days: tuple[int, ...]
    """Weekdays, 0 Monday to 6 Sunday."""
    at: time
    url: str | None = None


def parse_days(text: str) -> tuple[int, ...]:
    """``mon,wed,fri`` (or full names, any case) as weekday numbers in week order; ValueError naming the
    day that is not one."""
    days: set[int] = set()
    for part in text.split(","):
        word = part.strip().lower()
        if word in WEEKDAYS:
            days.add(WEEKDAYS.index(word))
        elif word in FULL_NAMES:
            days.add(FULL_NAMES.index(word))
        else:
            raise ValueError(f"{part.strip() or '(empty)'!r} is not a day; use e.g. {','.join(WEEKDAYS)}")
    return tuple(sorted(days))


def parse_time(text: str) -> time:
    """``18:00`` (24-hour ``HH:MM``) as a time; ValueError saying the form."""
    hours, _, minutes = text.strip().partition(":")
    if not (hours.isdigit() and minutes.isdigit() and len(minutes) == 2 and len(hours) <= 2):
        raise ValueError(f"must be a time like 18:00 (24-hour HH:MM), got {text!r}")
    if not (int(hours) < 24 and int(minutes) < 60):
        raise ValueError(f"must be a time like 18:00 (24-hour HH:MM), got {text!r}")
    return time(int(hours), int(minutes))


def first_day(days: Sequence[int], start: date) -> date:
    """The first of ``days`` on or after ``start``: the event's first occurrence."""
    return min(start + timedelta(days=(day - start.weekday()) % 7) for day in days)


def reminder_ics(reminder: Reminder, start: date, stamp: datetime) -> bytes:
    """The iCalendar file of ``reminder``, recurring from ``start`` on; ``stamp`` is when it was made."""
    icalendar: Any = importlib.import_module("icalendar")
    calendar = icalendar.Calendar()
    calendar.add("prodid", "-//voice-coach//reminders//EN")
    calendar.add("version", "2.0")
    event = icalendar.Event()
    byday = [WEEKDAYS[day][:2].upper() for day in reminder.days]
    event.add("uid", f"{reminder.id}-{'-'.join(byday).lower()}-{reminder.at:%H%M}@voice-coach")
    event.add("dtstamp", stamp)
    event.add("summary", reminder.title)
    event.add("dtstart", datetime.combine(first_day(reminder.days, start), reminder.at))
    minutes = max(1, -(-reminder.length_ms // 60_000))
    event.add("duration", timedelta(minutes=minutes))
    event.add("rrule", {"freq": "weekly", "byday": byday})
    event.add("description", description(reminder, minutes))
    if reminder.url:
        event.add("url", reminder.url)
    alarm = icalendar.Alarm()
    alarm.add("action", "DISPLAY")
    alarm.add("description", f"{reminder.title} in {ALARM_BEFORE.seconds // 60} minutes")
    alarm.add("trigger", -ALARM_BEFORE)
    event.add_component(alarm)
    calendar.add_component(event)
    data: bytes = calendar.to_ical()
    return data


def description(reminder: Reminder, minutes: int) -> str:
    """The event's text: how long, what to lay out, where to play it."""
    lines = [f"{reminder.title}: about {minutes} minutes."]
    if reminder.equipment:
        lines.append("You need: " + ", ".join(reminder.equipment) + ".")
    if reminder.url:
        lines.append(f"Play it: {reminder.url}")
    else:
        lines.append(f"Play it: voice-coach play {reminder.id}")
    return "\n".join(lines)
