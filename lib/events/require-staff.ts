import type { Actor } from "@/lib/auth/actor";
import { isStaff } from "@/lib/auth/actor";
import { forbidden } from "@/lib/errors";

export function requireStaff(actor: Actor): void {
  if (!isStaff(actor)) throw forbidden("Only clinic staff can change appointments");
}
