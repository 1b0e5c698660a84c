import { describe, expect, it, vi } from "vitest";
import { CircuitBreaker, type BreakerState } from "./circuit-breaker";

function breaker(probe: () => Promise<unknown>) {
  const changes: BreakerState[] = [];
  const b = new CircuitBreaker("test", { failureThreshold: 3, probeIntervalMs: 10, probe, onChange: (state) => changes.push(state) });
  return { b, changes };
}

describe("CircuitBreaker", () => {
  it("opens after the threshold of consecutive failures, and a success in between resets the count", () => {
    const { b, changes } = breaker(() => Promise.reject(new Error("down")));
    b.failure();
    b.failure();
    b.success();
    b.failure();
    b.failure();
    expect(b.state).toBe("closed");
    b.failure();
    expect(b.state).toBe("open");
    expect(changes).toEqual(["open"]);
    b.dispose();
  });

  it("refuses calls while open and counts them", () => {
    const { b } = breaker(() => Promise.reject(new Error("down")));
    b.open("connection closed");
    expect(b.allow()).toBe(false);
    expect(b.allow()).toBe(false);
    expect(b.stats()).toMatchObject({ state: "open", opened: 1, rejected: 2 });
    b.dispose();
  });

  it("probes while open and closes on the first answer, never while the dependency stays away", async () => {
    vi.useFakeTimers();
    try {
      let up = false;
      const probe = vi.fn(() => (up ? Promise.resolve("PONG") : Promise.reject(new Error("down"))));
      const { b, changes } = breaker(probe);
      b.open("test");
      await vi.advanceTimersByTimeAsync(35);
      expect(b.state).toBe("open");
      expect(probe.mock.calls.length).toBeGreaterThanOrEqual(3);
      up = true;
      await vi.advanceTimersByTimeAsync(10);
      expect(b.state).toBe("closed");
      expect(changes).toEqual(["open", "closed"]);
      expect(b.allow()).toBe(true);
      const calls = probe.mock.calls.length;
      await vi.advanceTimersByTimeAsync(100);
      expect(probe.mock.calls.length, "no probes while closed").toBe(calls);
    } finally {
      vi.useRealTimers();
    }
  });
});
