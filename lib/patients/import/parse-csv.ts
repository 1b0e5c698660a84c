import { parse } from "csv-parse/sync";
import { badRequest, payloadTooLarge } from "@/lib/errors";

/**
 * Reads a practice-management export (CSV, UTF-8, a header row) into raw patient rows. Whole-file
 * problems are thrown as 400/413 with a message the admin can act on; they write nothing. Problems of
 * single rows are left to the plan (they are rejected one by one, with their reason).
 */
export const MAX_IMPORT_BYTES = 20 * 1024 * 1024;
export const MAX_IMPORT_ROWS = 20_000;

/** A row as the file has it: the line it started on and the recognised columns' text. */
export interface RawRow {
  line: number;
  fields: Partial<Record<Column, string>>;
}

export type Column = "externalId" | "name" | "firstName" | "lastName" | "dateOfBirth" | "email" | "color" | "timeZone" | "notes";

/** Header names as exports spell them (compared lower-case, without spaces, dashes, underscores or dots). */
const ALIASES: Record<Column, string[]> = {
  externalId: ["externalid", "patientid", "id", "mrn", "chartnumber", "chartno", "accountnumber", "recordnumber"],
  name: ["name", "fullname", "patientname", "patient"],
  firstName: ["firstname", "givenname", "forename"],
  lastName: ["lastname", "surname", "familyname"],
  dateOfBirth: ["dateofbirth", "dob", "birthdate", "birthday"],
  email: ["email", "emailaddress", "mail"],
  color: ["color", "colour"],
  timeZone: ["timezone", "tz"],
  notes: ["notes", "note", "comments", "comment"],
};
const normalise = (header: string) => header.trim().toLowerCase().replace(/[\s_\-.]/g, "");
const columnOf = new Map<string, Column>(Object.entries(ALIASES).flatMap(([column, names]) => names.map((n) => [n, column as Column])));

export interface ParsedFile {
  rows: RawRow[];
  /** Headers that were not recognised (ignored), for the preview to mention. */
  ignoredColumns: string[];
}

function decode(bytes: Uint8Array): string {
  if (bytes.length === 0) throw badRequest("The file is empty");
  if ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff)) {
    throw badRequest("The file is UTF-16 text: export it as CSV in UTF-8 (\"CSV UTF-8\" in spreadsheet programs)");
  }
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    throw badRequest("The file is not UTF-8 text (it may be Windows-1252 or Latin-1, or not a CSV at all): export it as CSV in UTF-8");
  }
  if (text.includes("\u0000")) throw badRequest("The file holds binary data, not CSV text");
  return text.replace(/^\uFEFF/, "");
}

export function parsePatientCsv(bytes: Uint8Array): ParsedFile {
  if (bytes.byteLength > MAX_IMPORT_BYTES) {
    throw payloadTooLarge(`The file is larger than ${MAX_IMPORT_BYTES / 1024 / 1024} MB: split it into smaller files`);
  }
  const text = decode(bytes);
  const firstLine = text.slice(0, text.search(/\r?\n|$/));
  const delimiter = [",", ";", "\t"].reduce((best, d) => (firstLine.split(d).length > firstLine.split(best).length ? d : best), ",");
  let parsed: { record: string[]; info: { lines: number } }[];
  try {
    parsed = parse(text, { delimiter, relax_column_count: true, skip_empty_lines: true, bom: true, info: true, to: MAX_IMPORT_ROWS + 2 }) as unknown as typeof parsed;
  } catch (error) {
    const where = (error as { lines?: number }).lines;
    throw badRequest(`The file is not valid CSV${where ? ` (near line ${where})` : ""}: ${(error as Error).message.split(":")[0]}`);
  }
  const [header, ...body] = parsed.map((p) => p.record);
  if (!header) throw badRequest("The file is empty");
  if (body.length > MAX_IMPORT_ROWS) throw payloadTooLarge(`The file has more than ${MAX_IMPORT_ROWS.toLocaleString("en-US")} patients: split it into smaller files`);

  const columns = header.map((h) => columnOf.get(normalise(h)));
  const has = (c: Column) => columns.includes(c);
  const missing = [
    ...(has("externalId") ? [] : ["an external id (e.g. \"external_id\", \"patient id\", \"MRN\")"]),
    ...(has("name") || (has("firstName") && has("lastName")) ? [] : ["a name (\"name\", or \"first name\" and \"last name\")"]),
  ];
  if (missing.length) {
    throw badRequest(`The file lacks ${missing.join(" and ")}; its header row is: ${header.slice(0, 20).join(", ").slice(0, 300)}`);
  }
  const duplicated = header.map(normalise).filter((h, i, all) => columnOf.has(h) && all.indexOf(h) !== i);
  if (duplicated.length) throw badRequest(`The header names a column twice: ${[...new Set(duplicated)].join(", ")}`);

  const rows: RawRow[] = body.map((record, index) => {
    const fields: RawRow["fields"] = {};
    record.forEach((value, i) => {
      const column = columns[i];
      if (column) fields[column] = value.trim();
    });
    // The line the record ends on, counting the header as line 1 (as a text editor shows it).
    return { line: parsed[index + 1]!.info.lines, fields };
  });
  return { rows, ignoredColumns: header.filter((_, i) => !columns[i] && header[i]!.trim() !== "") };
}
