import type { Actor } from "./actor";

/** Staff and admins land on the cohort calendar, patients on their personal calendar. */
export const homePathFor = (actor: Pick<Actor, "role">) => (actor.role === "patient" ? "/my-calendar" : "/calendar");
