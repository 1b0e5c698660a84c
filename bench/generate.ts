/**
 * The benchmark's data: the seed's scenario, generated in Postgres with set-based SQL (generate_series),
 * deterministic for a given seed, and consistent with what the events engine writes itself
 * (`lib/events/materialize.ts`, `rematerialize`): events with their patients, the materialised
 * occurrences and their per-patient rows, `materialized_until`, `series_end`, `revision` and the
 * organisations' `max_occurrence_ms`. `scripts/bench-generate.test.ts` compares a sample with
 * `materializeEvent`'s own output.
 *
 * Every patient has two weekly appointments (distinct weekdays, 08:00-17:45 local, 30-60 min) and every
 * 50 patients share a weekly group session of 10; cohorts of 100. Weekly local times follow DST
 * (`(local date + time) AT TIME ZONE tz`, no times near a transition). Ids are UUIDs derived from the seed.
 *
 * No `server-only` import: the generator only needs a postgres.js client, so the test and the bench's
 * tasks share it.
 */
import type { Sql } from "postgres";

export interface BenchOrganizationSpec {
  patients: number;
  timeZone: string;
  name: string;
}

export interface GenerateOptions {
  /** Same seed, same data (ids included). */
  seed: string;
  /** Organisation slugs are `<slugPrefix>-<n>`; emails `staff@<slug>.test`. */
  slugPrefix: string;
  organizations: BenchOrganizationSpec[];
  /** Occurrences of every weekly series (COUNT). */
  weeks: number;
  /** How many of them fall before the anchor week. */
  weeksBefore: number;
  /** The anchor week's Monday (YYYY-MM-DD); default: this week's Monday in each organisation's zone. */
  anchor?: string;
  /** The engine's "now": materialized_until = max(now + horizon, first start + 28 days), as on create. */
  now: Date;
  passwordHash: string;
  /** Patient logins for the first N patients of each organisation. */
  patientUsers: number;
  /** VACUUM (ANALYZE) the tables afterwards (what autovacuum would have done on a live database). */
  vacuum?: boolean;
  /** Told how long each statement took. */
  onStep?: (step: string, ms: number) => void;
}

export interface GenerateResult {
  organizations: number;
  patients: number;
  events: number;
  occurrences: number;
  occurrencePatients: number;
  /** Milliseconds: the inserts (one transaction) and the VACUUM (ANALYZE) after it. */
  insertMs: number;
  vacuumMs: number;
}

export const GROUP_EVERY = 50;
export const GROUP_TITLE = "Group session";
export const GROUP_SIZE = 10;
export const COHORT_SIZE = 100;
/** lib/events/horizon.ts HORIZON_WEEKS, in seconds (kept here so the generator needs no server module). */
const HORIZON_SECONDS = 26 * 7 * 86_400;

/** Data sizes: the same organisations, patients and views; only the span of weeks (and so the volume) changes. */
export const SCALES = {
  "100k": { weeks: 6, weeksBefore: 1 },
  "1m": { weeks: 52, weeksBefore: 26 },
  "10m": { weeks: 520, weeksBefore: 494 },
} as const;
export type ScaleName = keyof typeof SCALES;

/** The seed's scenario: ten organisations, one with 5,000 patients and nine with 500. */
export function seedOrganizations(): BenchOrganizationSpec[] {
  const zones = [
    "Europe/London", "America/Chicago", "America/Los_Angeles", "Europe/Berlin", "Australia/Sydney",
    "Asia/Tokyo", "America/Denver", "Europe/Paris", "America/Sao_Paulo",
  ];
  return [
    { patients: 5000, timeZone: "America/New_York", name: "Bench Health (5,000 patients)" },
    ...zones.map((timeZone, i) => ({ patients: 500, timeZone, name: `Bench Clinic ${i + 1}` })),
  ];
}

const FIRST = ["Ada", "Ben", "Chloe", "Dev", "Elena", "Farid", "Grace", "Hugo", "Iris", "Jonas", "Keiko", "Liam", "Maya", "Noah", "Olga", "Pedro", "Quinn", "Rosa", "Sami", "Tara", "Umar", "Vera", "Wes", "Xia", "Yusuf", "Zoe"];
const LAST = ["Adams", "Baker", "Costa", "Diaz", "Evans", "Fischer", "Garcia", "Hughes", "Ivanova", "Jensen", "Kowalski", "Lopez", "Moreau", "Nakamura", "Okafor", "Patel", "Quist", "Rossi", "Schmidt", "Tanaka"];
const COLORS = ["#1a73e8", "#d93025", "#188038", "#e37400", "#9334e6", "#007b83", "#b31412", "#3949ab", "#c2185b", "#5f6368", "#0b8043", "#8e24aa"];
/** Appointment titles (the browser measurement finds appointments on screen by them). */
export const TITLES = ["Physiotherapy", "Check-in", "Nurse review", "Counselling", "Medication review", "Cardiology follow-up", "Dietitian", "Occupational therapy"];

/** Deletes the organisations `generate` made with this prefix (everything else cascades). */
export async function deleteGenerated(sql: Sql, slugPrefix: string): Promise<void> {
  await sql`DELETE FROM organizations WHERE slug LIKE ${`${slugPrefix}-%`}`;
}

export async function generate(sql: Sql, options: GenerateOptions): Promise<GenerateResult> {
  const { seed, slugPrefix, weeks, weeksBefore } = options;
  if (!Number.isInteger(weeks) || weeks < 1 || weeks > 10_000) throw new Error("weeks must be 1..10000");
  if (options.anchor && !/^\d{4}-\d{2}-\d{2}$/.test(options.anchor)) throw new Error("anchor must be YYYY-MM-DD");
  const orgs = options.organizations.map((o, i) => ({ i, patients: o.patients, tz: o.timeZone, name: o.name }));
  const now = options.now.toISOString();
  const started = Date.now();

  const timed = async <T>(step: string, run: () => Promise<T>): Promise<T> => {
    const at = Date.now();
    const out = await run();
    options.onStep?.(step, Date.now() - at);
    return out;
  };
  const counts = await sql.begin(async (tx) => {
    // Consistent by construction: skip the per-row foreign-key triggers when allowed (superuser).
    const [role] = await tx<{ super: boolean }[]>`SELECT rolsuper AS super FROM pg_roles WHERE rolname = current_user`;
    if (role?.super) await tx`SET LOCAL session_replication_role = replica`;
    await tx`SET LOCAL synchronous_commit = off`;
    await tx.unsafe(`
      CREATE OR REPLACE FUNCTION pg_temp.bench_hash(k text) RETURNS bigint LANGUAGE sql IMMUTABLE AS
        $$ SELECT ('x' || substr(md5(k), 1, 12))::bit(48)::bigint $$;
      CREATE OR REPLACE FUNCTION pg_temp.bench_uuid(k text) RETURNS uuid LANGUAGE sql IMMUTABLE AS $$
        SELECT (substr(h, 1, 8) || '-' || substr(h, 9, 4) || '-4' || substr(h, 14, 3) || '-'
          || substr('89ab', get_byte(decode(substr(h, 17, 2), 'hex'), 0) % 4 + 1, 1) || substr(h, 19, 3) || '-'
          || substr(h, 21, 12))::uuid
        FROM (SELECT md5(k) AS h) s $$;
    `);

    await timed("organisations (temp)", () => tx`
      CREATE TEMP TABLE bench_org ON COMMIT DROP AS
      SELECT o.i, pg_temp.bench_uuid(${seed} || ':org:' || o.i) AS id, ${slugPrefix} || '-' || o.i AS slug,
             o.name, o.tz, o.patients,
             pg_temp.bench_uuid(${seed} || ':staff:' || o.i) AS staff_id,
             coalesce(${options.anchor ?? null}::date, date_trunc('week', ${now}::timestamptz AT TIME ZONE o.tz)::date) AS monday
      FROM jsonb_to_recordset(${JSON.stringify(orgs)}::text::jsonb) AS o(i int, patients int, tz text, name text)`);
    await timed("organizations", () => tx`
      INSERT INTO organizations (id, name, slug, time_zone)
      SELECT id, name, slug, tz FROM bench_org ORDER BY i`);

    await timed("patients (temp)", () => tx`
      CREATE TEMP TABLE bench_patient ON COMMIT DROP AS
      SELECT o.i AS org_i, p, pg_temp.bench_uuid(${seed} || ':patient:' || o.i || ':' || p) AS id, o.id AS org_id, o.slug
      FROM bench_org o, generate_series(0, o.patients - 1) AS p`);
    await timed("patients", () => tx`
      INSERT INTO patients (id, org_id, external_id, name, date_of_birth, color)
      SELECT id, org_id, slug || '-' || lpad(p::text, 5, '0'),
             (${FIRST}::text[])[1 + pg_temp.bench_hash(${seed} || ':first:' || id) % ${FIRST.length}] || ' '
               || (${LAST}::text[])[1 + pg_temp.bench_hash(${seed} || ':last:' || id) % ${LAST.length}],
             (date '1940-01-01' + (pg_temp.bench_hash(${seed} || ':born:' || id) % 25000)::int)::date,
             (${COLORS}::text[])[1 + p % ${COLORS.length}]
      FROM bench_patient ORDER BY org_i, p`);

    await timed("users", () => tx`
      INSERT INTO users (id, org_id, email, name, role, password_hash, patient_id)
      SELECT staff_id, id, 'staff@' || slug || '.test', 'Bench staff ' || i, 'staff'::user_role, ${options.passwordHash}, NULL::uuid FROM bench_org
      UNION ALL
      SELECT pg_temp.bench_uuid(${seed} || ':admin:' || i), id, 'admin@' || slug || '.test', 'Bench admin ' || i, 'admin'::user_role,
             ${options.passwordHash}, NULL::uuid FROM bench_org
      UNION ALL
      SELECT pg_temp.bench_uuid(${seed} || ':user:' || id), org_id, 'patient' || p || '@' || slug || '.test', 'Bench patient ' || p,
             'patient'::user_role, ${options.passwordHash}, id FROM bench_patient WHERE p < ${options.patientUsers}`);

    await timed("cohorts", () => tx`
      INSERT INTO cohorts (id, org_id, name)
      SELECT pg_temp.bench_uuid(${seed} || ':cohort:' || o.i || ':' || c), o.id, 'Cohort ' || lpad((c + 1)::text, 3, '0')
      FROM bench_org o, generate_series(0, o.patients / ${COHORT_SIZE} - 1) AS c`);
    await timed("cohort_members", () => tx`
      INSERT INTO cohort_members (cohort_id, patient_id)
      SELECT pg_temp.bench_uuid(${seed} || ':cohort:' || p.org_i || ':' || (p.p / ${COHORT_SIZE})), p.id
      FROM bench_patient p JOIN bench_org o ON o.i = p.org_i
      WHERE p.p < (o.patients / ${COHORT_SIZE}) * ${COHORT_SIZE}`);

    // The series: two per patient on distinct weekdays, and one group session per GROUP_EVERY patients.
    await timed("series (temp)", () => tx`
      CREATE TEMP TABLE bench_series ON COMMIT DROP AS
      WITH individual AS (
        SELECT p.org_i, p.org_id, 'p:' || p.org_i || ':' || p.p || ':' || k AS key, ARRAY[p.id] AS patient_ids, false AS grp,
               CASE WHEN k = 0 THEN p.d1 ELSE (p.d1 + 1 + p.h2 % 6) % 7 END AS dow
        FROM (SELECT *, pg_temp.bench_hash(${seed} || ':d1:' || id) % 7 AS d1, pg_temp.bench_hash(${seed} || ':d2:' || id) AS h2
              FROM bench_patient) p, generate_series(0, 1) AS k
      ), grp AS (
        SELECT m.org_i, m.org_id, 'g:' || m.org_i || ':' || m.g AS key, array_agg(m.id ORDER BY m.p) AS patient_ids, true AS grp,
               pg_temp.bench_hash(${seed} || ':gd:' || m.org_i || ':' || m.g) % 7 AS dow
        FROM (SELECT p.*, p.p / ${GROUP_EVERY} AS g FROM bench_patient p JOIN bench_org o ON o.i = p.org_i
              WHERE p.p % ${GROUP_EVERY} % ${GROUP_EVERY / GROUP_SIZE} = 0
                AND p.p < (o.patients / ${GROUP_EVERY}) * ${GROUP_EVERY}) m
        GROUP BY m.org_i, m.org_id, m.g
      ), s AS (
        SELECT *, pg_temp.bench_hash(${seed} || ':h:' || key) AS h FROM (SELECT * FROM individual UNION ALL SELECT * FROM grp) u
      )
      SELECT pg_temp.bench_uuid(${seed} || ':event:' || s.key) AS id, s.org_i, s.org_id, o.tz, o.staff_id, s.patient_ids,
             CASE WHEN s.grp THEN ${GROUP_TITLE} ELSE (${TITLES}::text[])[1 + s.h % ${TITLES.length}] END AS title,
             CASE WHEN NOT s.grp AND s.h / 7 % 4 = 0 THEN 'Bring your medication list.' END AS description,
             CASE WHEN s.grp THEN 'Hall ' || (1 + s.h / 11 % 3) ELSE 'Room ' || (1 + s.h / 11 % 24) END AS location,
             o.monday - ${weeksBefore * 7}::int + s.dow::int AS first_date,
             time '08:00' + (s.h / 13 % 40) * interval '15 minutes' AS local_time,
             make_interval(mins => CASE WHEN s.grp THEN 60 ELSE (ARRAY[30, 45, 60])[1 + s.h / 17 % 3] END) AS duration,
             'FREQ=WEEKLY;BYDAY=' || (ARRAY['MO', 'TU', 'WE', 'TH', 'FR', 'SA', 'SU'])[1 + s.dow::int] || ';COUNT=' || ${weeks}::int AS rrule
      FROM s JOIN bench_org o ON o.i = s.org_i`);
    await timed("series columns", () => tx`
      ALTER TABLE bench_series ADD COLUMN start_at timestamptz, ADD COLUMN materialized_until timestamptz,
        ADD COLUMN series_end timestamptz`);
    await timed("series start/end", () => tx`
      UPDATE bench_series SET start_at = (first_date + local_time) AT TIME ZONE tz,
        series_end = ((first_date + ${(weeks - 1) * 7}::int) + local_time) AT TIME ZONE tz + duration`);
    await timed("series horizon", () => tx`
      UPDATE bench_series SET materialized_until = greatest(
        ${now}::timestamptz + make_interval(secs => ${HORIZON_SECONDS}), start_at + make_interval(secs => 28 * 86400))`);

    // Created in series order, as the API would: the heap is not clustered by time (no flattering of Postgres).
    await timed("events", () => tx`
      INSERT INTO events (id, org_id, title, description, location, start_at, end_at, all_day, time_zone, rrule,
                          materialized_until, series_end, version, revision, created_by)
      SELECT id, org_id, title, description, location, start_at, start_at + duration, false, tz, rrule,
             materialized_until, series_end, 1, 1, staff_id
      FROM bench_series ORDER BY org_i, id`);
    await timed("event_patients", () => tx`
      INSERT INTO event_patients (event_id, patient_id)
      SELECT s.id, p.patient_id FROM bench_series s, unnest(s.patient_ids) AS p(patient_id) ORDER BY s.org_i, s.id`);
    const occurrences = await timed("occurrences", () => tx`
      INSERT INTO occurrences (org_id, event_id, original_start, start_at, end_at, all_day, time_zone, title, description,
                               location, patient_ids, recurring, rrule, version)
      SELECT s.org_id, s.id, x.at, x.at, x.at + s.duration, false, s.tz, s.title, s.description, s.location, s.patient_ids,
             true, s.rrule, 1
      FROM (SELECT * FROM bench_series ORDER BY org_i, id) s, generate_series(0, ${weeks - 1}::int) AS w,
           LATERAL (SELECT ((s.first_date + 7 * w) + s.local_time) AT TIME ZONE s.tz AS at) x
      WHERE x.at < s.materialized_until`);
    const links = await timed("occurrence_patients", () => tx`
      INSERT INTO occurrence_patients (patient_id, start_at, event_id, original_start)
      SELECT p.patient_id, x.at, s.id, x.at
      FROM (SELECT * FROM bench_series ORDER BY org_i, id) s, generate_series(0, ${weeks - 1}::int) AS w,
           LATERAL (SELECT ((s.first_date + 7 * w) + s.local_time) AT TIME ZONE s.tz AS at) x,
           unnest(s.patient_ids) AS p(patient_id)
      WHERE x.at < s.materialized_until`);
    await timed("max_occurrence_ms", () => tx`
      UPDATE organizations org SET max_occurrence_ms = m.longest
      FROM (SELECT org_id, max(extract(epoch FROM duration) * 1000)::bigint AS longest FROM bench_series GROUP BY org_id) m
      WHERE org.id = m.org_id`);

    const [totals] = await tx<{ organizations: number; patients: number; events: number }[]>`
      SELECT (SELECT count(*) FROM bench_org)::int AS organizations, (SELECT count(*) FROM bench_patient)::int AS patients,
             (SELECT count(*) FROM bench_series)::int AS events`;
    return { ...totals!, occurrences: occurrences.count, occurrencePatients: links.count };
  });
  const insertMs = Date.now() - started;

  const vacuumStarted = Date.now();
  if (options.vacuum) {
    await sql`VACUUM (ANALYZE) organizations, patients, users, cohorts, cohort_members, events, event_patients, occurrences, occurrence_patients`;
  }
  return { ...counts, insertMs, vacuumMs: Date.now() - vacuumStarted };
}
