/**
 * RFC 5545 RRULE parsing and validation (pure). RecurrenceError messages say what is wrong with a rule, so
 * the API can answer 400 with them. Expansion lives in recurrence.ts.
 */
import * as rruleModule from 'rrule';
import type { Options } from 'rrule';
import { z } from 'zod';

// rrule 2.8.1 has no "exports" map: bundlers take its ESM build, but Node's own loader (tsx scripts,
// vitest's externalised deps) sees the UMD bundle as CommonJS with only a default export.
const rruleDefault = Reflect.get(rruleModule, 'default') as typeof rruleModule | undefined;
export const { RRule } = rruleDefault?.RRule ? rruleDefault : rruleModule;

export class RecurrenceError extends Error {
  override readonly name = 'RecurrenceError';
}

export type Frequency = 'DAILY' | 'WEEKLY' | 'MONTHLY' | 'YEARLY';
export type Until = { kind: 'utc'; instant: Date } | { kind: 'date'; date: string /* YYYY-MM-DD */ };
export interface ParsedRrule {
  /** Normalised rule: upper case, no "RRULE:" prefix, parts in their original order. */
  rule: string;
  freq: Frequency;
  interval: number;
  count: number | null;
  until: Until | null;
  parts: ReadonlyArray<readonly [name: string, value: string]>;
}
const FREQS = { YEARLY: RRule.YEARLY, MONTHLY: RRule.MONTHLY, WEEKLY: RRule.WEEKLY, DAILY: RRule.DAILY };
const DAYS = ['MO', 'TU', 'WE', 'TH', 'FR', 'SA', 'SU'] as const;
const WEEKDAYS = [RRule.MO, RRule.TU, RRule.WE, RRule.TH, RRule.FR, RRule.SA, RRule.SU];
const MONTH_DAYS = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
const INT_PARTS = {
  BYMONTHDAY: [31, true], BYYEARDAY: [366, true], BYWEEKNO: [53, true], BYMONTH: [12, false], BYSETPOS: [366, true],
} as const;
export const fail = (message: string): never => { throw new RecurrenceError(message); };

function intList(name: keyof typeof INT_PARTS, value: string): number[] {
  const [max, signed] = INT_PARTS[name];
  return value.split(',').map((v) => {
    const n = /^[+-]?\d{1,3}$/.test(v) ? Number(v) : NaN;
    if (!(Math.abs(n) >= 1 && Math.abs(n) <= max) || (n < 0 && !signed)) {
      fail(`${name} value "${v}" must be ${signed ? `1 to ${max} or -${max} to -1` : `1 to ${max}`}`);
    }
    return n;
  });
}

function positiveInt(name: string, value: string, max: number): number {
  const n = /^\d{1,6}$/.test(value) ? Number(value) : 0;
  return n >= 1 && n <= max ? n : fail(`${name} must be a whole number from 1 to ${max}, got "${value}"`);
}

function parseUntil(value: string): Until {
  const m = /^(\d{4})(\d{2})(\d{2})(?:T(\d{2})(\d{2})(\d{2})(Z?))?$/.exec(value);
  if (!m) return fail(`UNTIL must be a UTC date-time (YYYYMMDDTHHMMSSZ) or a date (YYYYMMDD), got "${value}"`);
  if (m[4] !== undefined && m[7] !== 'Z') return fail(`UNTIL date-time must be in UTC (end with Z), got "${value}"`);
  const [y, mo, d, h, mi, s] = m.slice(1, 7).map((x) => Number(x ?? 0)) as [number, number, number, number, number, number];
  const date = new Date(Date.UTC(y, mo - 1, d, h, mi, s));
  if (date.getUTCFullYear() !== y || date.getUTCMonth() !== mo - 1 || date.getUTCDate() !== d || h > 23 || mi > 59 || s > 59) {
    return fail(`UNTIL "${value}" is not a valid date`);
  }
  return m[4] === undefined ? { kind: 'date', date: `${m[1]}-${m[2]}-${m[3]}` } : { kind: 'utc', instant: date };
}

/** Validates an RFC 5545 RRULE value (no DTSTART). Throws RecurrenceError saying what is wrong. */
export function parseRrule(input: string): ParsedRrule {
  if (typeof input !== 'string') return fail('RRULE must be a string');
  let text = input.trim().toUpperCase();
  if (text.startsWith('RRULE:')) text = text.slice(6).trim();
  if (/[\r\n]|DTSTART|EXDATE|RDATE/.test(text)) fail('Send only the RRULE value (e.g. FREQ=WEEKLY;BYDAY=MO), no DTSTART/EXDATE lines: the event start is the first occurrence');
  if (!text) fail('RRULE is empty');
  if (text.length > 500) fail('RRULE is too long');
  const map = new Map<string, string>();
  const parts: [string, string][] = [];
  for (const segment of text.split(';')) {
    if (!segment) continue;
    const m = /^([A-Z][A-Z0-9-]*)=([^=]+)$/.exec(segment);
    if (!m) return fail(`RRULE part "${segment}" is not NAME=VALUE`);
    const [, name = '', value = ''] = m;
    if (map.has(name)) fail(`RRULE part ${name} appears more than once`);
    if (/^(BYHOUR|BYMINUTE|BYSECOND)$/.test(name)) fail(`${name} is not supported: an occurrence repeats the start's time of day`);
    if (!/^(FREQ|INTERVAL|COUNT|UNTIL|BYDAY|BYMONTHDAY|BYYEARDAY|BYWEEKNO|BYMONTH|BYSETPOS|WKST)$/.test(name)) {
      fail(`Unknown RRULE part ${name}`);
    }
    if (/(^|,)(,|$)/.test(value)) fail(`RRULE part ${name} has an empty value`);
    map.set(name, value);
    parts.push([name, value]);
  }
  const freqText = map.get('FREQ') ?? fail('FREQ is required (DAILY, WEEKLY, MONTHLY or YEARLY)');
  if (/^(SECONDLY|MINUTELY|HOURLY)$/.test(freqText)) fail(`FREQ=${freqText} is not supported: only DAILY, WEEKLY, MONTHLY and YEARLY recurrences are`);
  if (!/^(DAILY|WEEKLY|MONTHLY|YEARLY)$/.test(freqText)) fail(`FREQ must be DAILY, WEEKLY, MONTHLY or YEARLY, got "${freqText}"`);
  const freq = freqText as Frequency;
  if (map.has('COUNT') && map.has('UNTIL')) fail('COUNT and UNTIL cannot both be set');
  const get = (name: keyof typeof INT_PARTS) => (map.has(name) ? intList(name, map.get(name) ?? '') : null);
  const bymonthday = get('BYMONTHDAY');
  const bymonth = get('BYMONTH');
  if (bymonthday && freq === 'WEEKLY') fail('BYMONTHDAY cannot be used with FREQ=WEEKLY');
  if (get('BYYEARDAY') && freq !== 'YEARLY') fail('BYYEARDAY can only be used with FREQ=YEARLY');
  if (get('BYWEEKNO') && freq !== 'YEARLY') fail('BYWEEKNO can only be used with FREQ=YEARLY');
  if (get('BYSETPOS') && parts.filter(([n]) => n.startsWith('BY')).length < 2) fail('BYSETPOS needs another BYxxx part (e.g. BYDAY)');
  if (bymonthday && bymonth && !bymonthday.some((d) => bymonth.some((mo) => Math.abs(d) <= (MONTH_DAYS[mo - 1] ?? 0)))) {
    fail(`BYMONTHDAY=${map.get('BYMONTHDAY')} never occurs in BYMONTH=${map.get('BYMONTH')}`);
  }
  for (const day of map.get('BYDAY')?.split(',') ?? []) {
    const m = /^([+-]?\d{1,2})?(MO|TU|WE|TH|FR|SA|SU)$/.exec(day);
    if (!m) return fail(`BYDAY value "${day}" is not a weekday (MO, TU, WE, TH, FR, SA, SU, optionally with an ordinal as in 2TU or -1FR)`);
    if (m[1] === undefined) continue;
    const n = Number(m[1]);
    const monthly = freq === 'MONTHLY' || (freq === 'YEARLY' && bymonth);
    if (freq !== 'MONTHLY' && freq !== 'YEARLY') fail(`BYDAY ordinals (${day}) need FREQ=MONTHLY or YEARLY`);
    if (map.has('BYWEEKNO')) fail(`BYDAY ordinals (${day}) cannot be combined with BYWEEKNO`);
    if (n === 0 || Math.abs(n) > (monthly ? 5 : 53)) fail(`BYDAY ordinal in ${day} must be 1 to ${monthly ? 5 : 53} or -${monthly ? 5 : 53} to -1`);
  }
  const wkst = map.get('WKST');
  if (wkst !== undefined && !DAYS.includes(wkst as (typeof DAYS)[number])) fail(`WKST must be one of ${DAYS.join(', ')}, got "${wkst}"`);
  const interval = map.has('INTERVAL') ? positiveInt('INTERVAL', map.get('INTERVAL') ?? '', 1000) : 1;
  const count = map.has('COUNT') ? positiveInt('COUNT', map.get('COUNT') ?? '', 10000) : null;
  const untilText = map.get('UNTIL');
  const until = untilText === undefined ? null : parseUntil(untilText);
  return { rule: parts.map(([n, v]) => `${n}=${v}`).join(';'), freq, interval, count, until, parts };
}

/** rrule.js options for a parsed rule, without dtstart/until/count (we handle those ourselves). */
export function rruleOptions(p: ParsedRrule): Partial<Options> {
  const o: Partial<Options> = { freq: FREQS[p.freq], interval: p.interval };
  for (const [name, value] of p.parts) {
    const ints = () => value.split(',').map(Number);
    if (name === 'BYMONTHDAY') o.bymonthday = ints();
    else if (name === 'BYYEARDAY') o.byyearday = ints();
    else if (name === 'BYWEEKNO') o.byweekno = ints();
    else if (name === 'BYMONTH') o.bymonth = ints();
    else if (name === 'BYSETPOS') o.bysetpos = ints();
    else if (name === 'WKST') o.wkst = DAYS.indexOf(value as (typeof DAYS)[number]);
    else if (name === 'BYDAY') {
      o.byweekday = value.split(',').map((d) => {
        const wd = WEEKDAYS[DAYS.indexOf(d.slice(-2) as (typeof DAYS)[number])] ?? fail(`bad BYDAY ${d}`);
        return d.length > 2 ? wd.nth(Number(d.slice(0, -2))) : wd;
      });
    }
  }
  return o;
}

/** Short English description, e.g. "Every week on Monday, Wednesday for 10 times". */
export function describeRrule(rrule: string): string {
  const p = parseRrule(rrule);
  const until = p.until === null ? null : p.until.kind === 'utc' ? p.until.instant : new Date(`${p.until.date}T00:00:00Z`);
  const rule = new RRule({ ...rruleOptions(p), count: p.count, until }, true);
  const text = rule.isFullyConvertibleToText() ? rule.toText() : p.rule;
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** API validation: a valid RRULE, normalised (upper case, "RRULE:" prefix stripped). */
export const rruleSchema = z.string().max(500).transform((value, ctx) => {
  try {
    return parseRrule(value).rule;
  } catch (error) {
    ctx.addIssue({ code: 'custom', message: error instanceof Error ? error.message : 'Invalid RRULE', input: value });
    return z.NEVER;
  }
});
