import { z } from "zod";
import { badRequest, invalidInput } from "@/lib/errors";
import { isValidTimeZone, parseInstant } from "@/lib/time/zones";

export const MAX_RANGE_DAYS = 366;
/** A URL holds at most this many ids (Node rejects headers over 16 KB); larger sets use POST or a cohort. */
export const MAX_URL_PATIENTS = 200;
export const MAX_BODY_PATIENTS = 5000;

export interface FeedQuery {
  start: Date;
  end: Date;
  timeZone: string;
  patientIds?: string[];
  cohortId?: string;
}

const timeZone = z
  .string()
  .max(64)
  .refine(isValidTimeZone, { message: "is not a known IANA time zone (e.g. America/New_York)" });

const raw = z.object({
  start: z.string({ error: "is required (ISO-8601 date or date-time)" }).max(40),
  end: z.string({ error: "is required (ISO-8601 date or date-time)" }).max(40),
  timeZone: timeZone.optional(),
  patientIds: z.array(z.uuid({ message: "must be patient ids (UUIDs)" })).max(MAX_BODY_PATIENTS).optional(),
  cohortId: z.uuid({ message: "must be a cohort id (UUID)" }).optional(),
});

function resolve(schema: z.ZodType<z.infer<typeof raw>>, value: unknown): FeedQuery {
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw invalidInput(parsed.error);
  const input = parsed.data;
  const zone = input.timeZone ?? "UTC";
  const start = parseInstant(input.start, zone);
  const end = parseInstant(input.end, zone);
  if (!start) throw badRequest(`start: "${input.start}" is not a valid ISO-8601 date or date-time`);
  if (!end) throw badRequest(`end: "${input.end}" is not a valid ISO-8601 date or date-time`);
  if (end <= start) throw badRequest("end must be after start");
  if (end.getTime() - start.getTime() > MAX_RANGE_DAYS * 86_400_000) {
    throw badRequest(`The range may span at most ${MAX_RANGE_DAYS} days`);
  }
  if (input.patientIds && input.cohortId) throw badRequest("Ask for patients or a cohort, not both");
  return {
    start,
    end,
    timeZone: zone,
    patientIds: input.patientIds ? [...new Set(input.patientIds)] : undefined,
    cohortId: input.cohortId,
  };
}

/** `GET /api/events?start=&end=[&patients=id,id][&cohort=id][&timeZone=]` */
export function feedQueryFromSearchParams(params: URLSearchParams): FeedQuery {
  const patients = params.get("patients");
  const ids = patients ? patients.split(",").map((id) => id.trim()).filter(Boolean) : undefined;
  if (ids && ids.length > MAX_URL_PATIENTS) {
    throw badRequest(
      `At most ${MAX_URL_PATIENTS} patients fit in a URL; use a cohort or POST /api/events/query for larger selections`,
    );
  }
  return resolve(raw, {
      start: params.get("start") ?? undefined,
      end: params.get("end") ?? undefined,
      timeZone: params.get("timeZone") || undefined,
      patientIds: ids,
      cohortId: params.get("cohort") || undefined,
  });
}

/** `POST /api/events/query` with `{start, end, patientIds, timeZone?}` */
export function feedQueryFromBody(body: unknown): FeedQuery {
  return resolve(raw.strict(), body);
}
