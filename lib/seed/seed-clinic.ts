import "server-only";
import { db } from "@/lib/db/client";
import { zonedInstant } from "@/lib/time/zones";
import { demoPlan } from "./demo-plan";

const CLINIC = {
  clinicians: [
    { name: "Dr Amara Okafor", color: "#188038" },
    { name: "Dr Jonas Lindqvist", color: "#9334e6" },
  ],
  rooms: [
    { name: "Consulting room 1", color: "#007b83" },
    { name: "Consulting room 2", color: "#e37400" },
    { name: "Gym", color: "#b80672" },
  ],
  types: [
    { name: "Initial assessment", minutes: 60, color: "#c5221f" },
    { name: "Follow-up", minutes: 30, color: "#1a73e8" },
    { name: "Group session", minutes: 90, color: "#5f6368" },
  ],
};

/**
 * Gives each demo organisation clinicians (the first linked to its staff login), rooms, appointment types,
 * Monday-to-Friday working hours and the coming New Year's Day as a closure (issue 11), once: an
 * organisation that already has resources is left as it is. Returns how many organisations it set up.
 */
export async function seedClinicSetup(now: Date): Promise<number> {
  const sql = db().$sql;
  let added = 0;
  for (const plan of demoPlan) {
    const done = await sql.begin(async (tx) => {
      const [org] = await tx<{ id: string; time_zone: string }[]>`SELECT id, time_zone FROM organizations WHERE slug = ${plan.slug} FOR UPDATE`;
      if (!org) return false;
      const [existing] = await tx`SELECT 1 FROM resources WHERE org_id = ${org.id} LIMIT 1`;
      if (existing) return false;
      const staffEmail = plan.accounts.find((a) => a.role === "staff")?.email ?? "";
      const [staff] = await tx<{ id: string }[]>`SELECT id FROM users WHERE lower(email) = lower(${staffEmail})`;
      for (const [i, c] of CLINIC.clinicians.entries()) {
        const [row] = await tx<{ id: string }[]>`
          INSERT INTO resources (org_id, kind, name, color, user_id)
          VALUES (${org.id}, 'clinician', ${c.name}, ${c.color}, ${i === 0 ? (staff?.id ?? null) : null}) RETURNING id`;
        for (const weekday of [1, 2, 3, 4, 5]) {
          await tx`INSERT INTO working_hours (org_id, resource_id, weekday, start_time, end_time)
                   VALUES (${org.id}, ${row!.id}, ${weekday}, '08:00', '18:00')`;
        }
      }
      for (const r of CLINIC.rooms) await tx`INSERT INTO resources (org_id, kind, name, color) VALUES (${org.id}, 'room', ${r.name}, ${r.color})`;
      for (const t of CLINIC.types) {
        await tx`INSERT INTO appointment_types (org_id, name, duration_minutes, color) VALUES (${org.id}, ${t.name}, ${t.minutes}, ${t.color})`;
      }
      const year = Number(new Intl.DateTimeFormat("en-CA", { timeZone: org.time_zone, year: "numeric" }).format(now)) + 1;
      const start = zonedInstant(`${year}-01-01`, "00:00", org.time_zone);
      const end = zonedInstant(`${year}-01-02`, "00:00", org.time_zone);
      await tx`INSERT INTO closures (org_id, title, start_at, end_at, all_day)
               VALUES (${org.id}, 'New Year''s Day', ${start.toISOString()}, ${end.toISOString()}, true)`;
      return true;
    });
    if (done) added += 1;
  }
  return added;
}
