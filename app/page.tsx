import { redirect } from "next/navigation";
import { findActor } from "@/lib/auth/get-actor";
import { homePathFor } from "@/lib/auth/home-path";

export const dynamic = "force-dynamic";

export default async function Home() {
  const actor = await findActor();
  redirect(actor ? homePathFor(actor) : "/login");
}
