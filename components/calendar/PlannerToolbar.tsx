"use client";

import type { PlannerView } from "./planner-state";

const TABS: { view: PlannerView; label: string }[] = [
  { view: "day", label: "Day" },
  { view: "week", label: "Week" },
  { view: "month", label: "Month" },
  { view: "year", label: "Year" },
  { view: "list", label: "List" },
  { view: "lanes", label: "Lanes" },
];

interface PlannerToolbarProps {
  title: string;
  view: PlannerView;
  views?: PlannerView[];
  date: string;
  onPrev: () => void;
  onNext: () => void;
  onToday: () => void;
  onDate: (date: string) => void;
  onView: (view: PlannerView) => void;
}

/** Navigation, a date picker and the view switcher (ARIA tabs, arrow keys move between them). */
export function PlannerToolbar({ title, view, views, date, onPrev, onNext, onToday, onDate, onView }: PlannerToolbarProps) {
  const tabs = TABS.filter((t) => !views || views.includes(t.view));
  const onTabKey = (event: React.KeyboardEvent<HTMLDivElement>) => {
    const index = tabs.findIndex((t) => t.view === view);
    const delta = event.key === "ArrowRight" ? 1 : event.key === "ArrowLeft" ? -1 : 0;
    if (!delta) return;
    event.preventDefault();
    const target = tabs[(index + delta + tabs.length) % tabs.length]!;
    onView(target.view);
    requestAnimationFrame(() => document.getElementById(`view-tab-${target.view}`)?.focus());
  };
  return (
    <div className="planner-toolbar">
      <div className="nav-buttons">
        <button type="button" onClick={onPrev} aria-label="Previous period">
          ‹
        </button>
        <button type="button" onClick={onToday}>
          Today
        </button>
        <button type="button" onClick={onNext} aria-label="Next period">
          ›
        </button>
      </div>
      <h2 className="planner-title" aria-live="polite">
        {title}
      </h2>
      <label className="date-picker">
        <span className="visually-hidden">Go to date</span>
        <input type="date" value={date} onChange={(e) => e.target.value && onDate(e.target.value)} />
      </label>
      <div role="tablist" aria-label="Calendar view" className="view-tabs" onKeyDown={onTabKey}>
        {tabs.map((t) => (
          <button
            key={t.view}
            id={`view-tab-${t.view}`}
            type="button"
            role="tab"
            aria-selected={t.view === view}
            aria-controls="calendar-panel"
            tabIndex={t.view === view ? 0 : -1}
            onClick={() => onView(t.view)}
          >
            {t.label}
          </button>
        ))}
      </div>
    </div>
  );
}
