// Measures appointment search (issue 11) at scale: a throwaway database with one organisation of 5,000
// patients, 100 clinicians, 50 rooms and 1,000,000 occurrences over a year, then each search field over a
// month and over the whole year, through searchAppointments itself. Usage (DATABASE_URL names a server the
// script may create a database on):   npx tsx --conditions=react-server scripts/measure-search.ts
// KEEP=1 keeps the database afterwards and reuses it on the next run.
import postgres from "postgres";

const base = new URL(process.env.DATABASE_URL ?? "postgres://postgres@127.0.0.1:54329/cohort");
const name = "cohort_search_measure";
const keep = process.env.KEEP === "1";
const admin = postgres({ host: base.hostname, port: Number(base.port), username: decodeURIComponent(base.username), database: "postgres", onnotice: () => {} });
const [existing] = await admin`SELECT 1 FROM pg_database WHERE datname = ${name}`;
const reuse = keep && !!existing;
if (!reuse) {
  await admin.unsafe(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  await admin.unsafe(`CREATE DATABASE ${name}`);
}
await admin.end();
base.pathname = `/${name}`;
process.env.DATABASE_URL = base.toString();
// Generating a million rows takes longer than a request may: no statement timeout for this script.
process.env.DB_STATEMENT_TIMEOUT_MS = "0";

const { runMigrations } = await import("@/lib/db/migrate");
const { db, closeDb } = await import("@/lib/db/client");
const { searchAppointments } = await import("@/lib/search/search-appointments");
await runMigrations();
const sql = db().$sql;
const { orgId, userId } = reuse ? await existingOrg() : await generate();

async function existingOrg() {
  const [row] = await sql<{ org_id: string; id: string }[]>`SELECT org_id, id FROM users WHERE email = 'measure@example.test'`;
  return { orgId: row!.org_id, userId: row!.id };
}

async function generate() {
const started = Date.now();
const [org] = await sql<{ id: string }[]>`INSERT INTO organizations (name, slug, time_zone) VALUES ('Measure', 'measure', 'America/New_York') RETURNING id`;
const orgId = org!.id;
const [user] = await sql<{ id: string }[]>`
  INSERT INTO users (org_id, email, name, role, password_hash) VALUES (${orgId}, 'measure@example.test', 'Measure', 'staff', 'x') RETURNING id`;
await sql`
  INSERT INTO patients (org_id, name, color)
  SELECT ${orgId}, (ARRAY['Ada','Ben','Cleo','Dev','Eli','Fay','Gus','Hana','Ivo','June'])[1 + i % 10] || ' ' ||
         (ARRAY['Adams','Baker','Clark','Diaz','Evans','Fox','Garcia','Hughes','Ito','Jones','Khan','Lopez','Moore','Nagy','Olsen'])[1 + (i / 10) % 15] || ' ' || i,
         '#1a73e8'
  FROM generate_series(1, 5000) AS i`;
await sql`INSERT INTO resources (org_id, kind, name, color) SELECT ${orgId}, 'clinician', 'Dr Clinician ' || i, '#188038' FROM generate_series(1, 100) AS i`;
await sql`INSERT INTO resources (org_id, kind, name, color) SELECT ${orgId}, 'room', 'Room ' || i, '#9334e6' FROM generate_series(1, 50) AS i`;
// One single event per occurrence (the occurrences table is what search reads). 2,740 a day for a year:
// the first 1,600 of each day hold a clinician (16 half-hour slots each), the first 800 also a room.
await sql`
  CREATE TEMP TABLE plan AS
  SELECT i, gen_random_uuid() AS event_id,
         timestamptz '2031-01-01 13:00Z' + ((i / 2740) * interval '1 day') + (((i % 2740) % 16) * interval '30 minutes') AS start_at,
         (i % 2740) < 1600 AS with_clinician, (i % 2740) < 800 AS with_room, (i % 2740) / 16 AS slot_owner,
         (ARRAY['Physiotherapy','Follow-up','Initial assessment','Group session','Hydrotherapy','Review','Check-up','Wound care',
                'Occupational therapy','Dietitian','Cardiac rehab','Breathing class','Gait training','Medication review'])[1 + i % 14]
           || CASE WHEN i % 50000 = 7 THEN ' Zebrafish' ELSE '' END AS title,
         1 + (i::bigint * 7919) % 5000 AS patient_no
  FROM generate_series(0, 999999) AS i`;
const clinicians = await sql<{ id: string }[]>`SELECT id FROM resources WHERE org_id = ${orgId} AND kind = 'clinician' ORDER BY name`;
const rooms = await sql<{ id: string }[]>`SELECT id FROM resources WHERE org_id = ${orgId} AND kind = 'room' ORDER BY name`;
const patientIds = await sql<{ id: string }[]>`SELECT id FROM patients WHERE org_id = ${orgId} ORDER BY name`;
await sql`CREATE TEMP TABLE ids AS SELECT * FROM unnest(${clinicians.map((c) => c.id)}::uuid[]) WITH ORDINALITY AS c(id, n)`;
await sql`CREATE TEMP TABLE rids AS SELECT * FROM unnest(${rooms.map((c) => c.id)}::uuid[]) WITH ORDINALITY AS r(id, n)`;
await sql`CREATE TEMP TABLE pids AS SELECT * FROM unnest(${patientIds.map((c) => c.id)}::uuid[]) WITH ORDINALITY AS p(id, n)`;
await sql`
  INSERT INTO events (id, org_id, title, start_at, end_at, time_zone, created_by)
  SELECT event_id, ${orgId}, title, start_at, start_at + interval '30 minutes', 'America/New_York', ${user!.id} FROM plan`;
await sql`
  INSERT INTO occurrences (org_id, event_id, original_start, start_at, end_at, all_day, time_zone, title, patient_ids, recurring, version, clinician_id, room_id)
  SELECT ${orgId}, p.event_id, p.start_at, p.start_at, p.start_at + interval '30 minutes', false, 'America/New_York', p.title,
         ARRAY[pid.id], false, 1,
         CASE WHEN p.with_clinician THEN c.id END, CASE WHEN p.with_room THEN r.id END
  FROM plan p JOIN pids pid ON pid.n = p.patient_no
  LEFT JOIN ids c ON c.n = p.slot_owner + 1 LEFT JOIN rids r ON r.n = p.slot_owner + 1`;
await sql`
  INSERT INTO occurrence_patients (patient_id, start_at, event_id, original_start)
  SELECT patient_ids[1], start_at, event_id, original_start FROM occurrences WHERE org_id = ${orgId}`;
await sql`ANALYZE`;
console.log(`generated 1,000,000 occurrences in ${((Date.now() - started) / 1000).toFixed(0)} s`);
return { orgId, userId: user!.id };
}

const actor = { userId, orgId, role: "staff" as const, patientId: null, timeZone: "America/New_York", orgTimeZone: "America/New_York" };
const cases: [string, string][] = [
  ["patient", "Ada Adams 1"],
  ["title", "hydrotherapy"],
  ["title", "zebrafish"],
  ["clinician", "Clinician 42"],
  ["room", "Room 7"],
  ["any", "Garcia 3"],
];
const ranges: [string, string, string][] = [
  ["a month", "2031-03-01", "2031-04-01"],
  ["a year", "2031-01-01", "2031-12-31"],
];
for (const [range, start, end] of ranges) {
  for (const [field, q] of cases) {
    await searchAppointments(actor, { q, field, start, end });
    const times: number[] = [];
    let count = 0;
    for (let i = 0; i < 5; i += 1) {
      const t0 = performance.now();
      count = (await searchAppointments(actor, { q, field, start, end })).count;
      times.push(performance.now() - t0);
    }
    times.sort((a, b) => a - b);
    console.log(`${range.padEnd(8)} ${field.padEnd(9)} ${JSON.stringify(q).padEnd(16)} ${String(count).padStart(3)} results  median ${times[2]!.toFixed(1)} ms`);
  }
}
await closeDb();
if (keep) process.exit(0);
const drop = postgres({ host: base.hostname, port: Number(base.port), username: decodeURIComponent(base.username), database: "postgres", onnotice: () => {} });
await drop.unsafe(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
await drop.end();
