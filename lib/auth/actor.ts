import { forbidden } from "@/lib/errors";

export type Role = "admin" | "staff" | "patient";

/** The acting user, as every data function receives it. */
export interface Actor {
  userId: string;
  orgId: string;
  role: Role;
  /** Set for patients: the only patient whose data they may read. */
  patientId: string | null;
  /** The time zone the user's views default to (user's own, else the organisation's). */
  timeZone: string;
  /** The organisation's time zone: the one the Redis index pre-formats times in. */
  orgTimeZone: string;
}

export const isStaff = (actor: Actor) => actor.role === "admin" || actor.role === "staff";

/** For work only clinic staff may do: a 403 for patients. */
export function requireStaff(actor: Actor, message = "Only clinic staff can do that"): void {
  if (!isStaff(actor)) throw forbidden(message);
}
