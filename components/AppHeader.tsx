import Link from "next/link";
import { SignOutButton } from "@/components/auth/SignOutButton";
import type { Role } from "@/lib/auth/actor";

export function AppHeader({ title, subtitle, role }: { title: string; subtitle: string; role?: Role }) {
  return (
    <header className="app-header">
      <h1>{title}</h1>
      <span className="who">{subtitle}</span>
      <span className="spacer" />
      {role && (
        <nav aria-label="Main" className="app-nav">
          <Link href={role === "patient" ? "/my-calendar" : "/calendar"}>Calendar</Link>
          {role === "admin" && <Link href="/admin/users">Users</Link>}
          {role === "admin" && <Link href="/admin/audit">Audit log</Link>}
          <Link href="/account">Account</Link>
        </nav>
      )}
      <SignOutButton />
    </header>
  );
}
