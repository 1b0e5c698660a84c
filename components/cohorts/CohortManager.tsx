"use client";

import Link from "next/link";
import { useRouter } from "next/navigation";
import { useCallback, useEffect, useState, useTransition } from "react";
import type { ActionResult } from "@/app/cohorts/actions";
import { listCohortMembers, type PatientSummary } from "@/components/calendar/api-client";
import { PatientPicker } from "@/components/calendar/PatientPicker";
import { FormMessage } from "@/components/FormMessage";

interface Cohort {
  id: string;
  name: string;
  memberCount: number;
}

interface CohortManagerProps {
  cohorts: Cohort[];
  createCohort: (name: string) => Promise<ActionResult>;
  renameCohort: (cohortId: string, name: string) => Promise<ActionResult>;
  deleteCohort: (cohortId: string) => Promise<ActionResult>;
  addMembers: (cohortId: string, patientIds: string[]) => Promise<ActionResult>;
  removeMembers: (cohortId: string, patientIds: string[]) => Promise<ActionResult>;
}

/** Create, rename and delete cohorts; add and remove their patients. */
export function CohortManager({ cohorts, createCohort, renameCohort, deleteCohort, addMembers, removeMembers }: CohortManagerProps) {
  const router = useRouter();
  const [selectedId, setSelectedId] = useState<string | null>(cohorts[0]?.id ?? null);
  const [members, setMembers] = useState<PatientSummary[]>([]);
  const [message, setMessage] = useState<{ text: string; error: boolean }>({ text: "", error: false });
  const [pending, startTransition] = useTransition();
  const selected = cohorts.find((c) => c.id === selectedId) ?? null;

  const reloadMembers = useCallback(() => {
    (selectedId ? listCohortMembers(selectedId, 5000) : Promise.resolve([]))
      .then(setMembers)
      .catch((e: Error) => setMessage({ text: e.message, error: true }));
  }, [selectedId]);
  useEffect(reloadMembers, [reloadMembers]);

  const act = (work: () => Promise<ActionResult>, done: string, after?: () => void) =>
    startTransition(async () => {
      const result = await work();
      if (!result.ok) return setMessage({ text: result.message, error: true });
      setMessage({ text: done, error: false });
      after?.();
      router.refresh();
    });

  const onCreate = (form: FormData) => {
    const name = String(form.get("name") ?? "");
    act(() => createCohort(name), `Cohort “${name}” created.`);
  };
  const onRename = (form: FormData) => {
    if (!selected) return;
    const name = String(form.get("name") ?? "");
    act(() => renameCohort(selected.id, name), `Renamed to “${name}”.`);
  };
  const onDelete = () => {
    if (!selected || !window.confirm(`Delete the cohort “${selected.name}”? Its patients and appointments stay.`)) return;
    act(() => deleteCohort(selected.id), `Cohort “${selected.name}” deleted.`, () => setSelectedId(null));
  };
  const memberIds = new Set(members.map((m) => m.id));
  const onToggle = (patient: PatientSummary) => {
    if (!selected) return;
    const removing = memberIds.has(patient.id);
    act(
      () => (removing ? removeMembers(selected.id, [patient.id]) : addMembers(selected.id, [patient.id])),
      removing ? `${patient.name} removed.` : `${patient.name} added.`,
      reloadMembers,
    );
  };

  return (
    <div className="cohorts">
      <section aria-labelledby="cohort-list-title" className="cohort-list">
        <h2 id="cohort-list-title">Cohorts</h2>
        <ul>
          {cohorts.map((c) => (
            <li key={c.id}>
              <button type="button" aria-pressed={c.id === selectedId} onClick={() => setSelectedId(c.id)}>
                {c.name} <span className="muted">({c.memberCount})</span>
              </button>
            </li>
          ))}
        </ul>
        <form action={onCreate} className="inline-form">
          <label htmlFor="new-cohort">New cohort</label>
          <input id="new-cohort" name="name" required maxLength={80} />
          <button type="submit" disabled={pending}>
            Create
          </button>
        </form>
      </section>
      {selected && (
        <section aria-labelledby="cohort-title" className="cohort-detail">
          <h2 id="cohort-title">{selected.name}</h2>
          <p>
            <Link href={`/calendar?view=week&cohort=${selected.id}`}>Open this cohort’s calendar</Link> ·{" "}
            <Link href={`/calendar?view=lanes&cohort=${selected.id}`}>Lanes</Link>
          </p>
          <form action={onRename} className="inline-form" key={selected.id}>
            <label htmlFor="rename-cohort">Name</label>
            <input id="rename-cohort" name="name" required maxLength={80} defaultValue={selected.name} />
            <button type="submit" disabled={pending}>
              Rename
            </button>
            <button type="button" className="danger" onClick={onDelete} disabled={pending}>
              Delete cohort
            </button>
          </form>
          <PatientPicker label="Add or remove patients" selectedIds={memberIds} onToggle={onToggle} />
          <h3>Members ({members.length})</h3>
          <ul className="member-list" aria-label="Members">
            {members.map((m) => (
              <li key={m.id}>
                <span className="swatch" style={{ background: m.color }} aria-hidden="true" />
                {m.name}
                {m.archived && <span className="muted"> (archived)</span>}
                <button type="button" className="icon" aria-label={`Remove ${m.name}`} onClick={() => onToggle(m)} disabled={pending}>
                  ×
                </button>
              </li>
            ))}
          </ul>
        </section>
      )}
      <FormMessage message={message} />
    </div>
  );
}
