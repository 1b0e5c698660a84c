import "server-only";
import { isAscii } from "node:buffer";
import type { ArchiveCutoffs } from "../archive-cutoffs";
import { isFull, parseTemplate, REF_LENGTH, SEP, TEMPLATE_SEP, type Template } from "./members";

/**
 * Joins a read-window reply (members with their scores, their events' refs and templates) into the feed
 * body by concatenation, without JSON parsing. Templates are parsed once per process and event version
 * (`templatesOf`), and text that is all ASCII (the usual case) is decoded and encoded as Latin-1, a copy.
 */

interface Row {
  start: number;
  end: number;
  eventId: string;
  json: string;
}

// Only a key can read like this: inside a JSON string every quote is escaped.
const CANCELLED = '"status":"cancelled"';

/**
 * The feed body, in the Postgres path's order (start, end, event id). A patient's own feed never shows an
 * occurrence that does not name them, whatever a set holds, nor a cancelled one (staff see those struck
 * through, patients not at all). `archived` (the organisation's view): an occurrence all of whose patients
 * were archived at or before its start is left out (lib/events/archive-cutoffs.ts).
 */
export function joinFeed(members: Buffer, refs: Buffer, templates: Buffer, startMs: number, ownPatientId?: string, archived?: ArchiveCutoffs): Buffer {
  const ascii = isAscii(members) && isAscii(templates);
  const encoding = ascii ? "latin1" : "utf8";
  const byRef = templatesOf(refs.length ? refs.toString("latin1").split(SEP) : [], templates);
  const name = ownPatientId ? `"${ownPatientId}"` : null;
  const fields = members.length ? members.toString(encoding).split(SEP) : [];
  const rows: Row[] = [];
  for (let i = 0; i < fields.length; i += 2) {
    const score = fields[i]!;
    const member = fields[i + 1]!;
    let row: Row;
    if (isFull(member)) {
      row = { start: Number(score), end: Number(member.slice(0, 13)), eventId: member.slice(21, 57), json: member.slice(14) };
    } else {
      const t = byRef.get(member.slice(0, REF_LENGTH));
      // None: a member of an event the organisation does not have (members.ts, ABSENT).
      if (!t) continue;
      const start = Number(score);
      if (start + t.durationMs <= startMs) continue;
      const date = member.slice(REF_LENGTH, REF_LENGTH + 10);
      const offset = member.slice(REF_LENGTH + 10);
      const at = date + t.tStart + offset;
      const json = `${t.p1}${score}${t.p2}${at}","end":"${date}${t.tEnd}${offset}${t.p6}${at}${t.p7}`;
      row = { start, end: start + t.durationMs, eventId: t.eventId, json };
    }
    if (name && (!row.json.includes(name) || row.json.includes(CANCELLED))) continue;
    if (archived?.size && hidden(row, archived)) continue;
    rows.push(row);
  }
  // Redis orders ties by member bytes; Postgres by end, then event id.
  for (let i = 1; i < rows.length; i += 1) {
    if (rows[i]!.start === rows[i - 1]!.start) {
      rows.sort((a, b) => a.start - b.start || a.end - b.end || (a.eventId < b.eventId ? -1 : a.eventId > b.eventId ? 1 : 0));
      break;
    }
  }
  return Buffer.from(`[${rows.map((row) => row.json).join(",")}]`, encoding);
}

// Only a key can read like this (inside a JSON string every quote is escaped); ids are 36-character UUIDs.
const PATIENT_IDS = '"patientIds":[';

/** Whether every patient the occurrence names was archived at or before its start. */
function hidden(row: Row, archived: ArchiveCutoffs): boolean {
  let q = row.json.indexOf(PATIENT_IDS);
  if (q < 0) return false;
  q += PATIENT_IDS.length;
  if (row.json[q] !== '"') return false;
  while (row.json[q] === '"') {
    const cut = archived.get(row.json.slice(q + 1, q + 37));
    if (cut === undefined || row.start < cut) return false;
    q += 39;
  }
  return true;
}

/**
 * Parsed templates by event ref, kept between reads: a template is parsed again only when its bytes
 * changed (the event was edited), so a read costs a byte comparison per event instead of decoding and
 * splitting its template. Bounded; the oldest entries go first. Entries hold copies, never a reply.
 */
const parsed = new Map<string, { bytes: Buffer; template: Template | null }>();
const PARSED_MAX = 50_000;
const TEMPLATE_SEP_BYTE = TEMPLATE_SEP.charCodeAt(0);

function templatesOf(refs: string[], blob: Buffer): Map<string, Template | null> {
  const out = new Map<string, Template | null>();
  let from = 0;
  for (const ref of refs) {
    let to = blob.indexOf(TEMPLATE_SEP_BYTE, from);
    if (to < 0) to = blob.length;
    const known = parsed.get(ref);
    if (known && known.bytes.length === to - from && blob.compare(known.bytes, 0, known.bytes.length, from, to) === 0) {
      out.set(ref, known.template);
    } else {
      const bytes = Buffer.from(blob.subarray(from, to));
      const template = parseTemplate(bytes.toString("utf8"));
      parsed.delete(ref);
      parsed.set(ref, { bytes, template });
      if (parsed.size > PARSED_MAX) parsed.delete(parsed.keys().next().value!);
      out.set(ref, template);
    }
    from = to + 1;
  }
  return out;
}
