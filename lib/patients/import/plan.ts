import { badRequest } from "@/lib/errors";
import { patientFieldsSchema, type PatientFields } from "../patient-input";
import type { RawRow } from "./parse-csv";

/**
 * What an import would do, row by row: create (a new external id), update (a known one whose fields
 * differ), unchanged (a known one, identical), or reject (with the reason). Pure: the caller supplies
 * the organisation's patients that carry the file's external ids.
 */
export interface ExistingPatient {
  id: string;
  externalId: string;
  name: string;
  dateOfBirth: string | null;
  color: string;
  timeZone: string | null;
  email: string | null;
  notes: string | null;
}

export type PlannedRow =
  | { line: number; action: "create"; externalId: string; fields: PatientFields & { externalId: string } }
  | { line: number; action: "update"; externalId: string; patientId: string; fields: PatientFields & { externalId: string }; changed: string[] }
  | { line: number; action: "unchanged"; externalId: string; patientId: string }
  | { line: number; action: "reject"; externalId: string; reason: string };

export interface ImportPlan {
  rows: PlannedRow[];
  counts: { create: number; update: number; unchanged: number; reject: number };
}

const LABELS: Record<string, string> = {
  name: "name",
  dateOfBirth: "date of birth",
  color: "colour",
  timeZone: "time zone",
  email: "e-mail",
  notes: "notes",
  externalId: "external id",
};

/** Refuses a file that names the same external id twice: which row would win is anybody's guess. */
export function assertUniqueIds(rows: RawRow[]): void {
  const seen = new Map<string, number>();
  const duplicates: string[] = [];
  for (const row of rows) {
    const id = row.fields.externalId;
    if (!id) continue;
    const first = seen.get(id);
    if (first !== undefined) duplicates.push(`"${id.slice(0, 40)}" (lines ${first} and ${row.line})`);
    else seen.set(id, row.line);
  }
  if (duplicates.length) {
    const more = duplicates.length > 5 ? ` and ${duplicates.length - 5} more` : "";
    throw badRequest(`The file names the same external id more than once: ${duplicates.slice(0, 5).join(", ")}${more}. Nothing was imported.`);
  }
}

export function planImport(rows: RawRow[], existing: Map<string, ExistingPatient>): ImportPlan {
  const counts = { create: 0, update: 0, unchanged: 0, reject: 0 };
  const planned = rows.map((row): PlannedRow => {
    const f = row.fields;
    const externalId = f.externalId ?? "";
    const name = f.name ?? [f.firstName, f.lastName].filter(Boolean).join(" ");
    if (!externalId) return { line: row.line, action: "reject", externalId, reason: "the external id is missing" };
    const parsed = patientFieldsSchema.safeParse({ ...f, name, externalId });
    if (!parsed.success) {
      const reason = parsed.error.issues
        .map((issue) => `${LABELS[String(issue.path[0])] ?? String(issue.path[0])} ${issue.message}`)
        .join("; ");
      return { line: row.line, action: "reject", externalId, reason };
    }
    const fields = { ...parsed.data, externalId };
    const current = existing.get(externalId);
    if (!current) return { line: row.line, action: "create", externalId, fields };
    // Columns the file does not have (or leaves blank) keep what the record holds.
    const changed = (["name", "dateOfBirth", "color", "timeZone", "email", "notes"] as const).filter(
      (key) => fields[key] !== undefined && fields[key] !== (current[key] ?? undefined),
    );
    if (changed.length === 0) return { line: row.line, action: "unchanged", externalId, patientId: current.id };
    return { line: row.line, action: "update", externalId, patientId: current.id, fields, changed: changed.map((k) => LABELS[k]!) };
  });
  for (const row of planned) counts[row.action] += 1;
  return { rows: planned, counts };
}
