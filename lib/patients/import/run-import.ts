import "server-only";
import type { Actor } from "@/lib/auth/actor";
import { recordAudit } from "@/lib/audit/record";
import { db } from "@/lib/db/client";
import { requireAdmin } from "../admin-patients";
import { patientsChanged } from "../patient-changes";
import { parsePatientCsv } from "./parse-csv";
import { assertUniqueIds, planImport, type ExistingPatient, type ImportPlan, type PlannedRow } from "./plan";

/**
 * The CSV import: a preview (what each row would do) and the commit (the same plan, written in one
 * transaction: all of it or, on any failure, nothing). Idempotent on the external id: importing the same
 * file again creates nothing and reports every row unchanged.
 */
const BATCH = 1000;
const PREVIEW_ROWS = 200;

export interface ImportPreview {
  counts: ImportPlan["counts"];
  total: number;
  /** Every rejected row (up to 1,000) with its reason, then the first creates and updates. */
  rejected: { line: number; externalId: string; reason: string }[];
  creates: { line: number; externalId: string; name: string }[];
  updates: { line: number; externalId: string; name: string; changed: string[] }[];
  ignoredColumns: string[];
}

export interface PreparedImport {
  plan: ImportPlan;
  ignoredColumns: string[];
}

/** Reads and plans a file: whole-file problems throw here (400, 413), before anything is written. */
export async function prepareImport(actor: Actor, bytes: Uint8Array): Promise<PreparedImport> {
  requireAdmin(actor);
  const { rows, ignoredColumns } = parsePatientCsv(bytes);
  assertUniqueIds(rows);
  const ids = rows.flatMap((r) => (r.fields.externalId ? [r.fields.externalId] : []));
  const existing = await db().$sql<ExistingPatient[]>`
    SELECT id, external_id AS "externalId", name, date_of_birth AS "dateOfBirth", color, time_zone AS "timeZone", email, notes
    FROM patients WHERE org_id = ${actor.orgId} AND external_id = ANY(${ids}::text[])`;
  return { plan: planImport(rows, new Map(existing.map((p) => [p.externalId, p]))), ignoredColumns };
}

export async function previewImport(actor: Actor, bytes: Uint8Array): Promise<ImportPreview> {
  const { plan: p, ignoredColumns } = await prepareImport(actor, bytes);
  const pick = <A extends PlannedRow["action"]>(action: A) => p.rows.filter((r): r is Extract<PlannedRow, { action: A }> => r.action === action);
  return {
    counts: p.counts,
    total: p.rows.length,
    rejected: pick("reject").slice(0, 1000).map(({ line, externalId, reason }) => ({ line, externalId, reason })),
    creates: pick("create").slice(0, PREVIEW_ROWS).map((r) => ({ line: r.line, externalId: r.externalId, name: r.fields.name })),
    updates: pick("update").slice(0, PREVIEW_ROWS).map((r) => ({ line: r.line, externalId: r.externalId, name: r.fields.name, changed: r.changed })),
    ignoredColumns,
  };
}

export interface ImportResult {
  created: number;
  updated: number;
  unchanged: number;
  rejected: number;
}

/** Plans and writes a file (see writeImport). */
export async function commitImport(actor: Actor, bytes: Uint8Array, ip: string | null, onProgress?: (done: number, total: number) => void): Promise<ImportResult> {
  return writeImport(actor, await prepareImport(actor, bytes), ip, onProgress);
}

/** Writes a plan in one transaction; `onProgress(done, total)` after each batch of rows written. */
export async function writeImport(
  actor: Actor,
  { plan: p }: PreparedImport,
  ip: string | null,
  onProgress: (done: number, total: number) => void = () => {},
): Promise<ImportResult> {
  requireAdmin(actor);
  const creates = p.rows.filter((r) => r.action === "create");
  const updates = p.rows.filter((r) => r.action === "update");
  const total = creates.length + updates.length;
  const sql = db().$sql;
  const [org] = await sql<{ palette: string[]; n: number }[]>`
    SELECT o.palette, (SELECT count(*)::int FROM patients WHERE org_id = o.id) AS n FROM organizations o WHERE o.id = ${actor.orgId}`;
  const palette = org?.palette.length ? org.palette : ["#1a73e8"];
  const col = <T>(rows: T[], get: (row: T) => string | null | undefined) => rows.map((r) => get(r) ?? null);

  const touched: string[] = [];
  await sql.begin(async (tx) => {
    let done = 0;
    for (let i = 0; i < creates.length; i += BATCH) {
      const batch = creates.slice(i, i + BATCH);
      const f = batch.map((r) => r.fields);
      // A concurrent import of the same ids: the later one updates what the earlier created.
      const rows = await tx<{ id: string }[]>`
        INSERT INTO patients (org_id, external_id, name, date_of_birth, color, time_zone, email, notes)
        SELECT ${actor.orgId}::uuid, v.* FROM unnest(
          ${col(f, (x) => x.externalId)}::text[], ${col(f, (x) => x.name)}::text[], ${col(f, (x) => x.dateOfBirth)}::text[]::date[],
          ${f.map((x, j) => x.color ?? palette[((org?.n ?? 0) + i + j) % palette.length]!)}::text[], ${col(f, (x) => x.timeZone)}::text[],
          ${col(f, (x) => x.email)}::text[], ${col(f, (x) => x.notes)}::text[]) AS v
        ON CONFLICT (org_id, external_id) DO UPDATE SET name = EXCLUDED.name, updated_at = now()
        RETURNING id`;
      touched.push(...rows.map((r) => r.id));
      done += batch.length;
      onProgress(done, total);
    }
    for (let i = 0; i < updates.length; i += BATCH) {
      const batch = updates.slice(i, i + BATCH);
      const f = batch.map((r) => r.fields);
      const rows = await tx<{ id: string }[]>`
        UPDATE patients p SET name = v.name, date_of_birth = coalesce(v.dob::date, p.date_of_birth), color = coalesce(v.color, p.color),
          time_zone = coalesce(v.tz, p.time_zone), email = coalesce(v.email, p.email), notes = coalesce(v.notes, p.notes), updated_at = now()
        FROM unnest(${batch.map((r) => r.patientId)}::uuid[], ${col(f, (x) => x.name)}::text[], ${col(f, (x) => x.dateOfBirth)}::text[],
          ${col(f, (x) => x.color)}::text[], ${col(f, (x) => x.timeZone)}::text[], ${col(f, (x) => x.email)}::text[], ${col(f, (x) => x.notes)}::text[])
          AS v(id, name, dob, color, tz, email, notes)
        WHERE p.id = v.id AND p.org_id = ${actor.orgId}
        RETURNING p.id`;
      touched.push(...rows.map((r) => r.id));
      done += batch.length;
      onProgress(done, total);
    }
  });
  const result = { created: creates.length, updated: updates.length, unchanged: p.counts.unchanged, rejected: p.counts.reject };
  if (updates.length) await patientsChanged(actor.orgId, updates.length > 500 ? [] : updates.map((r) => r.patientId), "updated");
  await recordAudit(actor, { action: "patients.import", patientIds: touched, ip, details: { ...result } });
  return result;
}
