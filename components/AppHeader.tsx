import Link from "next/link";
import { SignOutButton } from "@/components/auth/SignOutButton";
import type { Role } from "@/lib/auth/actor";

const STAFF_LINKS = [
  { href: "/calendar", label: "Calendar" },
  { href: "/cohorts", label: "Cohorts" },
  { href: "/patients", label: "Patients" },
  { href: "/day-sheet", label: "Day sheet" },
  { href: "/reports", label: "Reports" },
];

interface AppHeaderProps {
  title: string;
  subtitle: string;
  /** Staff pages link to each other. */
  nav?: "staff";
  current?: string;
  /** The signed-in user's role: adds the pages of that role (admin: users, audit log) and the account page. */
  role?: Role;
}

function linksFor(nav: AppHeaderProps["nav"], role: Role | undefined) {
  const links = nav === "staff" || role === "admin" || role === "staff" ? [...STAFF_LINKS] : [];
  if (role === "patient") links.push({ href: "/my-calendar", label: "My calendar" });
  if (role === "admin") {
    links.push(
      { href: "/clinic", label: "Clinic setup" },
      { href: "/admin/users", label: "Users" },
      { href: "/admin/audit", label: "Audit log" },
      { href: "/admin/reminders", label: "Reminders" },
      { href: "/admin/system", label: "System" },
      { href: "/admin/settings", label: "Settings" },
    );
  }
  if (role) links.push({ href: "/account", label: "Account" });
  return links;
}

export function AppHeader({ title, subtitle, nav, current, role }: AppHeaderProps) {
  const links = linksFor(nav, role);
  return (
    <header className="app-header">
      <h1>{title}</h1>
      <span className="who">{subtitle}</span>
      {links.length > 0 && (
        <nav aria-label="Main">
          {/* No prefetch: every page here is dynamic, so prefetching meant a server render per link (a
              dozen for an admin) on every page load, competing with the page's own first data. */}
          {links.map((link) => (
            <Link key={link.href} href={link.href} prefetch={false} aria-current={link.href === current ? "page" : undefined}>
              {link.label}
            </Link>
          ))}
        </nav>
      )}
      <span className="spacer" />
      <SignOutButton />
    </header>
  );
}
