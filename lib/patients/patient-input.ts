import { z } from "zod";
import { isValidTimeZone } from "@/lib/time/zones";

/**
 * What an admin may set on a patient, as one schema shared by the form, the JSON API and the CSV
 * import: a row of an import is accepted exactly when a form with the same values would be.
 */
export const COLOR = /^#[0-9a-f]{6}$/i;
const DATE = /^\d{4}-\d{2}-\d{2}$/;

const blankToUndefined = (value: unknown) => (typeof value === "string" && value.trim() === "" ? undefined : value);
const optional = <T extends z.ZodType>(schema: T) => z.preprocess(blankToUndefined, schema.optional());

function isRealDate(text: string): boolean {
  const [y, m, d] = text.split("-").map(Number) as [number, number, number];
  const date = new Date(Date.UTC(y, m - 1, d));
  return date.getUTCFullYear() === y && date.getUTCMonth() === m - 1 && date.getUTCDate() === d;
}

export const dateOfBirthSchema = z
  .string()
  .trim()
  .regex(DATE, "must be a date as YYYY-MM-DD")
  .refine(isRealDate, "is not a real date")
  .refine((d) => d >= "1900-01-01", "is before 1900")
  .refine((d) => d <= new Date().toISOString().slice(0, 10), "is in the future");

export const patientFieldsSchema = z.object({
  name: z.string().trim().min(1, "is required").max(200, "must be at most 200 characters"),
  dateOfBirth: optional(dateOfBirthSchema),
  color: optional(z.string().trim().regex(COLOR, "must be a colour as #rrggbb").transform((c) => c.toLowerCase())),
  timeZone: optional(z.string().trim().refine(isValidTimeZone, "is not a known time zone (e.g. Europe/London)")),
  email: optional(z.string().trim().max(254).pipe(z.email("must be an e-mail address")).transform((e) => e.toLowerCase())),
  notes: optional(z.string().max(5000, "must be at most 5,000 characters")),
  externalId: optional(z.string().trim().max(100, "must be at most 100 characters")),
});
export type PatientFields = z.infer<typeof patientFieldsSchema>;

export const patientIdSchema = z.uuid({ message: "must be a patient id (UUID)" });

/** Sort keys of the admin list; each has an index that makes keyset paging one range scan. */
export const PATIENT_SORTS = ["name", "dateOfBirth"] as const;
export type PatientSort = (typeof PATIENT_SORTS)[number];

export const patientListSchema = z.object({
  q: z.string().trim().max(100, "must be at most 100 characters").default(""),
  sort: z.enum(PATIENT_SORTS).catch("name"),
  dir: z.enum(["asc", "desc"]).catch("asc"),
  page: z.coerce.number().int().min(1).max(100_000).catch(1),
  archived: z.enum(["active", "archived", "all"]).catch("active"),
});
export type PatientListQuery = z.infer<typeof patientListSchema>;
