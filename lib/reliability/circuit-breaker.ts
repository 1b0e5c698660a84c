/**
 * A circuit breaker for one dependency. Closed, it lets calls through and counts consecutive failures;
 * at the threshold (or when told the connection is gone) it opens: callers are refused at once instead
 * of each waiting for a timeout, and a probe asks the dependency every `probeIntervalMs`. The first
 * probe that answers closes it again (the probe is the half-open step: no caller is risked on it).
 *
 * No `server-only` here: it touches nothing itself, and the unit test drives it with fake probes.
 */
export type BreakerState = "closed" | "open";

export interface BreakerOptions {
  failureThreshold: number;
  probeIntervalMs: number;
  /** Resolves when the dependency answers; rejects (or never settles in time) when it does not. */
  probe: () => Promise<unknown>;
  /** Told about every change (for logs and metrics). */
  onChange?: (state: BreakerState, reason: string) => void;
  now?: () => number;
}

export interface BreakerStats {
  name: string;
  state: BreakerState;
  /** How often it opened since the process started. */
  opened: number;
  /** Calls refused while open. */
  rejected: number;
  /** Failures counted (timeouts, lost connections). */
  failures: number;
  /** Milliseconds spent open, the current period included. */
  openMs: number;
}

export class CircuitBreaker {
  private current: BreakerState = "closed";
  private consecutive = 0;
  private openedAt = 0;
  private openTotal = 0;
  private timer: ReturnType<typeof setInterval> | undefined;
  private probing = false;
  private readonly counts = { opened: 0, rejected: 0, failures: 0 };

  constructor(
    readonly name: string,
    private readonly options: BreakerOptions,
  ) {}

  get state(): BreakerState {
    return this.current;
  }

  /** True when a call may go through; counts a refusal otherwise. */
  allow(): boolean {
    if (this.current === "closed") return true;
    this.counts.rejected += 1;
    return false;
  }

  success(): void {
    this.consecutive = 0;
  }

  failure(reason = "failure"): void {
    this.counts.failures += 1;
    this.consecutive += 1;
    if (this.current === "closed" && this.consecutive >= this.options.failureThreshold) {
      this.open(`${this.consecutive} consecutive failures (last: ${reason})`);
    }
  }

  open(reason: string): void {
    if (this.current === "open") return;
    this.current = "open";
    this.counts.opened += 1;
    this.openedAt = this.now();
    this.options.onChange?.("open", reason);
    this.timer = setInterval(() => void this.runProbe(), this.options.probeIntervalMs);
    this.timer.unref?.();
  }

  close(reason: string): void {
    if (this.current === "closed") return;
    clearInterval(this.timer);
    this.timer = undefined;
    this.openTotal += this.now() - this.openedAt;
    this.current = "closed";
    this.consecutive = 0;
    this.options.onChange?.("closed", reason);
  }

  /** Probes now (e.g. when the client reports that its connection is back). */
  async runProbe(): Promise<void> {
    if (this.current === "closed" || this.probing) return;
    this.probing = true;
    try {
      await this.options.probe();
      this.close("probe answered");
    } catch {
      // still away: the next tick probes again
    } finally {
      this.probing = false;
    }
  }

  stats(): BreakerStats {
    const openMs = this.openTotal + (this.current === "open" ? this.now() - this.openedAt : 0);
    return { name: this.name, state: this.current, ...this.counts, openMs };
  }

  /** Stops the probe timer (the client is being closed). */
  dispose(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  private now(): number {
    return (this.options.now ?? Date.now)();
  }
}
