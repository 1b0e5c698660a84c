import Link from "next/link";
import { SignOutButton } from "@/components/auth/SignOutButton";

const STAFF_LINKS = [
  { href: "/calendar", label: "Calendar" },
  { href: "/cohorts", label: "Cohorts" },
];

interface AppHeaderProps {
  title: string;
  subtitle: string;
  /** Staff pages link to each other. */
  nav?: "staff";
  current?: string;
}

export function AppHeader({ title, subtitle, nav, current }: AppHeaderProps) {
  return (
    <header className="app-header">
      <h1>{title}</h1>
      <span className="who">{subtitle}</span>
      {nav === "staff" && (
        <nav aria-label="Main">
          {STAFF_LINKS.map((link) => (
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
