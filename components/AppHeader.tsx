import Link from "next/link";
import { SignOutButton } from "@/components/auth/SignOutButton";

const STAFF_LINKS = [
  { href: "/calendar", label: "Calendar" },
  { href: "/cohorts", label: "Cohorts" },
  { href: "/day-sheet", label: "Day sheet" },
  { href: "/reports", label: "Reports" },
];
const ADMIN_LINKS = [{ href: "/clinic", label: "Clinic setup" }];

interface AppHeaderProps {
  title: string;
  subtitle: string;
  /** Staff pages link to each other. */
  nav?: "staff";
  current?: string;
  /** Administrators also see the clinic's setup. */
  admin?: boolean;
}

export function AppHeader({ title, subtitle, nav, current, admin }: AppHeaderProps) {
  return (
    <header className="app-header">
      <h1>{title}</h1>
      <span className="who">{subtitle}</span>
      {nav === "staff" && (
        <nav aria-label="Main">
          {[...STAFF_LINKS, ...(admin ? ADMIN_LINKS : [])].map((link) => (
            <Link key={link.href} href={link.href} aria-current={link.href === current ? "page" : undefined}>
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
