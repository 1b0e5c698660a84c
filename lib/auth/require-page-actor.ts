import "server-only";
import { redirect } from "next/navigation";
import type { Actor, Role } from "./actor";
import { findActor } from "./get-actor";
import { homePathFor } from "./home-path";

/** For pages: the actor, or a redirect to login (no session) or to the actor's own home (wrong role). */
export async function requirePageActor(roles: Role[]): Promise<Actor> {
  const actor = await findActor();
  if (!actor) redirect("/login");
  if (!roles.includes(actor.role)) redirect(homePathFor(actor));
  return actor;
}
