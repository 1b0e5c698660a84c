"use client";

import { useId } from "react";
import { defaultDraft, describeNth, fromRrule, presets, toRrule, WEEKDAY_NAMES, WEEKDAYS, type RecurrenceDraft } from "./recurrence-draft";

interface RecurrenceEditorProps {
  value: string | null;
  /** The first occurrence's local date: presets and "2nd Tuesday" derive from it. */
  startDate: string;
  onChange: (rrule: string | null) => void;
}

const CUSTOM = "custom";

/** Presets plus a custom rule: every N days/weeks/months/years, weekdays, "2nd Tuesday", an end. */
export function RecurrenceEditor({ value, startDate, onChange }: RecurrenceEditorProps) {
  const id = useId();
  const options = presets(startDate);
  const preset = options.find((p) => p.rrule === value);
  const draft = value ? fromRrule(value, startDate) : null;
  const custom = value !== null && !preset;
  const update = (patch: Partial<RecurrenceDraft>) => onChange(toRrule({ ...(draft ?? defaultDraft(startDate)), ...patch }, startDate));

  return (
    <fieldset className="recurrence">
      <legend>Repeat</legend>
      <select
        aria-label="Repeat"
        value={custom ? CUSTOM : String(options.indexOf(preset ?? options[0]!))}
        onChange={(e) => (e.target.value === CUSTOM ? update({}) : onChange(options[Number(e.target.value)]!.rrule))}
      >
        {options.map((p, i) => (
          <option key={p.label} value={i}>
            {p.label}
          </option>
        ))}
        <option value={CUSTOM}>Custom…</option>
      </select>
      {custom && !draft && (
        <p className="muted">
          Rule: <code>{value}</code> (edit it with a preset or the custom fields to replace it)
        </p>
      )}
      {custom && draft && (
        <div className="recurrence-custom">
          <label>
            Every{" "}
            <input type="number" min={1} max={99} value={draft.interval} onChange={(e) => update({ interval: Math.max(1, Number(e.target.value) || 1) })} aria-label="Interval" />
          </label>
          <select aria-label="Frequency" value={draft.freq} onChange={(e) => update({ freq: e.target.value as RecurrenceDraft["freq"] })}>
            <option value="DAILY">day(s)</option>
            <option value="WEEKLY">week(s)</option>
            <option value="MONTHLY">month(s)</option>
            <option value="YEARLY">year(s)</option>
          </select>
          {draft.freq === "WEEKLY" && (
            <div role="group" aria-label="On days" className="weekday-toggles">
              {WEEKDAYS.map((code, i) => (
                <label key={code}>
                  <input
                    type="checkbox"
                    checked={draft.byDay.includes(code)}
                    onChange={(e) => update({ byDay: e.target.checked ? [...draft.byDay, code] : draft.byDay.filter((d) => d !== code) })}
                  />
                  <span title={WEEKDAY_NAMES[i]}>{WEEKDAY_NAMES[i]!.slice(0, 2)}</span>
                </label>
              ))}
            </div>
          )}
          {draft.freq === "MONTHLY" && (
            <select aria-label="Monthly on" value={draft.monthly} onChange={(e) => update({ monthly: e.target.value as "day" | "nth" })}>
              <option value="day">on day {Number(startDate.slice(8, 10))}</option>
              <option value="nth">on the {describeNth(startDate)}</option>
            </select>
          )}
          <div role="radiogroup" aria-label="Ends" className="recurrence-end">
            <label>
              <input type="radio" name={`${id}-end`} checked={draft.end === "never"} onChange={() => update({ end: "never" })} /> Never
            </label>
            <label>
              <input type="radio" name={`${id}-end`} checked={draft.end === "count"} onChange={() => update({ end: "count" })} /> After{" "}
              <input type="number" min={1} max={999} value={draft.count} aria-label="Occurrences" onChange={(e) => update({ end: "count", count: Number(e.target.value) || 1 })} /> times
            </label>
            <label>
              <input type="radio" name={`${id}-end`} checked={draft.end === "until"} onChange={() => update({ end: "until" })} /> On{" "}
              <input type="date" value={draft.until} aria-label="End date" onChange={(e) => update({ end: "until", until: e.target.value })} />
            </label>
          </div>
        </div>
      )}
    </fieldset>
  );
}
