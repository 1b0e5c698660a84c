import { SignOutButton } from "@/components/auth/SignOutButton";

export function AppHeader({ title, subtitle }: { title: string; subtitle: string }) {
  return (
    <header className="app-header">
      <h1>{title}</h1>
      <span className="who">{subtitle}</span>
      <span className="spacer" />
      <SignOutButton />
    </header>
  );
}
