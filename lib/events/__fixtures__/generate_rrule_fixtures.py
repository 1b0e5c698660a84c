#!/usr/bin/env python3
"""Generates rrule-fixtures.json: expected occurrences computed by python-dateutil (independent of rrule.js).

Run from the repository root (needs python-dateutil 2.9; tests never call python):
    python3 lib/events/__fixtures__/generate_rrule_fixtures.py

Each case has a time-zone-aware DTSTART, so dateutil's rrule expands in local wall-clock time, as RFC 5545
does. Occurrences are serialised as real instants, written with the zone's offset at that instant.

Time-zone data: the tzinfo is zoneinfo.ZoneInfo (the system tz database). dateutil.tz.gettz reads the same
TZif files but ignores their POSIX footer rule, so after 2037 it applies no DST at all (e.g. it puts
2100-11-02 09:00 New York at -05:00 instead of -04:00). Every occurrence up to 2037 is cross-checked against
dateutil.tz.gettz (same instant), later ones use ZoneInfo only.

Where dateutil departs from RFC 5545 the expected value follows the RFC and the difference is recorded:
  * nonexistent local times (spring-forward gap): dateutil keeps the wall-clock (e.g. 02:30) and attaches the
    post-transition offset, i.e. it moves the event *back* (02:30 -> 01:30 EST). RFC 5545 3.3.5 says to use the
    offset before the gap (move forward by the gap: 03:30 EDT); dateutil.tz.resolve_imaginary does that.
    Such occurrences carry "dateutilRaw" with dateutil's own answer.
  * date-form UNTIL (UNTIL=YYYYMMDD) with a zoned DTSTART is refused by dateutil; it is passed as that local
    date at 23:59:59 (inclusive through the local date, which is what we implement).
Ambiguous local times (fall-back) take the first instance (fold=0) in dateutil, as in RFC 5545.
"""
import json
import os
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import dateutil
from dateutil import tz
from dateutil.rrule import rrulestr

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "rrule-fixtures.json")
NY = "America/New_York"


def iso_local(dt_utc, zone):
    """ISO-8601 of an instant in `zone`, always with a numeric offset (as the TS formatInZone)."""
    local = dt_utc.astimezone(ZoneInfo(zone))
    s = local.isoformat(timespec="seconds")
    return s


def to_utc(aware):
    return aware.astimezone(timezone.utc)


def dateutil_instant(occ, zone):
    """The instant dateutil.tz.gettz gives the same wall-clock time (fold preserved)."""
    return to_utc(occ.replace(tzinfo=tz.gettz(zone)))


def case(id, title, rrule, dtstart, range_start, range_end, zone=NY, duration=timedelta(hours=1),
         all_day_days=None, exdates=(), rfc=None):
    """dtstart/range_*: naive local 'YYYY-MM-DDTHH:MM:SS' (dtstart) and UTC ISO (range).
    all_day_days: for an all-day event, its length in calendar days (dtstart must be local midnight)."""
    z = ZoneInfo(zone)
    start_local = datetime.fromisoformat(dtstart).replace(tzinfo=z)
    rule_for_dateutil = rrule
    parts = dict(p.split("=", 1) for p in rrule.split(";"))
    until = parts.get("UNTIL")
    if until and len(until) == 8:  # date-form UNTIL: inclusive through that local date
        local_until = datetime.strptime(until, "%Y%m%d").replace(hour=23, minute=59, second=59, tzinfo=z)
        rule_for_dateutil = rrule.replace("UNTIL=" + until, "UNTIL=" + to_utc(local_until).strftime("%Y%m%dT%H%M%SZ"))
    rs = rrulestr(rule_for_dateutil, dtstart=start_local, forceset=True)
    ex = [datetime.fromisoformat(e).replace(tzinfo=z) for e in exdates]
    for e in ex:
        rs.exdate(e)
    r0 = datetime.fromisoformat(range_start.replace("Z", "+00:00"))
    r1 = datetime.fromisoformat(range_end.replace("Z", "+00:00"))

    first = rrulestr(rule_for_dateutil, dtstart=start_local)[0]
    # RFC 5545: DTSTART is always the first occurrence; dateutil drops a non-matching one. Keep the two
    # comparable: a fixture's DTSTART must match its rule, or be excluded (the RFC's Friday-13th example).
    assert first == start_local or start_local in ex, f"{id}: DTSTART must match the rule or be an EXDATE"

    start_utc = to_utc(start_local)
    if all_day_days is None:
        end_utc = start_utc + duration
    else:
        end_utc = to_utc(datetime.combine(start_local.date() + timedelta(days=all_day_days), datetime.min.time()).replace(tzinfo=z))

    expected = []
    for occ in rs:  # dateutil yields wall-clock datetimes with tzinfo=z, in order
        raw = None
        if not tz.datetime_exists(occ):
            raw = iso_local(dateutil_instant(occ, zone), zone)
            occ = tz.resolve_imaginary(occ)
        elif occ.year < 2037:
            assert dateutil_instant(occ, zone) == to_utc(occ), f"{id}: dateutil.tz and zoneinfo disagree on {occ}"
        s = to_utc(occ)
        if s >= r1:
            break
        if all_day_days is None:
            e = s + (end_utc - start_utc)
        else:
            e = to_utc(datetime.combine(occ.date() + timedelta(days=all_day_days), datetime.min.time()).replace(tzinfo=z))
        if s < r1 and e > r0:
            item = {"start": iso_local(s, zone), "end": iso_local(e, zone)}
            if raw is not None:
                item["dateutilRaw"] = raw
            expected.append(item)
        if len(expected) > 2000:
            raise RuntimeError(f"{id}: too many occurrences, narrow the range")
    return {
        "id": id,
        "title": title,
        "rfc5545": rfc,
        "rrule": rrule,
        "timeZone": zone,
        "allDay": all_day_days is not None,
        "start": iso_local(start_utc, zone),
        "end": iso_local(end_utc, zone),
        "exdates": [iso_local(to_utc(e), zone) for e in ex],
        "rangeStart": range_start,
        "rangeEnd": range_end,
        "expected": expected,
    }


S = "1997-09-02T09:00:00"  # the RFC's usual DTSTART;TZID=America/New_York:19970902T090000
R0, R1 = "1997-01-01T00:00:00Z", "2001-01-01T00:00:00Z"
RFC = "RFC 5545 3.8.5.3"

CASES = [
    # --- RFC 5545 section 3.8.5.3 examples (all DTSTART;TZID=America/New_York) ---
    case("rfc-daily-10", "Daily for 10 occurrences", "FREQ=DAILY;COUNT=10", S, R0, R1, rfc=RFC),
    case("rfc-daily-until", "Daily until December 24, 1997", "FREQ=DAILY;UNTIL=19971224T000000Z", S, R0, R1, rfc=RFC),
    case("rfc-every-other-day", "Every other day - forever (window to 1998-03-01)", "FREQ=DAILY;INTERVAL=2", S, R0, "1998-03-01T00:00:00Z", rfc=RFC),
    case("rfc-every-10-days-5", "Every 10 days, 5 occurrences", "FREQ=DAILY;INTERVAL=10;COUNT=5", S, R0, R1, rfc=RFC),
    case("rfc-january-yearly", "Every day in January, for 3 years (YEARLY form)",
         "FREQ=YEARLY;UNTIL=20000131T140000Z;BYMONTH=1;BYDAY=SU,MO,TU,WE,TH,FR,SA", "1998-01-01T09:00:00", R0, R1, rfc=RFC),
    case("rfc-january-daily", "Every day in January, for 3 years (DAILY form)",
         "FREQ=DAILY;UNTIL=20000131T140000Z;BYMONTH=1", "1998-01-01T09:00:00", R0, R1, rfc=RFC),
    case("rfc-weekly-10", "Weekly for 10 occurrences", "FREQ=WEEKLY;COUNT=10", S, R0, R1, rfc=RFC),
    case("rfc-weekly-until", "Weekly until December 24, 1997", "FREQ=WEEKLY;UNTIL=19971224T000000Z", S, R0, R1, rfc=RFC),
    case("rfc-every-other-week", "Every other week - forever (window to 1998-02-20)", "FREQ=WEEKLY;INTERVAL=2;WKST=SU", S, R0, "1998-02-20T00:00:00Z", rfc=RFC),
    case("rfc-weekly-tu-th-until", "Weekly on Tuesday and Thursday for five weeks (UNTIL form)",
         "FREQ=WEEKLY;UNTIL=19971007T000000Z;WKST=SU;BYDAY=TU,TH", S, R0, R1, rfc=RFC),
    case("rfc-weekly-tu-th-count", "Weekly on Tuesday and Thursday for five weeks (COUNT form)",
         "FREQ=WEEKLY;COUNT=10;WKST=SU;BYDAY=TU,TH", S, R0, R1, rfc=RFC),
    case("rfc-biweekly-mo-we-fr", "Every other week on Monday, Wednesday, and Friday until December 24, 1997",
         "FREQ=WEEKLY;INTERVAL=2;UNTIL=19971224T000000Z;WKST=SU;BYDAY=MO,WE,FR", "1997-09-01T09:00:00", R0, R1, rfc=RFC),
    case("rfc-biweekly-tu-th-8", "Every other week on Tuesday and Thursday, for 8 occurrences",
         "FREQ=WEEKLY;INTERVAL=2;COUNT=8;WKST=SU;BYDAY=TU,TH", S, R0, R1, rfc=RFC),
    case("rfc-monthly-1fr-10", "Monthly on the first Friday for 10 occurrences", "FREQ=MONTHLY;COUNT=10;BYDAY=1FR",
         "1997-09-05T09:00:00", R0, R1, rfc=RFC),
    case("rfc-monthly-1fr-until", "Monthly on the first Friday until December 24, 1997",
         "FREQ=MONTHLY;UNTIL=19971224T000000Z;BYDAY=1FR", "1997-09-05T09:00:00", R0, R1, rfc=RFC),
    case("rfc-bimonthly-1su-last-su", "Every other month on the first and last Sunday of the month for 10 occurrences",
         "FREQ=MONTHLY;INTERVAL=2;COUNT=10;BYDAY=1SU,-1SU", "1997-09-07T09:00:00", R0, R1, rfc=RFC),
    case("rfc-monthly-second-to-last-mo", "Monthly on the second-to-last Monday of the month for 6 months",
         "FREQ=MONTHLY;COUNT=6;BYDAY=-2MO", "1997-09-22T09:00:00", R0, R1, rfc=RFC),
    case("rfc-monthly-third-to-last-day", "Monthly on the third-to-the-last day of the month, forever (window to 1998-03-01)",
         "FREQ=MONTHLY;BYMONTHDAY=-3", "1997-09-28T09:00:00", R0, "1998-03-01T00:00:00Z", rfc=RFC),
    case("rfc-monthly-2-15", "Monthly on the 2nd and 15th of the month for 10 occurrences",
         "FREQ=MONTHLY;COUNT=10;BYMONTHDAY=2,15", S, R0, R1, rfc=RFC),
    case("rfc-monthly-first-last-day", "Monthly on the first and last day of the month for 10 occurrences",
         "FREQ=MONTHLY;COUNT=10;BYMONTHDAY=1,-1", "1997-09-30T09:00:00", R0, R1, rfc=RFC),
    case("rfc-18-months-10-15", "Every 18 months on the 10th thru 15th of the month for 10 occurrences",
         "FREQ=MONTHLY;INTERVAL=18;COUNT=10;BYMONTHDAY=10,11,12,13,14,15", "1997-09-10T09:00:00", R0, R1, rfc=RFC),
    case("rfc-tuesdays-every-other-month", "Every Tuesday, every other month (window to 1998-04-01)",
         "FREQ=MONTHLY;INTERVAL=2;BYDAY=TU", S, R0, "1998-04-01T00:00:00Z", rfc=RFC),
    case("rfc-yearly-june-july", "Yearly in June and July for 10 occurrences", "FREQ=YEARLY;COUNT=10;BYMONTH=6,7",
         "1997-06-10T09:00:00", R0, "2010-01-01T00:00:00Z", rfc=RFC),
    case("rfc-every-other-year-jfm", "Every other year on January, February, and March for 10 occurrences",
         "FREQ=YEARLY;INTERVAL=2;COUNT=10;BYMONTH=1,2,3", "1997-03-10T09:00:00", R0, "2010-01-01T00:00:00Z", rfc=RFC),
    case("rfc-every-third-year-yeardays", "Every third year on the 1st, 100th, and 200th day for 10 occurrences",
         "FREQ=YEARLY;INTERVAL=3;COUNT=10;BYYEARDAY=1,100,200", "1997-01-01T09:00:00", R0, "2010-01-01T00:00:00Z", rfc=RFC),
    case("rfc-20th-monday", "Every 20th Monday of the year, forever (window to 2000)",
         "FREQ=YEARLY;BYDAY=20MO", "1997-05-19T09:00:00", R0, R1, rfc=RFC),
    case("rfc-weekno-20-monday", "Monday of week number 20 (where the default start of the week is Monday), forever (window to 2000)",
         "FREQ=YEARLY;BYWEEKNO=20;BYDAY=MO", "1997-05-12T09:00:00", R0, R1, rfc=RFC),
    case("rfc-thursdays-in-march", "Every Thursday in March, forever (window to 2000)",
         "FREQ=YEARLY;BYMONTH=3;BYDAY=TH", "1997-03-13T09:00:00", R0, R1, rfc=RFC),
    case("rfc-thursdays-summer", "Every Thursday, but only during June, July, and August, forever (window to 2000)",
         "FREQ=YEARLY;BYDAY=TH;BYMONTH=6,7,8", "1997-06-05T09:00:00", R0, R1, rfc=RFC),
    case("rfc-friday-13th", "Every Friday the 13th, forever (DTSTART excluded by EXDATE as in the RFC; window to 2001)",
         "FREQ=MONTHLY;BYDAY=FR;BYMONTHDAY=13", "1997-09-02T09:00:00", R0, R1, exdates=["1997-09-02T09:00:00"], rfc=RFC),
    case("rfc-saturday-after-first-sunday", "The first Saturday that follows the first Sunday of the month, forever (window to 1998-07-01)",
         "FREQ=MONTHLY;BYDAY=SA;BYMONTHDAY=7,8,9,10,11,12,13", "1997-09-13T09:00:00", R0, "1998-07-01T00:00:00Z", rfc=RFC),
    case("rfc-us-election-day", "Every 4 years, the first Tuesday after a Monday in November, forever (U.S. Presidential Election day; window to 2030)",
         "FREQ=YEARLY;INTERVAL=4;BYMONTH=11;BYDAY=TU;BYMONTHDAY=2,3,4,5,6,7,8", "1996-11-05T09:00:00", "1996-01-01T00:00:00Z", "2030-01-01T00:00:00Z", rfc=RFC),
    case("rfc-third-tu-we-th", "The third instance into the month of one of Tuesday, Wednesday, or Thursday, for the next 3 months",
         "FREQ=MONTHLY;COUNT=3;BYDAY=TU,WE,TH;BYSETPOS=3", "1997-09-04T09:00:00", R0, R1, rfc=RFC),
    case("rfc-second-to-last-weekday", "The second-to-last weekday of the month (window to 1998-07-01)",
         "FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-2", "1997-09-29T09:00:00", R0, "1998-07-01T00:00:00Z", rfc=RFC),
    case("rfc-wkst-mo", "WKST makes a difference: every other week on TU, SU with WKST=MO",
         "FREQ=WEEKLY;INTERVAL=2;COUNT=4;BYDAY=TU,SU;WKST=MO", "1997-08-05T09:00:00", R0, R1, rfc=RFC),
    case("rfc-wkst-su", "WKST makes a difference: every other week on TU, SU with WKST=SU",
         "FREQ=WEEKLY;INTERVAL=2;COUNT=4;BYDAY=TU,SU;WKST=SU", "1997-08-05T09:00:00", R0, R1, rfc=RFC),
    case("rfc-invalid-date-ignored", "An invalid date (February 30) is ignored",
         "FREQ=MONTHLY;BYMONTHDAY=15,30;COUNT=5", "2007-01-15T09:00:00", "2007-01-01T00:00:00Z", "2008-01-01T00:00:00Z", rfc=RFC),

    # --- DST ---
    case("dst-ny-weekly-0900", "Weekly Monday 09:00 America/New_York across March and November 2026",
         "FREQ=WEEKLY;BYDAY=MO;COUNT=45", "2026-02-23T09:00:00", "2026-01-01T00:00:00Z", "2027-06-01T00:00:00Z"),
    case("dst-london-weekly-0900", "Weekly 09:00 Europe/London across its 2026 transitions",
         "FREQ=WEEKLY;BYDAY=TH;UNTIL=20261231T235959Z", "2026-03-19T09:00:00", "2026-01-01T00:00:00Z", "2027-01-01T00:00:00Z", zone="Europe/London"),
    case("dst-london-daily-0130", "Daily 01:30 Europe/London over the spring gap (01:00-02:00) and autumn overlap",
         "FREQ=DAILY;COUNT=3", "2026-03-28T01:30:00", "2026-01-01T00:00:00Z", "2027-01-01T00:00:00Z", zone="Europe/London"),
    case("dst-london-daily-0130-autumn", "Daily 01:30 Europe/London over the autumn overlap",
         "FREQ=DAILY;COUNT=3", "2026-10-24T01:30:00", "2026-01-01T00:00:00Z", "2027-01-01T00:00:00Z", zone="Europe/London"),
    case("dst-ny-spring-gap-0230", "Daily 02:30 America/New_York over the spring-forward day (02:30 does not exist on 2026-03-08)",
         "FREQ=DAILY;COUNT=5", "2026-03-06T02:30:00", "2026-01-01T00:00:00Z", "2027-01-01T00:00:00Z"),
    case("dst-ny-fall-back-0130", "Daily 01:30 America/New_York over the fall-back day (01:30 happens twice on 2026-11-01)",
         "FREQ=DAILY;COUNT=5", "2026-10-30T01:30:00", "2026-01-01T00:00:00Z", "2027-01-01T00:00:00Z"),
    case("dst-sydney-weekly-0900", "Weekly Sunday 09:00 Australia/Sydney across April (DST ends) and October (DST starts) 2026",
         "FREQ=WEEKLY;BYDAY=SU;COUNT=40", "2026-03-01T09:00:00", "2026-01-01T00:00:00Z", "2027-06-01T00:00:00Z", zone="Australia/Sydney"),
    case("dst-sydney-spring-gap-0230", "Daily 02:30 Australia/Sydney over 2026-10-04 (02:00 -> 03:00)",
         "FREQ=DAILY;COUNT=4", "2026-10-02T02:30:00", "2026-01-01T00:00:00Z", "2027-01-01T00:00:00Z", zone="Australia/Sydney"),
    case("dst-ny-all-day-weekly", "All-day weekly event across the March and November 2026 transitions",
         "FREQ=WEEKLY;COUNT=40", "2026-02-26T00:00:00", "2026-01-01T00:00:00Z", "2027-06-01T00:00:00Z", all_day_days=1),
    case("dst-ny-all-day-3-days", "All-day 3-day event, monthly, keeps 3 calendar days across DST",
         "FREQ=MONTHLY;COUNT=12", "2026-01-07T00:00:00", "2026-01-01T00:00:00Z", "2027-06-01T00:00:00Z", all_day_days=3),
    case("dst-ny-multi-day-timed", "Timed 50-hour event (Fri 18:00 -> Sun 20:00), weekly, keeps its elapsed duration",
         "FREQ=WEEKLY;COUNT=8", "2026-10-16T18:00:00", "2026-01-01T00:00:00Z", "2027-06-01T00:00:00Z", duration=timedelta(hours=50)),
    case("dst-ny-daily-range-window", "Daily 09:00 America/New_York queried for the week of the March 2026 transition only",
         "FREQ=DAILY", "2025-01-06T09:00:00", "2026-03-05T05:00:00Z", "2026-03-12T04:00:00Z"),

    # --- Monthly / yearly patterns ---
    case("monthly-2nd-tuesday", "Monthly on the 2nd Tuesday", "FREQ=MONTHLY;BYDAY=2TU;COUNT=12",
         "2026-01-13T10:00:00", "2026-01-01T00:00:00Z", "2027-06-01T00:00:00Z"),
    case("monthly-last-friday", "Monthly on the last Friday", "FREQ=MONTHLY;BYDAY=-1FR;COUNT=12",
         "2026-01-30T15:00:00", "2026-01-01T00:00:00Z", "2027-06-01T00:00:00Z"),
    case("monthly-31st", "Monthly on the 31st skips short months", "FREQ=MONTHLY;BYMONTHDAY=31;COUNT=10",
         "2026-01-31T08:00:00", "2026-01-01T00:00:00Z", "2028-01-01T00:00:00Z"),
    case("monthly-last-weekday", "Monthly on the last weekday (BYSETPOS=-1)", "FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-1;COUNT=12",
         "2026-01-30T16:00:00", "2026-01-01T00:00:00Z", "2027-06-01T00:00:00Z"),
    case("yearly-feb-29", "Yearly on February 29 (leap years only)", "FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=29;COUNT=4",
         "2024-02-29T12:00:00", "2024-01-01T00:00:00Z", "2040-01-01T00:00:00Z"),
    case("yearly-new-year", "Yearly on January 1", "FREQ=YEARLY;BYMONTH=1;BYMONTHDAY=1;COUNT=5",
         "2026-01-01T11:00:00", "2026-01-01T00:00:00Z", "2032-01-01T00:00:00Z"),
    case("until-date-inclusive", "Date-form UNTIL is inclusive through that local date",
         "FREQ=DAILY;UNTIL=20260310", "2026-03-05T23:30:00", "2026-01-01T00:00:00Z", "2027-01-01T00:00:00Z"),
    case("weekly-mo-we-count", "Weekly on Monday and Wednesday, 10 times", "FREQ=WEEKLY;BYDAY=MO,WE;COUNT=10",
         "2026-10-19T09:00:00", "2026-01-01T00:00:00Z", "2027-01-01T00:00:00Z"),
    case("count-range-late", "COUNT counts from the first occurrence even when the range starts later",
         "FREQ=WEEKLY;COUNT=10", "2026-01-05T09:00:00", "2026-02-20T00:00:00Z", "2027-01-01T00:00:00Z"),

    # --- Windows long after DTSTART (the expansion starts from a later point on the rule's period grid) ---
    case("late-every-other-week-tu-th", "Every other week on TU,TH (WKST=SU), window in 2031",
         "FREQ=WEEKLY;INTERVAL=2;WKST=SU;BYDAY=TU,TH", S, "2031-02-01T00:00:00Z", "2031-05-01T00:00:00Z"),
    case("late-weekly-default-day", "Every 3 weeks (day from DTSTART), window in 2030",
         "FREQ=WEEKLY;INTERVAL=3", S, "2030-01-01T00:00:00Z", "2030-07-01T00:00:00Z"),
    case("late-weekly-setpos", "Every other week, the last of MO/WE/FR (weekly BYSETPOS), window in 2030",
         "FREQ=WEEKLY;INTERVAL=2;BYDAY=MO,WE,FR;BYSETPOS=-1", "1997-09-05T09:00:00", "2030-01-01T00:00:00Z", "2030-04-01T00:00:00Z"),
    case("late-monthly-default-31st", "Monthly on the 31st (day from DTSTART), window 2031-2032",
         "FREQ=MONTHLY", "1997-10-31T09:00:00", "2031-01-01T00:00:00Z", "2032-06-01T00:00:00Z"),
    case("late-18-months-10-15", "Every 18 months on the 10th-15th, window 2030-2034",
         "FREQ=MONTHLY;INTERVAL=18;BYMONTHDAY=10,11,12,13,14,15", "1997-09-10T09:00:00", "2030-01-01T00:00:00Z", "2034-01-01T00:00:00Z"),
    case("late-second-to-last-weekday", "The second-to-last weekday of the month, window in 2031",
         "FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-2", "1997-09-29T09:00:00", "2031-01-01T00:00:00Z", "2031-07-01T00:00:00Z"),
    case("late-yearly-june-july", "Yearly in June and July (day from DTSTART), window 2030-2033",
         "FREQ=YEARLY;BYMONTH=6,7", "1997-06-10T09:00:00", "2030-01-01T00:00:00Z", "2033-01-01T00:00:00Z"),
    case("late-yearly-default", "Every 2 years on DTSTART's date (Feb 29: leap years on the grid only), window 2030-2050",
         "FREQ=YEARLY;INTERVAL=2", "1996-02-29T09:00:00", "2030-01-01T00:00:00Z", "2050-01-01T00:00:00Z"),
    case("late-weekno-20-monday", "Monday of week 20, window 2030-2034",
         "FREQ=YEARLY;BYWEEKNO=20;BYDAY=MO", "1997-05-12T09:00:00", "2030-01-01T00:00:00Z", "2034-01-01T00:00:00Z"),
    case("late-weekno-1-53", "Mondays of ISO weeks 1 and 53, every year, window 2030-2040",
         "FREQ=YEARLY;BYWEEKNO=1,53;BYDAY=MO", "1998-12-28T09:00:00", "2030-01-01T00:00:00Z", "2040-01-01T00:00:00Z"),
    case("late-us-election-day", "US presidential election day across 2100 (not a leap year), window 2090-2110",
         "FREQ=YEARLY;INTERVAL=4;BYMONTH=11;BYDAY=TU;BYMONTHDAY=2,3,4,5,6,7,8", "1996-11-05T09:00:00", "2090-01-01T00:00:00Z", "2110-01-01T00:00:00Z"),
    case("late-every-third-day-until", "Every 3rd day until a UTC instant, window at its end",
         "FREQ=DAILY;INTERVAL=3;UNTIL=20310315T130000Z", S, "2031-03-01T00:00:00Z", "2031-04-01T00:00:00Z"),
]

if __name__ == "__main__":
    doc = {
        "generator": "lib/events/__fixtures__/generate_rrule_fixtures.py",
        "dateutil": dateutil.__version__,
        "cases": CASES,
    }
    with open(OUT, "w") as f:
        json.dump(doc, f, indent=1)
        f.write("\n")
    print(f"wrote {len(CASES)} cases to {OUT}")
