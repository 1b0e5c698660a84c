"use client";

import { useState, useTransition } from "react";
import type { SetupResult } from "@/app/clinic/actions";
import type { WorkingHoursEntry } from "@/lib/closures/closures";

export interface SetupActions {
  createResource: (input: { kind: "clinician" | "room"; name: string; userId?: string | null }) => Promise<SetupResult>;
  updateResource: (input: { resourceId: string; archived?: boolean }) => Promise<SetupResult>;
  createType: (input: { name: string; durationMinutes: number; color?: string }) => Promise<SetupResult>;
  updateType: (input: { typeId: string; archived?: boolean }) => Promise<SetupResult>;
  createClosure: (input: { title: string; start: string; end: string; allDay: boolean; resourceId?: string | null }) => Promise<SetupResult>;
  deleteClosure: (closureId: string) => Promise<SetupResult>;
  setWorkingHours: (input: { resourceId: string; hours: WorkingHoursEntry[] }) => Promise<SetupResult>;
}

/** Runs a setup action and reports its outcome in one status line (the page re-renders with the change). */
export function useSetupAction() {
  const [message, setMessage] = useState<{ text: string; error: boolean }>({ text: "", error: false });
  const [pending, start] = useTransition();
  const run = (work: () => Promise<SetupResult>, done: string, after?: () => void) =>
    start(async () => {
      const result = await work();
      setMessage(result.ok ? { text: done, error: false } : { text: result.message, error: true });
      if (result.ok) after?.();
    });
  return { message, pending, run };
}

