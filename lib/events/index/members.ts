import "server-only";
import type { Fragment, Sql } from "../occurrence-json";
import { occurrenceJson } from "../occurrence-json";

/**
 * What the index sets hold (issue 6: at most 400 bytes of Redis per occurrence). An event's shared JSON
 * (title, patients, rule, …) is stored once, as its template in the organisation's template hash; an
 * occurrence that differs from it only by its times is a compact member of 38 bytes:
 *   <event ref: the UUID's 16 bytes, base64url, 22 chars><local date YYYY-MM-DD><UTC offset ±HH:MM>
 * with the score its start (= original start). Any other occurrence (moved, retitled, another status,
 * all-day, over midnight or a DST change) is a full member, as before: "<13-digit end ms>|<its JSON>".
 *
 * The template is the skeleton of the event's earliest materialised occurrence: seven fields separated by
 * \x1f (never raw inside JSON text): duration ms, then the JSON around the holes. The feed JSON of a compact
 * occurrence, exactly what `occurrence_json` makes (joined in join-feed.ts), is
 *   p1 + startMs + p2 + date + tStart + offset + '","end":"' + date + tEnd + offset + p6 + date + tStart + offset + p7
 * Both are built by these expressions only, for the write-through, the rehydration and the checker alike.
 */
export const SEP = "\x1f";
/** Between templates in a read-window reply. */
export const TEMPLATE_SEP = "\x1e";
/**
 * The template hash's value for an event the organisation does not have (a member no write-through
 * should have left: deleted meanwhile, or planted): reads leave its members out instead of missing forever.
 */
export const ABSENT = "";
export const REF_LENGTH = 22;
export const COMPACT_LENGTH = REF_LENGTH + 10 + 6;

/** An event's reference in compact members (and its template's field in the hash). */
export const eventRef = (sql: Sql, id: Fragment) => sql`translate(rtrim(encode(uuid_send(${id}), 'base64'), '='), '+/', '-_')`;

export const refToEventId = (ref: string): string => {
  const hex = Buffer.from(ref, "base64url").toString("hex");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
};

/** The template of the event of the first occurrence `f` (`firstOccurrenceJoin`): its JSON without the holes (mirrors drizzle/0012). */
export function eventTemplate(sql: Sql, tz: string | Fragment): Fragment {
  const c = (column: string) => sql`f.${sql(column)}`;
  return sql`(extract(epoch FROM ${c("end_at")} - ${c("start_at")}) * 1000)::bigint || chr(31)
    || '{"id":"' || ${c("event_id")} || '_' || chr(31)
    || '","eventId":"' || ${c("event_id")} || '","title":' || to_json(${c("title")}) || ',"start":"' || chr(31)
    || substr(iso_local(${c("start_at")}, ${tz}::text), 11, 9) || chr(31)
    || substr(iso_local(${c("end_at")}, ${tz}::text), 11, 9) || chr(31)
    || '","allDay":' || ${c("all_day")} || ',"timeZone":' || to_json(${c("time_zone")})
    || ',"patientIds":' || array_to_json(${c("patient_ids")}) || ',"recurring":' || ${c("recurring")}
    || coalesce(',"rrule":' || to_json(${c("rrule")}), '') || ',"originalStart":"' || chr(31)
    || '","version":' || ${c("version")}
    || coalesce(',"description":' || to_json(${c("description")}), '') || coalesce(',"location":' || to_json(${c("location")}), '')
    || coalesce(',"clinicianId":"' || ${c("clinician_id")} || '"', '') || coalesce(',"roomId":"' || ${c("room_id")} || '"', '')
    || coalesce(',"typeId":"' || ${c("type_id")} || '"', '')
    || ',"status":"' || ${c("status")} || coalesce('","statusReason":' || to_json(${c("status_reason")}), '"') || '}'`;
}

/** `LEFT JOIN LATERAL … f`: the earliest occurrence of the event of occurrence `o`, whose skeleton is the event's template. */
export const firstOccurrenceJoin = (sql: Sql) => sql`LEFT JOIN LATERAL (
    SELECT * FROM occurrences f WHERE f.event_id = o.event_id ORDER BY f.original_start LIMIT 1
  ) f ON true`;

/** `firstOccurrenceJoin` for every occurrence of an organisation at once (the checker reads them all). */
export const orgFirstOccurrenceJoin = (sql: Sql, orgId: string) => sql`LEFT JOIN (
    SELECT DISTINCT ON (event_id) * FROM occurrences WHERE org_id = ${orgId} ORDER BY event_id, original_start
  ) f ON f.event_id = o.event_id`;

/**
 * The set member of occurrence `o` (needs `f`): compact when the event's template describes it, that is
 * when its JSON and the first occurrence's differ only in the holes (same fields, the same local times
 * of day and duration), and its start and end share a local date and UTC offset. Column comparisons:
 * cheaper than building both skeletons, and stricter (sub-second times), never looser.
 */
export function indexMember(sql: Sql, tz: string | Fragment): Fragment {
  const local = (column: Fragment) => sql`(${column} AT TIME ZONE ${tz}::text)`;
  const same = (column: string) => sql`o.${sql(column)} IS NOT DISTINCT FROM f.${sql(column)}`;
  return sql`CASE WHEN NOT o.all_day AND NOT f.all_day AND o.original_start = o.start_at
      AND ${local(sql`o.start_at`)}::date = ${local(sql`o.end_at`)}::date
      AND ${local(sql`o.end_at`)} - ${local(sql`o.start_at`)} = o.end_at - o.start_at
      AND o.end_at - o.start_at = f.end_at - f.start_at
      AND ${local(sql`o.start_at`)}::time = ${local(sql`f.start_at`)}::time
      AND ${local(sql`o.end_at`)}::time = ${local(sql`f.end_at`)}::time
      AND o.title = f.title AND o.patient_ids = f.patient_ids AND o.time_zone = f.time_zone AND o.recurring = f.recurring
      AND o.version = f.version AND o.status = f.status AND ${same("rrule")} AND ${same("description")} AND ${same("location")}
      AND ${same("clinician_id")} AND ${same("room_id")} AND ${same("type_id")} AND ${same("status_reason")}
    THEN ${eventRef(sql, sql`o.event_id`)} || overlay(iso_local(o.start_at, ${tz}::text) placing '' from 11 for 9)
    ELSE lpad(((extract(epoch FROM o.end_at) * 1000)::bigint)::text, 13, '0') || '|' || ${occurrenceJson(sql, tz)} END`;
}

/** A template split into its fields, for assembling occurrences. */
export interface Template {
  durationMs: number;
  eventId: string;
  p1: string;
  p2: string;
  tStart: string;
  tEnd: string;
  p6: string;
  p7: string;
}

/** A stored template split into its fields; null for ABSENT. */
export function parseTemplate(text: string): Template | null {
  if (text === ABSENT) return null;
  const [duration, p1, p2, tStart, tEnd, p6, p7] = text.split(SEP) as [string, string, string, string, string, string, string];
  return { durationMs: Number(duration), eventId: p1.slice(7, 43), p1, p2, tStart, tEnd, p6, p7 };
}

/** Whether a member is a full one ("<end>|<JSON>"); a compact one never has "|" (base64url, digits, ±:). */
export const isFull = (member: string) => member.charCodeAt(13) === 124;

/** `eventRef` computed in Node. */
export const refOf = (eventId: string) => Buffer.from(eventId.replaceAll("-", ""), "hex").toString("base64url");

/** Which occurrence a member is, without its text (titles are patient data): "<event id>_<start ms>" or a local start. */
export function describeMember(member: string): string {
  if (member.endsWith(" template")) return member;
  if (isFull(member)) return /"id":"([^"]+)"/.exec(member)?.[1] ?? "?";
  return `${refToEventId(member.slice(0, REF_LENGTH))}@${member.slice(REF_LENGTH)}`;
}
