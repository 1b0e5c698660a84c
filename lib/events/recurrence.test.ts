import { Temporal } from 'temporal-polyfill';
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_EXPANSION_LIMIT,
  RecurrenceError,
  describeRrule,
  expandOccurrences,
  firstOccurrenceMatches,
  parseRrule,
  remainingCount,
  rruleSchema,
  splitRrule,
  truncateRruleBefore,
  type RecurringEventInput,
} from './recurrence';
import { floatingMapper, formatInZone, fromFloating, toFloating } from './time-zones';

// These would run for minutes if expansion iterated from DTSTART or up to year 9999: a hang guard, not a
// performance assertion (the benchmark measures speed).
const HANG_GUARD_MS = 15_000;

const NY = 'America/New_York';
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** The instant of a local wall-clock time ('2026-03-09T09:00') in a zone. */
const at = (local: string, timeZone = NY) =>
  new Date(Temporal.PlainDateTime.from(local).toZonedDateTime(timeZone).epochMilliseconds);

function timed(rrule: string | null, local: string, minutes = 60, timeZone = NY, extra: Partial<RecurringEventInput> = {}) {
  const start = at(local, timeZone);
  return { rrule, start, end: new Date(start.getTime() + minutes * 60_000), timeZone, allDay: false, ...extra };
}

function allDay(rrule: string, date: string, days = 1, timeZone = NY): RecurringEventInput {
  const start = at(`${date}T00:00`, timeZone);
  const end = new Date(Temporal.PlainDate.from(date).add({ days }).toZonedDateTime(timeZone).epochMilliseconds);
  return { rrule, start, end, timeZone, allDay: true };
}

const Y2020 = new Date('2020-01-01T00:00:00Z');
const Y2100 = new Date('2100-01-01T00:00:00Z');
const starts = (event: RecurringEventInput, from = Y2020, to = Y2100, limit?: number) =>
  expandOccurrences(event, from, to, { limit }).map((o) => formatInZone(o.start.getTime(), event.timeZone));

describe('parseRrule', () => {
  it.each([
    'FREQ=WEEKLY;BYDAY=MO,WE;COUNT=10',
    'FREQ=MONTHLY;BYDAY=2TU',
    'FREQ=MONTHLY;BYDAY=-1FR',
    'FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-1',
    'FREQ=YEARLY;BYMONTH=1;BYMONTHDAY=1',
    'FREQ=DAILY;INTERVAL=3;UNTIL=20261231T235959Z',
    'FREQ=WEEKLY;INTERVAL=2;UNTIL=20261231;WKST=SU;BYDAY=TU,TH',
    'FREQ=YEARLY;BYWEEKNO=20;BYDAY=MO',
    'FREQ=YEARLY;INTERVAL=3;BYYEARDAY=1,100,-1',
    'FREQ=YEARLY;BYDAY=+20MO',
    'FREQ=MONTHLY;BYMONTHDAY=+15,-1',
  ])('accepts %s', (rule) => {
    expect(parseRrule(rule).rule).toBe(rule);
  });

  it('strips a leading RRULE:, trims, upper-cases and ignores empty parts', () => {
    expect(parseRrule('  RRULE:freq=weekly;byday=mo;;').rule).toBe('FREQ=WEEKLY;BYDAY=MO');
    expect(parseRrule('rrule: FREQ=DAILY').rule).toBe('FREQ=DAILY');
  });

  it('returns the frequency, interval, count and until', () => {
    expect(parseRrule('FREQ=WEEKLY;INTERVAL=2;COUNT=10')).toMatchObject({ freq: 'WEEKLY', interval: 2, count: 10, until: null });
    expect(parseRrule('FREQ=DAILY').interval).toBe(1);
    expect(parseRrule('FREQ=DAILY;UNTIL=20261231T235959Z').until).toEqual({
      kind: 'utc',
      instant: new Date('2026-12-31T23:59:59Z'),
    });
    expect(parseRrule('FREQ=DAILY;UNTIL=20240229').until).toEqual({ kind: 'date', date: '2024-02-29' });
  });

  it.each([
    ['', 'RRULE is empty'],
    ['RRULE:', 'RRULE is empty'],
    ['FREQ=HOURLY', 'FREQ=HOURLY is not supported: only DAILY, WEEKLY, MONTHLY and YEARLY recurrences are'],
    ['FREQ=MINUTELY;INTERVAL=15', 'FREQ=MINUTELY is not supported'],
    ['FREQ=SECONDLY', 'FREQ=SECONDLY is not supported'],
    ['FREQ=FORTNIGHTLY', 'FREQ must be DAILY, WEEKLY, MONTHLY or YEARLY, got "FORTNIGHTLY"'],
    ['BYDAY=MO;COUNT=2', 'FREQ is required'],
    ['FREQ=DAILY;COUNT=5;UNTIL=20260101T000000Z', 'COUNT and UNTIL cannot both be set'],
    ['FREQ=DAILY;FOO=1', 'Unknown RRULE part FOO'],
    ['FREQ=DAILY;X-NAME=1', 'Unknown RRULE part X-NAME'],
    ['FREQ=DAILY;BYEASTER=0', 'Unknown RRULE part BYEASTER'],
    ['FREQ=DAILY;COUNT', 'RRULE part "COUNT" is not NAME=VALUE'],
    ['FREQ=DAILY;COUNT=1=2', 'RRULE part "COUNT=1=2" is not NAME=VALUE'],
    ['FREQ=DAILY;FREQ=WEEKLY', 'RRULE part FREQ appears more than once'],
    ['FREQ=DAILY;BYHOUR=9,10', "BYHOUR is not supported: an occurrence repeats the start's time of day"],
    ['FREQ=DAILY;BYMINUTE=0,20,40', 'BYMINUTE is not supported'],
    ['FREQ=DAILY;BYSECOND=0', 'BYSECOND is not supported'],
    ['FREQ=DAILY;INTERVAL=0', 'INTERVAL must be a whole number from 1 to 1000, got "0"'],
    ['FREQ=DAILY;INTERVAL=-1', 'INTERVAL must be a whole number from 1 to 1000, got "-1"'],
    ['FREQ=DAILY;INTERVAL=1.5', 'INTERVAL must be a whole number'],
    ['FREQ=DAILY;INTERVAL=1001', 'INTERVAL must be a whole number from 1 to 1000'],
    ['FREQ=DAILY;COUNT=0', 'COUNT must be a whole number from 1 to 10000, got "0"'],
    ['FREQ=DAILY;COUNT=ten', 'COUNT must be a whole number'],
    ['FREQ=DAILY;COUNT=10001', 'COUNT must be a whole number from 1 to 10000'],
    ['FREQ=DAILY;UNTIL=2026-01-01', 'UNTIL must be a UTC date-time (YYYYMMDDTHHMMSSZ) or a date (YYYYMMDD), got "2026-01-01"'],
    ['FREQ=DAILY;UNTIL=20260101T000000', 'UNTIL date-time must be in UTC (end with Z), got "20260101T000000"'],
    ['FREQ=DAILY;UNTIL=20260230', 'UNTIL "20260230" is not a valid date'],
    ['FREQ=DAILY;UNTIL=20260101T250000Z', 'UNTIL "20260101T250000Z" is not a valid date'],
    ['FREQ=WEEKLY;BYDAY=XX', 'BYDAY value "XX" is not a weekday'],
    ['FREQ=WEEKLY;BYDAY=MO,', 'RRULE part BYDAY has an empty value'],
    ['FREQ=WEEKLY;BYDAY=MO,,TU', 'RRULE part BYDAY has an empty value'],
    ['FREQ=WEEKLY;BYDAY=2MO', 'BYDAY ordinals (2MO) need FREQ=MONTHLY or YEARLY'],
    ['FREQ=DAILY;BYDAY=-1FR', 'BYDAY ordinals (-1FR) need FREQ=MONTHLY or YEARLY'],
    ['FREQ=MONTHLY;BYDAY=6MO', 'BYDAY ordinal in 6MO must be 1 to 5 or -5 to -1'],
    ['FREQ=MONTHLY;BYDAY=0MO', 'BYDAY ordinal in 0MO must be 1 to 5 or -5 to -1'],
    ['FREQ=YEARLY;BYMONTH=3;BYDAY=-6TH', 'BYDAY ordinal in -6TH must be 1 to 5 or -5 to -1'],
    ['FREQ=YEARLY;BYDAY=54MO', 'BYDAY ordinal in 54MO must be 1 to 53 or -53 to -1'],
    ['FREQ=YEARLY;BYWEEKNO=20;BYDAY=1MO', 'BYDAY ordinals (1MO) cannot be combined with BYWEEKNO'],
    ['FREQ=MONTHLY;BYMONTHDAY=32', 'BYMONTHDAY value "32" must be 1 to 31 or -31 to -1'],
    ['FREQ=MONTHLY;BYMONTHDAY=0', 'BYMONTHDAY value "0" must be 1 to 31 or -31 to -1'],
    ['FREQ=MONTHLY;BYMONTHDAY=first', 'BYMONTHDAY value "FIRST" must be 1 to 31 or -31 to -1'],
    ['FREQ=WEEKLY;BYMONTHDAY=1', 'BYMONTHDAY cannot be used with FREQ=WEEKLY'],
    ['FREQ=MONTHLY;BYYEARDAY=100', 'BYYEARDAY can only be used with FREQ=YEARLY'],
    ['FREQ=YEARLY;BYYEARDAY=367', 'BYYEARDAY value "367" must be 1 to 366 or -366 to -1'],
    ['FREQ=MONTHLY;BYWEEKNO=1', 'BYWEEKNO can only be used with FREQ=YEARLY'],
    ['FREQ=YEARLY;BYWEEKNO=54', 'BYWEEKNO value "54" must be 1 to 53 or -53 to -1'],
    ['FREQ=YEARLY;BYMONTH=13', 'BYMONTH value "13" must be 1 to 12'],
    ['FREQ=YEARLY;BYMONTH=-1', 'BYMONTH value "-1" must be 1 to 12'],
    ['FREQ=MONTHLY;BYSETPOS=1', 'BYSETPOS needs another BYxxx part (e.g. BYDAY)'],
    ['FREQ=MONTHLY;BYDAY=MO;BYSETPOS=0', 'BYSETPOS value "0" must be 1 to 366 or -366 to -1'],
    ['FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30', 'BYMONTHDAY=30 never occurs in BYMONTH=2'],
    ['FREQ=YEARLY;BYMONTH=4,6;BYMONTHDAY=31,-31', 'BYMONTHDAY=31,-31 never occurs in BYMONTH=4,6'],
    ['FREQ=WEEKLY;WKST=XX', 'WKST must be one of MO, TU, WE, TH, FR, SA, SU, got "XX"'],
    ['DTSTART:20260101T090000Z\nRRULE:FREQ=DAILY', 'Send only the RRULE value'],
    ['FREQ=DAILY;' + 'BYMONTH=1,'.repeat(60), 'RRULE is too long'],
  ])('rejects %j: %s', (rule, message) => {
    let error: unknown;
    try {
      parseRrule(rule);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(RecurrenceError);
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).name).toBe('RecurrenceError');
    expect((error as Error).message).toContain(message);
  });

  it('rejects a non-string', () => {
    expect(() => parseRrule(42 as unknown as string)).toThrow(new RecurrenceError('RRULE must be a string'));
  });

  it('accepts Feb 29 and day -29 in February (leap years)', () => {
    expect(() => parseRrule('FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=29')).not.toThrow();
    expect(() => parseRrule('FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=-29')).not.toThrow();
  });
});

describe('rruleSchema', () => {
  it('accepts and normalises a valid rule', () => {
    expect(rruleSchema.parse('RRULE:freq=weekly;byday=mo,we;count=10')).toBe('FREQ=WEEKLY;BYDAY=MO,WE;COUNT=10');
  });

  it('reports what is wrong', () => {
    const result = rruleSchema.safeParse('FREQ=HOURLY');
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.message).toBe(
      'FREQ=HOURLY is not supported: only DAILY, WEEKLY, MONTHLY and YEARLY recurrences are',
    );
    expect(rruleSchema.safeParse(12).success).toBe(false);
  });
});

describe('expandOccurrences: time zones and DST', () => {
  it('keeps a weekly 09:00 America/New_York appointment at 09:00 local across both 2026 transitions', () => {
    const event = timed('FREQ=WEEKLY;BYDAY=MO', '2026-02-23T09:00');
    const march = expandOccurrences(event, new Date('2026-02-23T00:00Z'), new Date('2026-03-17T00:00Z'));
    expect(march.map((o) => o.start.toISOString())).toEqual([
      '2026-02-23T14:00:00.000Z',
      '2026-03-02T14:00:00.000Z',
      '2026-03-09T13:00:00.000Z',
      '2026-03-16T13:00:00.000Z',
    ]);
    expect(starts(event, new Date('2026-10-20T00:00Z'), new Date('2026-11-10T00:00Z'))).toEqual([
      '2026-10-26T09:00:00-04:00',
      '2026-11-02T09:00:00-05:00',
      '2026-11-09T09:00:00-05:00',
    ]);
    for (const o of march) expect(o.end.getTime() - o.start.getTime()).toBe(HOUR);
  });

  it('keeps 09:00 in Europe/London across its transitions (29 March, 25 October 2026)', () => {
    const event = timed('FREQ=WEEKLY;BYDAY=SA,SU', '2026-03-28T09:00', 30, 'Europe/London');
    expect(starts(event, new Date('2026-03-28T00:00Z'), new Date('2026-03-30T00:00Z'))).toEqual([
      '2026-03-28T09:00:00+00:00',
      '2026-03-29T09:00:00+01:00',
    ]);
    expect(starts(event, new Date('2026-10-24T00:00Z'), new Date('2026-10-26T00:00Z'))).toEqual([
      '2026-10-24T09:00:00+01:00',
      '2026-10-25T09:00:00+00:00',
    ]);
  });

  it('keeps 09:00 in Australia/Sydney (DST ends 5 April, starts 4 October 2026)', () => {
    const event = timed('FREQ=WEEKLY;BYDAY=SU', '2026-03-29T09:00', 60, 'Australia/Sydney');
    expect(starts(event, new Date('2026-03-28T00:00Z'), new Date('2026-04-13T00:00Z'))).toEqual([
      '2026-03-29T09:00:00+11:00',
      '2026-04-05T09:00:00+10:00',
      '2026-04-12T09:00:00+10:00',
    ]);
    expect(starts(event, new Date('2026-09-26T00:00Z'), new Date('2026-10-12T00:00Z'))).toEqual([
      '2026-09-27T09:00:00+10:00',
      '2026-10-04T09:00:00+11:00',
      '2026-10-11T09:00:00+11:00',
    ]);
  });

  it('moves a nonexistent 02:30 forward by the gap: 03:30 EDT on 8 March 2026 (RFC 5545 3.3.5)', () => {
    const occurrences = expandOccurrences(timed('FREQ=DAILY;COUNT=3', '2026-03-07T02:30'), Y2020, Y2100);
    expect(occurrences.map((o) => formatInZone(o.start.getTime(), NY))).toEqual([
      '2026-03-07T02:30:00-05:00',
      '2026-03-08T03:30:00-04:00',
      '2026-03-09T02:30:00-04:00',
    ]);
    // The exact duration is kept: 03:30 -> 04:30.
    expect(occurrences.map((o) => o.end.getTime() - o.start.getTime())).toEqual([HOUR, HOUR, HOUR]);
  });

  it('takes the first 01:30 (EDT, -04:00) on the fall-back day, 1 November 2026', () => {
    expect(starts(timed('FREQ=DAILY;COUNT=3', '2026-10-31T01:30'))).toEqual([
      '2026-10-31T01:30:00-04:00',
      '2026-11-01T01:30:00-04:00',
      '2026-11-02T01:30:00-05:00',
    ]);
  });

  it('keeps an all-day weekly event on local dates, one calendar day long (23 and 25 hours on transition days)', () => {
    const occurrences = expandOccurrences(allDay('FREQ=WEEKLY;BYDAY=SU', '2026-03-01'), Y2020, new Date('2026-11-03T00:00Z'));
    expect(occurrences).toHaveLength(36);
    for (const o of occurrences) {
      expect(formatInZone(o.start.getTime(), NY)).toMatch(/T00:00:00-0[45]:00$/);
      expect(formatInZone(o.end.getTime(), NY)).toMatch(/T00:00:00-0[45]:00$/);
      expect(toFloating(o.end.getTime(), NY) - toFloating(o.start.getTime(), NY)).toBe(DAY);
    }
    const length = (date: string) => {
      const o = occurrences.find((x) => formatInZone(x.start.getTime(), NY).startsWith(date));
      return o && o.end.getTime() - o.start.getTime();
    };
    expect(length('2026-03-08')).toBe(23 * HOUR);
    expect(length('2026-11-01')).toBe(25 * HOUR);
    expect(length('2026-06-07')).toBe(24 * HOUR);
  });

  it('keeps the calendar length of a multi-day all-day event and the elapsed length of a timed one', () => {
    const days = expandOccurrences(allDay('FREQ=WEEKLY', '2026-03-06', 3), Y2020, new Date('2026-03-20T00:00Z'));
    expect(days.map((o) => [formatInZone(o.start.getTime(), NY), formatInZone(o.end.getTime(), NY)])).toEqual([
      ['2026-03-06T00:00:00-05:00', '2026-03-09T00:00:00-04:00'],
      ['2026-03-13T00:00:00-04:00', '2026-03-16T00:00:00-04:00'],
    ]);
    const hours = expandOccurrences(timed('FREQ=WEEKLY;COUNT=2', '2026-03-06T18:00', 50 * 60), Y2020, Y2100);
    expect(hours.map((o) => formatInZone(o.end.getTime(), NY))).toEqual(['2026-03-08T21:00:00-04:00', '2026-03-15T20:00:00-04:00']);
  });

  it('handles a zone whose offset changes by 30 minutes (Australia/Lord_Howe) and one without DST (Asia/Kolkata)', () => {
    expect(starts(timed('FREQ=DAILY;COUNT=3', '2026-10-03T02:15', 60, 'Australia/Lord_Howe'))).toEqual([
      '2026-10-03T02:15:00+10:30',
      '2026-10-04T02:45:00+11:00', // 02:15 is in the 02:00 -> 02:30 gap: moved forward by 30 minutes
      '2026-10-05T02:15:00+11:00',
    ]);
    expect(starts(timed('FREQ=MONTHLY;COUNT=2', '2026-01-15T09:00', 60, 'Asia/Kolkata'))).toEqual([
      '2026-01-15T09:00:00+05:30',
      '2026-02-15T09:00:00+05:30',
    ]);
  });

  it('maps a wall-clock time the way Temporal does, fast path included, in many zones', () => {
    const zones = ['America/New_York', 'Europe/London', 'Australia/Sydney', 'Australia/Lord_Howe', 'Pacific/Apia', 'America/Havana', 'Asia/Kolkata', 'UTC'];
    const mismatches: string[] = [];
    // 2011-2012 include Samoa's skipped day (2011-12-30); the odd step lands in every gap and overlap.
    const times: number[] = [];
    for (let t = Date.UTC(2011, 0, 1); t < Date.UTC(2013, 0, 1); t += 3 * HOUR + 19 * 60_000) times.push(t);
    for (const zone of zones) {
      for (const order of [times, [...times].reverse()]) {
        const map = floatingMapper(zone); // forwards and backwards: the cached stretch must not leak
        for (const t of order) if (map(t) !== fromFloating(t, zone)) mismatches.push(`${zone} ${new Date(t).toISOString()}`);
      }
    }
    expect(mismatches).toEqual([]);
  });
});

describe('expandOccurrences: rules', () => {
  it('monthly on the 2nd Tuesday and on the last Friday', () => {
    expect(starts(timed('FREQ=MONTHLY;BYDAY=2TU;COUNT=4', '2026-01-13T10:00'))).toEqual([
      '2026-01-13T10:00:00-05:00',
      '2026-02-10T10:00:00-05:00',
      '2026-03-10T10:00:00-04:00',
      '2026-04-14T10:00:00-04:00',
    ]);
    expect(starts(timed('FREQ=MONTHLY;BYDAY=-1FR;COUNT=4', '2026-01-30T15:00'))).toEqual([
      '2026-01-30T15:00:00-05:00',
      '2026-02-27T15:00:00-05:00',
      '2026-03-27T15:00:00-04:00',
      '2026-04-24T15:00:00-04:00',
    ]);
  });

  it('BYMONTHDAY=31 skips short months; BYMONTHDAY=-1 is the last day', () => {
    expect(starts(timed('FREQ=MONTHLY;BYMONTHDAY=31;COUNT=4', '2026-01-31T08:00')).map((s) => s.slice(0, 10))).toEqual([
      '2026-01-31',
      '2026-03-31',
      '2026-05-31',
      '2026-07-31',
    ]);
    expect(starts(timed('FREQ=MONTHLY;BYMONTHDAY=-1;COUNT=3', '2024-01-31T08:00')).map((s) => s.slice(0, 10))).toEqual([
      '2024-01-31',
      '2024-02-29',
      '2024-03-31',
    ]);
  });

  it('BYSETPOS=-1 on weekdays is the last weekday of the month', () => {
    expect(starts(timed('FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-1;COUNT=4', '2026-01-30T16:00')).map((s) => s.slice(0, 10))).toEqual([
      '2026-01-30',
      '2026-02-27',
      '2026-03-31',
      '2026-04-30',
    ]);
  });

  it('yearly on February 29 occurs in leap years only; a rare match (Feb 29 on a Monday) is found', () => {
    expect(starts(timed('FREQ=YEARLY;COUNT=3', '2024-02-29T12:00')).map((s) => s.slice(0, 10))).toEqual([
      '2024-02-29',
      '2028-02-29',
      '2032-02-29',
    ]);
    const rare = timed('FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=29;BYDAY=MO', '2044-02-29T12:00');
    expect(starts(rare, Y2020, new Date('2200-01-01T00:00Z')).map((s) => s.slice(0, 10))).toEqual([
      '2044-02-29',
      '2072-02-29',
      '2112-02-29',
      '2140-02-29',
      '2168-02-29',
      '2196-02-29',
    ]);
  });

  it('date-form UNTIL is inclusive through that local date; UTC UNTIL bounds the instant', () => {
    // 23:30 New York on 10 March is 03:30Z on the 11th: still included.
    expect(starts(timed('FREQ=DAILY;UNTIL=20260310', '2026-03-08T23:30')).at(-1)).toBe('2026-03-10T23:30:00-04:00');
    const utc = (until: string) => starts(timed(`FREQ=DAILY;UNTIL=${until}`, '2026-03-08T09:00')).at(-1);
    expect(utc('20260310T130000Z')).toBe('2026-03-10T09:00:00-04:00'); // exactly the occurrence: included
    expect(utc('20260310T125959Z')).toBe('2026-03-09T09:00:00-04:00');
    // An UNTIL before DTSTART still leaves DTSTART, the first occurrence.
    expect(starts(timed('FREQ=DAILY;UNTIL=20200101T000000Z', '2026-03-08T09:00'))).toEqual(['2026-03-08T09:00:00-04:00']);
  });

  it('COUNT counts from the first occurrence even when the range starts later', () => {
    const event = timed('FREQ=WEEKLY;COUNT=10', '2026-01-05T09:00');
    expect(starts(event, new Date('2026-02-20T00:00Z'), Y2100)).toEqual([
      '2026-02-23T09:00:00-05:00',
      '2026-03-02T09:00:00-05:00',
      '2026-03-09T09:00:00-04:00',
    ]);
    expect(starts(event, new Date('2026-03-10T00:00Z'), Y2100)).toEqual([]);
  });

  it('cancelled occurrences (exdates) are left out but still count towards COUNT', () => {
    const event = timed('FREQ=DAILY;COUNT=4', '2026-03-07T09:00', 60, NY, { exdates: [at('2026-03-08T09:00'), at('2026-03-09T09:00')] });
    expect(starts(event)).toEqual(['2026-03-07T09:00:00-05:00', '2026-03-10T09:00:00-04:00']);
  });

  it('DTSTART is the first occurrence even when it does not match the rule, and counts (RFC 5545; dateutil drops it)', () => {
    const event = timed('FREQ=WEEKLY;BYDAY=WE;COUNT=3', '2026-03-02T09:00'); // a Monday
    expect(starts(event)).toEqual(['2026-03-02T09:00:00-05:00', '2026-03-04T09:00:00-05:00', '2026-03-11T09:00:00-04:00']);
    expect(firstOccurrenceMatches(event.rrule ?? '', event.start, NY)).toBe(false);
    expect(firstOccurrenceMatches('FREQ=WEEKLY;BYDAY=MO,WE', event.start, NY)).toBe(true);
    expect(firstOccurrenceMatches('FREQ=MONTHLY;BYDAY=FR;BYMONTHDAY=13', at('1997-09-02T09:00'), NY)).toBe(false);
    expect(firstOccurrenceMatches('FREQ=MONTHLY;BYDAY=FR;BYMONTHDAY=13', at('1998-02-13T09:00'), NY)).toBe(true);
    // Local, not UTC: 21:00 New York on Monday is Tuesday in UTC.
    expect(firstOccurrenceMatches('FREQ=WEEKLY;BYDAY=MO', at('2026-03-02T21:00'), NY)).toBe(true);
  });

  it('weekly BYSETPOS counts within the whole week of DTSTART (RFC 5545; rrule.js and dateutil cut it at DTSTART)', () => {
    // Week of Mon 1 Sep 1997: MO 1, WE 3, FR 5 -> the 2nd is WE 3 = DTSTART. dateutil gives 5, 10, 17, 24 Sep.
    const event = timed('FREQ=WEEKLY;BYDAY=MO,WE,FR;BYSETPOS=2;COUNT=4', '1997-09-03T09:00');
    expect(starts(event, new Date('1997-01-01T00:00Z')).map((s) => s.slice(0, 10))).toEqual([
      '1997-09-03',
      '1997-09-10',
      '1997-09-17',
      '1997-09-24',
    ]);
    expect(firstOccurrenceMatches(event.rrule ?? '', event.start, NY)).toBe(true);
    // The week follows WKST: from Sunday 1 March 2026 the first of SU/MO/WE is Sunday, so Monday 2 March does
    // not match (it is still the first occurrence, as DTSTART).
    const sunday = timed('FREQ=WEEKLY;WKST=SU;BYDAY=SU,MO,WE;BYSETPOS=1;COUNT=3', '2026-03-02T09:00');
    expect(starts(sunday).map((s) => s.slice(0, 10))).toEqual(['2026-03-02', '2026-03-08', '2026-03-15']);
    expect(firstOccurrenceMatches(sunday.rrule ?? '', sunday.start, NY)).toBe(false);
    expect(firstOccurrenceMatches('FREQ=WEEKLY;BYDAY=SU,MO,WE;BYSETPOS=1', sunday.start, NY)).toBe(true);
  });

  it('a single event (no rule) is its own only occurrence', () => {
    const event = timed(null, '2026-03-02T09:00');
    expect(expandOccurrences(event, Y2020, Y2100)).toEqual([{ originalStart: event.start, start: event.start, end: event.end }]);
    expect(expandOccurrences({ ...event, rrule: '' }, Y2020, Y2100)).toHaveLength(1);
    expect(expandOccurrences(event, new Date('2026-03-03T00:00Z'), Y2100)).toEqual([]);
  });
});

describe('expandOccurrences: range edges and limits', () => {
  const daily = timed('FREQ=DAILY', '2026-03-02T09:00', 120); // 09:00-11:00 local, 14:00Z-16:00Z

  it('includes an occurrence overlapping rangeStart, excludes one ending exactly at rangeStart', () => {
    expect(starts(daily, new Date('2026-03-03T15:00Z'), new Date('2026-03-04T00:00Z'))).toEqual(['2026-03-03T09:00:00-05:00']);
    expect(starts(daily, new Date('2026-03-03T16:00Z'), new Date('2026-03-04T00:00Z'))).toEqual([]);
  });

  it('includes an occurrence starting exactly at rangeStart, excludes one starting exactly at rangeEnd', () => {
    expect(starts(daily, new Date('2026-03-03T14:00Z'), new Date('2026-03-04T14:00Z'))).toEqual(['2026-03-03T09:00:00-05:00']);
  });

  it('a zero-length occurrence counts when it starts inside the range', () => {
    const point = timed('FREQ=DAILY', '2026-03-02T09:00', 0);
    expect(starts(point, new Date('2026-03-03T14:00Z'), new Date('2026-03-04T14:00Z'))).toEqual(['2026-03-03T09:00:00-05:00']);
  });

  it('an empty or inverted range, or a range before the series, has no occurrences', () => {
    expect(starts(daily, new Date('2026-03-05T00:00Z'), new Date('2026-03-05T00:00Z'))).toEqual([]);
    expect(starts(daily, new Date('2026-03-06T00:00Z'), new Date('2026-03-05T00:00Z'))).toEqual([]);
    expect(starts(daily, new Date('2026-01-01T00:00Z'), new Date('2026-03-02T14:00Z'))).toEqual([]);
  });

  it('stops at the limit (default 5000) on an open-ended rule over a huge range', () => {
    const all = expandOccurrences(daily, Y2020, new Date('9000-01-01T00:00Z'));
    expect(all).toHaveLength(DEFAULT_EXPANSION_LIMIT);
    expect(all.at(-1)?.start.getTime()).toBe(at('2039-11-08T09:00').getTime());
    expect(expandOccurrences(daily, Y2020, Y2100, { limit: 3 })).toHaveLength(3);
    expect(expandOccurrences(daily, Y2020, Y2100, { limit: 0 })).toHaveLength(0);
  }, HANG_GUARD_MS);

  it('answers a range far in the future of an open-ended series, without iterating from its start', () => {
    expect(starts(daily, new Date('2199-12-30T00:00Z'), new Date('2200-01-01T00:00Z'))).toEqual([
      '2199-12-30T09:00:00-05:00',
      '2199-12-31T09:00:00-05:00',
    ]);
    const yearly = timed('FREQ=YEARLY;BYMONTH=7;BYMONTHDAY=4', '1900-07-04T12:00');
    expect(starts(yearly, new Date('9999-01-01T00:00Z'), new Date('9999-12-31T00:00Z'))).toEqual(['9999-07-04T12:00:00-04:00']);
  }, HANG_GUARD_MS);

  it.each([
    ['FREQ=DAILY', '1997-09-02T09:00'],
    ['FREQ=DAILY;INTERVAL=3;BYMONTH=1,7', '1997-09-02T09:00'],
    ['FREQ=WEEKLY;INTERVAL=2;BYDAY=MO,WE,FR;BYSETPOS=-1', '1997-09-05T09:00'],
    ['FREQ=WEEKLY;INTERVAL=3', '1997-09-02T09:00'],
    ['FREQ=WEEKLY;BYDAY=MO,WE,FR;BYSETPOS=2', '1997-09-03T09:00'], // rrule.js cuts the first week at DTSTART
    ['FREQ=WEEKLY;INTERVAL=2;WKST=SU;BYDAY=TU,SU', '1997-08-05T09:00'],
    ['FREQ=MONTHLY', '1997-10-31T09:00'],
    ['FREQ=MONTHLY;INTERVAL=5;BYDAY=-1SU,1SU', '1997-09-07T09:00'],
    ['FREQ=MONTHLY;INTERVAL=18;BYMONTHDAY=10,11,12,13,14,15', '1997-09-10T09:00'],
    ['FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-2', '1997-09-29T09:00'],
    ['FREQ=YEARLY', '1996-02-29T09:00'],
    ['FREQ=YEARLY;INTERVAL=3;BYMONTH=6,7', '1997-06-10T09:00'],
    ['FREQ=YEARLY;BYWEEKNO=1,53;BYDAY=MO', '1998-12-28T09:00'],
    ['FREQ=YEARLY;INTERVAL=2;BYYEARDAY=1,-1', '1997-01-01T09:00'],
    ['FREQ=YEARLY;BYDAY=20MO', '1997-05-19T09:00'],
    ['FREQ=YEARLY;INTERVAL=4;BYMONTH=11;BYDAY=TU;BYMONTHDAY=2,3,4,5,6,7,8', '1996-11-05T09:00'],
  ])('a later window of %s gives what expanding from DTSTART gives', (rule, local) => {
    const event = timed(rule, local, 90);
    const windows = [['2033-01-01', '2037-01-01'], ...[9, 16, 40, 75, 130, 400].map((days) => {
      const from = new Date(event.start.getTime() + days * DAY);
      return [from.toISOString(), new Date(from.getTime() + 800 * DAY).toISOString()];
    })] as const;
    for (const [fromIso, toIso] of windows) {
      const [from, to] = [new Date(fromIso), new Date(toIso)];
      const whole = expandOccurrences(event, event.start, to, { limit: 100_000 }).filter((o) => o.end > from);
      expect(expandOccurrences(event, from, to), `${fromIso} - ${toIso}`).toEqual(whole);
    }
  });

  it('does not hang on a rule that never matches again (bounded, not 9999 years of iteration)', () => {
    // DAILY every 7 days from a Monday never lands on a Tuesday: only DTSTART remains.
    expect(starts(timed('FREQ=DAILY;INTERVAL=7;BYDAY=TU', '2026-03-02T09:00'))).toEqual(['2026-03-02T09:00:00-05:00']);
    expect(firstOccurrenceMatches('FREQ=DAILY;INTERVAL=7;BYDAY=TU', at('2026-03-02T09:00'), NY)).toBe(false);
    // A one-day set has no 2nd element: rrule.js alone would test every day up to year 9999 (~7 s).
    expect(starts(timed('FREQ=DAILY;BYDAY=MO;BYSETPOS=2', '2026-03-02T09:00'))).toEqual(['2026-03-02T09:00:00-05:00']);
  }, HANG_GUARD_MS);

  it('rejects an unknown time zone, invalid dates and an end before the start', () => {
    const event = timed('FREQ=DAILY', '2026-03-02T09:00');
    expect(() => expandOccurrences({ ...event, timeZone: 'Mars/Olympus' }, Y2020, Y2100)).toThrow(
      new RecurrenceError('Unknown time zone "Mars/Olympus"'),
    );
    expect(() => expandOccurrences({ ...event, end: new Date(event.start.getTime() - 1) }, Y2020, Y2100)).toThrow(RecurrenceError);
    expect(() => expandOccurrences({ ...event, start: new Date(NaN) }, Y2020, Y2100)).toThrow(RecurrenceError);
    expect(() => expandOccurrences(event, new Date(NaN), Y2100)).toThrow(RecurrenceError);
    expect(() => expandOccurrences({ ...event, rrule: 'FREQ=HOURLY' }, Y2020, Y2100)).toThrow(RecurrenceError);
  });
});

describe('"this and following" split', () => {
  const seriesOf = (event: RecurringEventInput) => expandOccurrences(event, Y2020, Y2100).map((o) => o.start.getTime());

  /** Splits `event` at its k-th occurrence; the halves must give exactly the original occurrences. */
  function checkSplit(event: RecurringEventInput, k: number) {
    const original = seriesOf(event);
    const splitAt = new Date(original[k] ?? NaN);
    const { head, tail } = splitRrule(event.rrule ?? '', {
      seriesStart: event.start,
      occurrenceStart: splitAt,
      timeZone: event.timeZone,
      allDay: event.allDay,
    });
    const length = event.end.getTime() - event.start.getTime();
    const before = head === null ? [] : seriesOf({ ...event, rrule: head });
    const after = seriesOf({ ...event, rrule: tail, start: splitAt, end: new Date(splitAt.getTime() + length) });
    expect([...before, ...after]).toEqual(original);
    expect(before).toHaveLength(k);
    return { head, tail };
  }

  it('truncates with UNTIL one second before the occurrence (UTC) and carries COUNT over', () => {
    const event = timed('FREQ=WEEKLY;BYDAY=MO;COUNT=10', '2026-02-23T09:00');
    const { head, tail } = checkSplit(event, 3); // 2026-03-16 09:00 EDT = 13:00Z
    expect(head).toBe('FREQ=WEEKLY;BYDAY=MO;UNTIL=20260316T125959Z');
    expect(tail).toBe('FREQ=WEEKLY;BYDAY=MO;COUNT=7');
    expect(truncateRruleBefore(event.rrule ?? '', at('2026-03-16T09:00'), NY, event.start)).toBe(head);
    expect(remainingCount(event.rrule ?? '', event.start, NY, at('2026-03-16T09:00'))).toBe(7);
  });

  it('returns null when the split is at the first occurrence: the whole series moves', () => {
    const event = timed('FREQ=WEEKLY;COUNT=10', '2026-02-23T09:00');
    expect(truncateRruleBefore(event.rrule ?? '', event.start, NY, event.start)).toBeNull();
    expect(checkSplit(event, 0)).toEqual({ head: null, tail: 'FREQ=WEEKLY;COUNT=10' });
  });

  it('keeps UNTIL on the new series and has no remaining count without COUNT', () => {
    const event = timed('FREQ=DAILY;UNTIL=20260320T235959Z;INTERVAL=2', '2026-03-01T09:00');
    expect(checkSplit(event, 4)).toEqual({ head: 'FREQ=DAILY;INTERVAL=2;UNTIL=20260309T125959Z', tail: event.rrule });
    expect(remainingCount(event.rrule ?? '', event.start, NY, at('2026-03-09T09:00'))).toBeNull();
  });

  it('uses a date-form UNTIL (the previous local day) for all-day events', () => {
    const event = allDay('FREQ=WEEKLY;COUNT=6', '2026-03-02');
    expect(checkSplit(event, 2)).toEqual({ head: 'FREQ=WEEKLY;UNTIL=20260315', tail: 'FREQ=WEEKLY;COUNT=4' });
  });

  it('splits monthly, BYSETPOS and non-matching-DTSTART series without losing or adding occurrences', () => {
    checkSplit(timed('FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-1;COUNT=12', '2026-01-30T16:00'), 5);
    checkSplit(timed('FREQ=MONTHLY;BYDAY=-1FR', '2026-01-30T15:00'), 7);
    checkSplit(timed('FREQ=WEEKLY;BYDAY=WE;COUNT=5', '2026-03-02T09:00'), 2);
    checkSplit(timed('FREQ=DAILY;COUNT=5', '2026-03-06T02:30'), 3); // just after the DST-moved occurrence
  });

  it('known limit: a new series starting at a DST-moved occurrence (02:30 -> 03:30) is anchored at 03:30', () => {
    // A start is an instant: 03:30 EDT on 8 March cannot say "02:30, moved by the gap". Google does the same.
    const event = timed('FREQ=DAILY;COUNT=5', '2026-03-06T02:30');
    const moved = at('2026-03-08T03:30');
    const { tail } = splitRrule(event.rrule ?? '', { seriesStart: event.start, occurrenceStart: moved, timeZone: NY });
    expect(starts({ ...event, rrule: tail, start: moved, end: new Date(moved.getTime() + HOUR) })).toEqual([
      '2026-03-08T03:30:00-04:00',
      '2026-03-09T03:30:00-04:00',
      '2026-03-10T03:30:00-04:00',
    ]);
  });

  it('cancelled occurrences before the split still count', () => {
    const event = timed('FREQ=DAILY;COUNT=5', '2026-03-01T09:00', 60, NY, { exdates: [at('2026-03-02T09:00')] });
    expect(remainingCount(event.rrule ?? '', event.start, NY, at('2026-03-04T09:00'))).toBe(2);
  });

  it('rejects an unknown time zone and invalid dates', () => {
    const start = at('2026-03-01T09:00');
    expect(() => truncateRruleBefore('FREQ=DAILY', at('2026-03-03T09:00'), 'Nowhere/Else', start)).toThrow(RecurrenceError);
    expect(() => truncateRruleBefore('FREQ=DAILY', new Date(NaN), NY, start)).toThrow(RecurrenceError);
    expect(() => remainingCount('FREQ=DAILY;COUNT=3', start, 'Nowhere/Else', start)).toThrow(RecurrenceError);
    expect(() => firstOccurrenceMatches('FREQ=DAILY', start, 'Nowhere/Else')).toThrow(RecurrenceError);
  });

  it('refuses a split after the end of a COUNT series', () => {
    const event = timed('FREQ=DAILY;COUNT=3', '2026-03-01T09:00');
    expect(remainingCount(event.rrule ?? '', event.start, NY, at('2026-03-10T09:00'))).toBe(0);
    expect(() =>
      splitRrule(event.rrule ?? '', { seriesStart: event.start, occurrenceStart: at('2026-03-10T09:00'), timeZone: NY }),
    ).toThrow(new RecurrenceError('The occurrence is after the end of the series'));
  });
});

describe('describeRrule', () => {
  it.each([
    ['FREQ=WEEKLY;BYDAY=MO,WE;COUNT=10', 'Every week on Monday, Wednesday for 10 times'],
    ['FREQ=MONTHLY;BYDAY=-1FR', 'Every month on the last Friday'],
    ['FREQ=MONTHLY;BYDAY=2TU', 'Every month on the 2nd Tuesday'],
    ['FREQ=DAILY;INTERVAL=2;UNTIL=20261231', 'Every 2 days until December 31, 2026'],
    ['RRULE:FREQ=YEARLY;BYMONTH=1;BYMONTHDAY=1', 'Every January on the 1st'],
  ])('%s -> %s', (rule, text) => {
    expect(describeRrule(rule)).toBe(text);
  });

  it('falls back to the rule when rrule.js cannot say it', () => {
    expect(describeRrule('FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-1')).toMatch(/^Every month|^FREQ=MONTHLY/);
  });

  it('throws RecurrenceError on an invalid rule', () => {
    expect(() => describeRrule('FREQ=HOURLY')).toThrow(RecurrenceError);
  });
});
