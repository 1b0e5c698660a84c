import "server-only";

/**
 * The first cache tier: feed bodies of recently read windows in this process's memory, so a hot
 * calendar costs no Redis or Postgres work beyond the session check. Correctness rests on invalidation:
 * every committed change is published on the organisation's live channel (and applied locally by the
 * writer at once); this tier drops the windows a change may touch, and serves nothing while its
 * subscription is down (messages could be missed then). A generation per organisation stops a read
 * that began before an invalidation from storing what it fetched.
 */
const MAX_BYTES = 64 * 1024 * 1024;
const MAX_AGE_MS = 30_000;

interface Entry {
  orgId: string;
  /** Null: the whole organisation, so any change of the organisation touches it. */
  patientIds: Set<string> | null;
  body: string | Buffer;
  bytes: number;
  expires: number;
}

class HotWindows {
  private entries = new Map<string, Entry>();
  private generations = new Map<string, number>();
  private bytes = 0;
  private live = false;
  private clears = 0;

  /** Whether invalidations are being received; while not, the tier is bypassed. */
  setLive(live: boolean): void {
    if (live && !this.live) this.clear();
    this.live = live;
  }

  isLive(): boolean {
    return this.live;
  }

  /**
   * Changes whenever invalidations may have been missed (the subscription came back, a message could not
   * be read): other in-process caches invalidated through the same channel compare it to what they held.
   */
  epoch(): number {
    return this.clears;
  }

  get(key: string, now = Date.now()): string | Buffer | undefined {
    if (!this.live) return undefined;
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    if (entry.expires <= now) {
      this.remove(key, entry);
      return undefined;
    }
    // Re-insert: Map order is the LRU order.
    this.entries.delete(key);
    this.entries.set(key, entry);
    return entry.body;
  }

  generation(orgId: string): number {
    return this.generations.get(orgId) ?? 0;
  }

  /** Stores a body read after `generation` was taken, unless the organisation changed meanwhile. */
  set(key: string, orgId: string, patientIds: string[] | null, body: string | Buffer, generation: number, now = Date.now()): void {
    if (!this.live || this.generation(orgId) !== generation) return;
    const bytes = typeof body === "string" ? body.length * 2 : body.byteLength;
    if (bytes > MAX_BYTES / 8) return;
    const previous = this.entries.get(key);
    if (previous) this.remove(key, previous);
    this.entries.set(key, { orgId, patientIds: patientIds ? new Set(patientIds) : null, body, bytes, expires: now + MAX_AGE_MS });
    this.bytes += bytes;
    for (const [oldest, entry] of this.entries) {
      if (this.bytes <= MAX_BYTES) break;
      this.remove(oldest, entry);
    }
  }

  /** Drops every window of the organisation that shows any of these patients (or the whole organisation). */
  invalidate(orgId: string, patientIds: string[]): void {
    this.generations.set(orgId, this.generation(orgId) + 1);
    for (const [key, entry] of this.entries) {
      if (entry.orgId !== orgId) continue;
      if (entry.patientIds === null || patientIds.some((id) => entry.patientIds!.has(id))) this.remove(key, entry);
    }
  }

  invalidateOrg(orgId: string): void {
    this.generations.set(orgId, this.generation(orgId) + 1);
    for (const [key, entry] of this.entries) if (entry.orgId === orgId) this.remove(key, entry);
  }

  clear(): void {
    this.clears += 1;
    this.entries.clear();
    this.bytes = 0;
    for (const orgId of this.generations.keys()) this.generations.set(orgId, this.generation(orgId) + 1);
  }

  private remove(key: string, entry: Entry): void {
    this.entries.delete(key);
    this.bytes -= entry.bytes;
  }
}

const globalForHot = globalThis as unknown as { cohortHotWindows?: HotWindows };
export function hotWindows(): HotWindows {
  globalForHot.cohortHotWindows ??= new HotWindows();
  return globalForHot.cohortHotWindows;
}
