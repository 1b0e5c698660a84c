"use client";

import type { PatientSummary } from "./api-client";

interface LegendProps {
  patients: PatientSummary[];
  hidden: ReadonlySet<string>;
  onToggle: (id: string) => void;
  onShowAll: () => void;
  /** Shown above the list, e.g. "Patients in this view". */
  caption: string;
  /** Chosen patients can be taken out of the selection from here. */
  onRemove?: (id: string) => void;
}

/** Colour key with a show/hide toggle per patient. */
export function Legend({ patients, hidden, onToggle, onShowAll, caption, onRemove }: LegendProps) {
  return (
    <section className="legend" aria-label="Legend">
      <div className="legend-head">
        <h2>{caption}</h2>
        {hidden.size > 0 && (
          <button type="button" className="link" onClick={onShowAll}>
            Show all
          </button>
        )}
      </div>
      {patients.length === 0 ? (
        <p className="muted">No patients yet.</p>
      ) : (
        <ul>
          {patients.map((p) => (
            <li key={p.id}>
              <label>
                <input type="checkbox" checked={!hidden.has(p.id)} onChange={() => onToggle(p.id)} aria-label={`Show ${p.name}`} />
                <span className="swatch" style={{ background: p.color }} aria-hidden="true" />
                <span className="legend-name">{p.name}</span>
                {p.archived && <span className="legend-archived muted">(archived)</span>}
              </label>
              {onRemove && (
                <button type="button" className="icon" onClick={() => onRemove(p.id)} aria-label={`Remove ${p.name} from the selection`}>
                  ×
                </button>
              )}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
