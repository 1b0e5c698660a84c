"use client";

import { useState } from "react";
import type { ClosureSummary, WorkingHoursEntry } from "@/lib/closures/closures";
import type { ClinicDirectory, ResourceSummary } from "@/lib/resources/resources";
import { ClosuresSection, HoursSection } from "./ScheduleSections";
import { useSetupAction, type SetupActions } from "./setup-action";
import { FormMessage } from "@/components/FormMessage";

interface ClinicSetupProps {
  clinic: ClinicDirectory;
  staffUsers: { id: string; name: string }[];
  closures: ClosureSummary[];
  workingHours: Record<string, WorkingHoursEntry[]>;
  actions: SetupActions;
}

/** A clinician, room or appointment type in its setup list: colour, name, and archive or restore. */
function ArchivableItem({ item, label, pending, onToggle }: { item: { name: string; color: string; archived: boolean }; label: string; pending: boolean; onToggle: () => void }) {
  return (
    <li>
      <span className="swatch" style={{ background: item.color }} aria-hidden="true" />
      <span className={item.archived ? "muted" : undefined}>
        {label}
        {item.archived ? " (archived)" : ""}
      </span>
      <button type="button" className="link" disabled={pending} onClick={onToggle}>
        {item.archived ? `Restore ${item.name}` : `Archive ${item.name}`}
      </button>
    </li>
  );
}

function ResourceList({ kind, items, staffUsers, actions }: { kind: "clinician" | "room"; items: ResourceSummary[]; staffUsers: ClinicSetupProps["staffUsers"]; actions: SetupActions }) {
  const { message, pending, run } = useSetupAction();
  const [name, setName] = useState("");
  const [userId, setUserId] = useState("");
  const noun = kind === "clinician" ? "Clinician" : "Room";
  return (
    <section aria-label={`${noun}s`}>
      <h2>{noun}s</h2>
      <ul>
        {items.map((r) => (
          <ArchivableItem key={r.id} item={r} label={r.name} pending={pending} onToggle={() => run(() => actions.updateResource({ resourceId: r.id, archived: !r.archived }), `${r.name} ${r.archived ? "restored" : "archived"}`)} />
        ))}
      </ul>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          run(() => actions.createResource({ kind, name, userId: userId || null }), `${noun} ${name} added`, () => setName(""));
        }}
      >
        <label className="field">
          New {noun.toLowerCase()}
          <input required maxLength={80} value={name} onChange={(e) => setName(e.target.value)} />
        </label>
        {kind === "clinician" && (
          <label className="field">
            Staff login
            <select value={userId} onChange={(e) => setUserId(e.target.value)}>
              <option value="">None</option>
              {staffUsers.map((u) => (
                <option key={u.id} value={u.id}>
                  {u.name}
                </option>
              ))}
            </select>
          </label>
        )}
        <button type="submit" disabled={pending}>
          Add {noun.toLowerCase()}
        </button>
      </form>
      <FormMessage message={message} />
    </section>
  );
}

function TypesSection({ clinic, actions }: { clinic: ClinicDirectory; actions: SetupActions }) {
  const { message, pending, run } = useSetupAction();
  const [name, setName] = useState("");
  const [minutes, setMinutes] = useState(30);
  const [color, setColor] = useState("#1a73e8");
  return (
    <section aria-label="Appointment types">
      <h2>Appointment types</h2>
      <ul>
        {clinic.types.map((t) => (
          <ArchivableItem key={t.id} item={t} label={`${t.name}, ${t.durationMinutes} min`} pending={pending} onToggle={() => run(() => actions.updateType({ typeId: t.id, archived: !t.archived }), `${t.name} ${t.archived ? "restored" : "archived"}`)} />
        ))}
      </ul>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          run(() => actions.createType({ name, durationMinutes: minutes, color }), `Type ${name} added`, () => setName(""));
        }}
      >
        <label className="field">
          New type
          <input required maxLength={80} value={name} onChange={(e) => setName(e.target.value)} />
        </label>
        <label className="field">
          Minutes
          <input type="number" required min={5} max={1440} step={5} value={minutes} onChange={(e) => setMinutes(Number(e.target.value))} />
        </label>
        <label className="field">
          Colour
          <input type="color" value={color} onChange={(e) => setColor(e.target.value)} />
        </label>
        <button type="submit" disabled={pending}>
          Add type
        </button>
      </form>
      <FormMessage message={message} />
    </section>
  );
}

export function ClinicSetup({ clinic, staffUsers, closures, workingHours, actions }: ClinicSetupProps) {
  const active = (items: ResourceSummary[]) => items.filter((r) => !r.archived);
  return (
    <div className="setup">
      <ResourceList kind="clinician" items={clinic.clinicians} staffUsers={staffUsers} actions={actions} />
      <ResourceList kind="room" items={clinic.rooms} staffUsers={staffUsers} actions={actions} />
      <TypesSection clinic={clinic} actions={actions} />
      <ClosuresSection closures={closures} resources={[...active(clinic.clinicians), ...active(clinic.rooms)]} actions={actions} />
      <HoursSection resources={[...active(clinic.clinicians), ...active(clinic.rooms)]} workingHours={workingHours} actions={actions} />
    </div>
  );
}
