/**
 * A signed-in HTTP client for the fault tests (fetch with the session cookie), which times every
 * request. Requests never throw: a refused or reset connection is recorded as status 0.
 */
export interface Timed<T = unknown> {
  status: number;
  ms: number;
  body: T;
  text: string;
}

function cookiesOf(response: Response): string[] {
  return response.headers.getSetCookie().map((c) => c.split(";")[0]!);
}

export class Client {
  constructor(
    public baseUrl: string,
    /** The app's public origin (NEXTAUTH_URL): Origin checks compare it. */
    readonly origin: string,
    private cookies: string[] = [],
  ) {}

  /** The same session against another instance (they share Redis: any instance knows it). */
  at(baseUrl: string): Client {
    return new Client(baseUrl, this.origin, [...this.cookies]);
  }

  async login(email: string, password: string): Promise<Timed> {
    const csrf = await this.request<{ csrfToken: string }>("GET", "/api/auth/csrf");
    if (csrf.status !== 200) return csrf;
    const form = new URLSearchParams({ csrfToken: csrf.body.csrfToken, email, password, json: "true" });
    const started = performance.now();
    try {
      const response = await fetch(`${this.baseUrl}/api/auth/callback/credentials`, {
        method: "POST",
        headers: { "Content-Type": "application/x-www-form-urlencoded", Cookie: this.cookies.join("; "), Origin: this.origin },
        body: form,
        redirect: "manual",
      });
      const text = await response.text();
      this.remember(response);
      const signedIn = this.cookies.some((c) => c.includes("session-token="));
      // next-auth answers a failed sign-in with a redirect to the error page, not with an error status.
      const status = response.status < 400 && !signedIn ? 401 : response.status;
      return { status, ms: performance.now() - started, body: text, text };
    } catch {
      return { status: 0, ms: performance.now() - started, body: null, text: "" };
    }
  }

  /** The Cookie header this client sends (for streams opened by hand). */
  get cookieHeader(): string {
    return this.cookies.join("; ");
  }

  /** Signs out through next-auth (which revokes the Redis session); the status of its answer. */
  async signOut(): Promise<number> {
    const csrf = await this.request<{ csrfToken: string }>("GET", "/api/auth/csrf");
    try {
      const response = await fetch(`${this.baseUrl}/api/auth/signout`, {
        method: "POST",
        headers: { "Content-Type": "application/x-www-form-urlencoded", Cookie: this.cookies.join("; "), Origin: this.origin },
        body: new URLSearchParams({ csrfToken: csrf.body.csrfToken, json: "true" }),
        redirect: "manual",
      });
      await response.text();
      return response.status;
    } catch {
      return 0;
    }
  }

  get signedIn(): boolean {
    return this.cookies.some((c) => c.includes("session-token="));
  }

  async request<T = unknown>(method: string, path: string, body?: unknown): Promise<Timed<T>> {
    const started = performance.now();
    try {
      const response = await fetch(`${this.baseUrl}${path}`, {
        method,
        headers: {
          Cookie: this.cookies.join("; "),
          Origin: this.origin,
          ...(body === undefined ? {} : { "Content-Type": "application/json" }),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
        redirect: "manual",
      });
      const text = await response.text();
      this.remember(response);
      let parsed: unknown = text;
      try {
        parsed = text ? JSON.parse(text) : null;
      } catch {
        // not JSON: keep the text
      }
      return { status: response.status, ms: performance.now() - started, body: parsed as T, text };
    } catch {
      return { status: 0, ms: performance.now() - started, body: null as T, text: "" };
    }
  }

  private remember(response: Response) {
    for (const cookie of cookiesOf(response)) {
      const name = cookie.split("=")[0];
      this.cookies = [...this.cookies.filter((c) => c.split("=")[0] !== name), cookie];
    }
  }
}
