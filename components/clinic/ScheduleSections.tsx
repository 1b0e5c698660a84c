"use client";

import { useState } from "react";
import type { ClosureSummary, WorkingHoursEntry } from "@/lib/closures/closures";
import type { ResourceSummary } from "@/lib/resources/resources";
import { useSetupAction, type SetupActions } from "./setup-action";
import { FormMessage } from "@/components/FormMessage";

const WEEKDAYS = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"];

function addDays(date: string, days: number): string {
  const [y, m, d] = date.split("-").map(Number) as [number, number, number];
  return new Date(Date.UTC(y, m - 1, d + days)).toISOString().slice(0, 10);
}

/** Closures of the whole clinic (holidays, training days) and absences of one clinician or room. */
export function ClosuresSection({ closures, resources, actions }: { closures: ClosureSummary[]; resources: ResourceSummary[]; actions: SetupActions }) {
  const { message, pending, run } = useSetupAction();
  const [title, setTitle] = useState("");
  const [start, setStart] = useState("");
  const [end, setEnd] = useState("");
  const [whose, setWhose] = useState("");
  const nameOf = (id: string | null) => (id ? (resources.find((r) => r.id === id)?.name ?? "—") : "Whole clinic");
  return (
    <section aria-label="Closures and absences">
      <h2>Closures and absences</h2>
      <ul>
        {closures.map((c) => (
          <li key={c.id}>
            <span>
              {c.title}: {c.allDay ? `${c.start} to ${addDays(c.end, -1)}` : `${c.start.slice(0, 16).replace("T", " ")} to ${c.end.slice(11, 16)}`} ({nameOf(c.resourceId)})
            </span>
            <button type="button" className="link" disabled={pending} onClick={() => run(() => actions.deleteClosure(c.id), `${c.title} removed`)}>
              Remove {c.title}
            </button>
          </li>
        ))}
      </ul>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          run(() => actions.createClosure({ title, start, end: end || start, allDay: true, resourceId: whose || null }), `${title} added`, () => setTitle(""));
        }}
      >
        <label className="field">
          Closure
          <input required maxLength={120} value={title} onChange={(e) => setTitle(e.target.value)} placeholder="e.g. Public holiday" />
        </label>
        <label className="field">
          First day
          <input type="date" required value={start} onChange={(e) => setStart(e.target.value)} />
        </label>
        <label className="field">
          Last day
          <input type="date" value={end} min={start} onChange={(e) => setEnd(e.target.value)} />
        </label>
        <label className="field">
          Applies to
          <select value={whose} onChange={(e) => setWhose(e.target.value)}>
            <option value="">Whole clinic</option>
            {resources.map((r) => (
              <option key={r.id} value={r.id}>
                {r.name} ({r.kind})
              </option>
            ))}
          </select>
        </label>
        <button type="submit" disabled={pending}>
          Add closure
        </button>
      </form>
      <FormMessage message={message} />
    </section>
  );
}

type DayHours = { on: boolean; start: string; end: string };

/** A clinician's (or room's) weekly hours: one span per weekday; none at all means no limits. */
export function HoursSection({ resources, workingHours, actions }: { resources: ResourceSummary[]; workingHours: Record<string, WorkingHoursEntry[]>; actions: SetupActions }) {
  const { message, pending, run } = useSetupAction();
  const [resourceId, setResourceId] = useState(resources[0]?.id ?? "");
  const load = (id: string): DayHours[] =>
    WEEKDAYS.map((_, weekday) => {
      const h = workingHours[id]?.find((x) => x.weekday === weekday);
      return h ? { on: true, start: h.start, end: h.end } : { on: false, start: "09:00", end: "17:00" };
    });
  const [days, setDays] = useState<DayHours[]>(() => load(resourceId));
  const choose = (id: string) => {
    setResourceId(id);
    setDays(load(id));
  };
  const change = (i: number, patch: Partial<DayHours>) => setDays((all) => all.map((d, j) => (j === i ? { ...d, ...patch } : d)));
  if (resources.length === 0) return null;
  return (
    <section aria-label="Working hours">
      <h2>Working hours</h2>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          const hours = days.flatMap((d, weekday) => (d.on ? [{ weekday, start: d.start, end: d.end }] : []));
          run(() => actions.setWorkingHours({ resourceId, hours }), "Working hours saved");
        }}
      >
        <label className="field">
          For
          <select value={resourceId} onChange={(e) => choose(e.target.value)}>
            {resources.map((r) => (
              <option key={r.id} value={r.id}>
                {r.name}
              </option>
            ))}
          </select>
        </label>
        <div className="hours-grid" role="group" aria-label="Weekly hours">
          {WEEKDAYS.map((day, i) => (
            <div key={day} style={{ display: "contents" }}>
              <label className="checkbox">
                <input type="checkbox" checked={days[i]!.on} onChange={(e) => change(i, { on: e.target.checked })} /> {day}
              </label>
              <input type="time" aria-label={`${day} from`} value={days[i]!.start} disabled={!days[i]!.on} onChange={(e) => change(i, { start: e.target.value })} />
              <input type="time" aria-label={`${day} until`} value={days[i]!.end} disabled={!days[i]!.on} onChange={(e) => change(i, { end: e.target.value })} />
            </div>
          ))}
        </div>
        <button type="submit" disabled={pending}>
          Save hours
        </button>
      </form>
      <FormMessage message={message} />
    </section>
  );
}
