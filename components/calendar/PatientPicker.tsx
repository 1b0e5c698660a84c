"use client";

import { useEffect, useId, useRef, useState } from "react";
import { searchPatients, type PatientSummary } from "./api-client";

interface PatientPickerProps {
  selectedIds: ReadonlySet<string>;
  onToggle: (patient: PatientSummary) => void;
  /** Every patient the picker shows is reported, so the legend can name them. */
  onSeen?: (patients: PatientSummary[]) => void;
  label?: string;
}

/**
 * A searchable multi-select (ARIA combobox + listbox). The server searches and pages (50 at a time, more on
 * scroll), so it stays fast with thousands of patients: the browser only ever holds what was shown.
 */
export function PatientPicker({ selectedIds, onToggle, onSeen, label = "Find patients" }: PatientPickerProps) {
  const id = useId();
  const listId = `${id}-list`;
  const [query, setQuery] = useState("");
  const [open, setOpen] = useState(false);
  const [results, setResults] = useState<PatientSummary[]>([]);
  const [next, setNext] = useState<string | null>(null);
  const [active, setActive] = useState(0);
  const [error, setError] = useState("");
  const [loading, setLoading] = useState(false);
  const requestRef = useRef(0);
  const listRef = useRef<HTMLUListElement>(null);
  const onSeenRef = useRef(onSeen);
  useEffect(() => {
    onSeenRef.current = onSeen;
  }, [onSeen]);

  const load = (q: string, after: string | null) => {
    const ticket = ++requestRef.current;
    setLoading(true);
    searchPatients(q, { after })
      .then((page) => {
        if (ticket !== requestRef.current) return; // a newer search superseded this one
        setResults((prev) => (after ? [...prev, ...page.patients] : page.patients));
        setNext(page.next);
        setError("");
        onSeenRef.current?.(page.patients);
      })
      .catch((e: Error) => ticket === requestRef.current && setError(e.message))
      .finally(() => ticket === requestRef.current && setLoading(false));
  };

  useEffect(() => {
    if (!open) return;
    const timer = setTimeout(() => {
      setActive(0);
      load(query, null);
    }, 200);
    return () => clearTimeout(timer);
  }, [query, open]);

  const onScroll = () => {
    const list = listRef.current;
    if (!list || !next || loading) return;
    if (list.scrollTop + list.clientHeight >= list.scrollHeight - 40) load(query, next);
  };

  const move = (delta: number) => {
    const index = Math.max(0, Math.min(results.length - 1, active + delta));
    setActive(index);
    document.getElementById(`${id}-opt-${index}`)?.scrollIntoView({ block: "nearest" });
    if (index >= results.length - 3 && next && !loading) load(query, next);
  };

  const onKeyDown = (event: React.KeyboardEvent<HTMLInputElement>) => {
    if (event.key === "ArrowDown") {
      event.preventDefault();
      if (!open) setOpen(true);
      else move(1);
    } else if (event.key === "ArrowUp") {
      event.preventDefault();
      move(-1);
    } else if (event.key === "Enter" && open && results[active]) {
      event.preventDefault();
      onToggle(results[active]);
    } else if (event.key === "Escape" && open) {
      event.preventDefault();
      event.stopPropagation();
      setOpen(false);
    }
  };

  return (
    <div className="picker" onBlur={(e) => !e.currentTarget.contains(e.relatedTarget) && setOpen(false)}>
      <label htmlFor={`${id}-input`}>{label}</label>
      <input
        id={`${id}-input`}
        type="search"
        role="combobox"
        autoComplete="off"
        aria-expanded={open}
        aria-controls={listId}
        aria-autocomplete="list"
        aria-activedescendant={open && results[active] ? `${id}-opt-${active}` : undefined}
        placeholder="Type a name"
        value={query}
        onChange={(e) => {
          setQuery(e.target.value);
          setOpen(true);
        }}
        onFocus={() => setOpen(true)}
        onKeyDown={onKeyDown}
      />
      {open && (
        <ul id={listId} role="listbox" aria-multiselectable="true" aria-label="Patients" className="picker-list" ref={listRef} onScroll={onScroll}>
          {results.map((patient, index) => (
            <li
              key={patient.id}
              id={`${id}-opt-${index}`}
              role="option"
              aria-selected={selectedIds.has(patient.id)}
              className={index === active ? "active" : undefined}
              onMouseDown={(e) => e.preventDefault()}
              onClick={() => {
                setActive(index);
                onToggle(patient);
              }}
            >
              <span className="swatch" style={{ background: patient.color }} aria-hidden="true" />
              <span className="check" aria-hidden="true">{selectedIds.has(patient.id) ? "✓" : ""}</span>
              {patient.name}
            </li>
          ))}
          {!loading && results.length === 0 && !error && <li role="presentation" className="picker-empty">No patients match “{query}”.</li>}
          {loading && <li role="presentation" className="picker-empty">Searching…</li>}
          {error && <li role="presentation" className="error">{error}</li>}
        </ul>
      )}
    </div>
  );
}
