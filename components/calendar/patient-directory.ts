"use client";

import { useState } from "react";
import { lookupPatients, type PatientSummary } from "./api-client";

const FALLBACK_COLOR = "#5f6368";

/**
 * Names and colours of the patients the calendar has met so far, looked up in batches as events arrive.
 * One instance per calendar, with a stable identity (feed functions close over it without changing).
 */
export class PatientDirectory {
  private readonly known = new Map<string, PatientSummary>();
  private readonly listeners = new Set<() => void>();

  get(id: string): PatientSummary | undefined {
    return this.known.get(id);
  }

  color(id: string | undefined): string {
    return (id && this.known.get(id)?.color) || FALLBACK_COLOR;
  }

  name(id: string): string {
    return this.known.get(id)?.name ?? "Patient";
  }

  add(patients: readonly PatientSummary[]): void {
    for (const p of patients) this.known.set(p.id, p);
    if (patients.length) this.listeners.forEach((listener) => listener());
  }

  /** Forgets what it knew of these patients (all, without ids): they are looked up again on the next read. */
  forget(ids: readonly string[]): void {
    if (ids.length === 0) this.known.clear();
    for (const id of ids) this.known.delete(id);
  }

  knowsAll(ids: Iterable<string>): boolean {
    for (const id of ids) if (!this.known.has(id)) return false;
    return true;
  }

  /** Looks up the ids not known yet (one request); failures leave them unnamed rather than failing the view. */
  async ensure(ids: Iterable<string>): Promise<void> {
    const missing = [...new Set(ids)].filter((id) => !this.known.has(id));
    if (missing.length === 0) return;
    this.add(await lookupPatients(missing.slice(0, 5000)).catch(() => []));
  }

  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}

/** `known`: patients the page already sent (a cohort's members): no lookup for them after the first read. */
export function usePatientDirectory(known: readonly PatientSummary[] = []): PatientDirectory {
  const [directory] = useState(() => {
    const created = new PatientDirectory();
    created.add(known);
    return created;
  });
  return directory;
}
