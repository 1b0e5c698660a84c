"use client";

import { signIn } from "next-auth/react";
import { useRouter } from "next/navigation";
import { useState, type FormEvent } from "react";

export function LoginForm({ notice }: { notice?: string }) {
  const router = useRouter();
  const [error, setError] = useState<string | null>(null);
  const [pending, setPending] = useState(false);

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    setPending(true);
    setError(null);
    const result = await signIn("credentials", {
      email: String(form.get("email") ?? ""),
      password: String(form.get("password") ?? ""),
      redirect: false,
    });
    setPending(false);
    if (!result || result.error) {
      setError(
        result?.status === 429
          ? "Too many attempts. Wait a moment and try again."
          : result?.status === 503
            ? "Sign-in is unavailable right now. Try again shortly."
            : result?.status === 403
              ? "Sign-in was refused. Reload the page and try again."
              : "Wrong email or password.",
      );
      return;
    }
    router.replace("/");
    router.refresh();
  }

  return (
    <form className="login" onSubmit={onSubmit} aria-labelledby="login-title">
      <h1 id="login-title">Sign in to Cohort Calendar</h1>
      {notice && (
        <p role="status" className="notice">
          {notice}
        </p>
      )}
      <label htmlFor="email">Email</label>
      <input id="email" name="email" type="email" autoComplete="username" required />
      <label htmlFor="password">Password</label>
      <input id="password" name="password" type="password" autoComplete="current-password" required />
      {error && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
      <button type="submit" className="primary" disabled={pending}>
        {pending ? "Signing in…" : "Sign in"}
      </button>
    </form>
  );
}
