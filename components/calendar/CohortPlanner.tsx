"use client";

import FullCalendar, { type CalendarRef, type DatesSetInfo, type EventClickInfo, type EventInput, type EventSourceFuncInfo, useCalendarController } from "@fullcalendar/react";
import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import type { FeedOccurrence, LiveUpdate } from "@/lib/events/types";
import { dropPrefetchedOccurrences, fetchOccurrences, listCohortMembers, prefetchedOccurrences, type PatientSummary } from "./api-client";
import { CALENDAR_PLUGINS, calendarSettingsOptions, datesSetToLocal, DEFAULT_CALENDAR_SETTINGS, type CalendarSettings } from "./calendar-options";
import { ClinicLookup, matchesFilter, NO_FILTER, type ClinicDirectory, type ClinicFilter, type ColorBy, type LaneRows } from "./clinic";
import { ClinicPanel } from "./ClinicPanel";
import { Legend } from "./Legend";
import { LanesView } from "./LanesView";
import { addDays, formatDay, startOfWeek, todayIn } from "./local-dates";
import { toCalendarEvents, type OccurrenceProps } from "./occurrence-events";
import { usePatientDirectory } from "./patient-directory";
import { PatientPicker } from "./PatientPicker";
import { FC_VIEW, plannerSearch, selectionKey, viewFromFullCalendar, type PlannerState, type PlannerView, type Selection } from "./planner-state";
import { PlannerDetails } from "./PlannerDetails";
import { PlannerToolbar } from "./PlannerToolbar";
import { useClinicBackground } from "./use-clinic-background";
import { useEventEditing, type EditingActions } from "./use-event-editing";
import { SessionEnded } from "./SessionEnded";
import { useLiveUpdates } from "./use-live-updates";

export interface CohortOption {
  id: string;
  name: string;
  memberCount: number;
}

export interface CohortPlannerProps {
  initial: PlannerState;
  cohorts: CohortOption[];
  timeZone: string;
  actions: EditingActions;
  /** The organisation's clinicians, rooms and appointment types. */
  clinic: ClinicDirectory;
  /** The organisation's week start and working hours. */
  settings?: CalendarSettings;
  /**
   * The members of the cohort the page opens with, when the page had all of them: the legend and the
   * events' names need no request of their own after the first read.
   */
  initialMembers?: { cohortId: string; patients: PatientSummary[] };
}

/** The cohort calendar: what to show (organisation, cohort, chosen patients), how (views), and live. */
export default function CohortPlanner({ initial, cohorts, timeZone, actions, clinic, settings = DEFAULT_CALENDAR_SETTINGS, initialMembers }: CohortPlannerProps) {
  const directory = usePatientDirectory(initialMembers?.patients);
  const controller = useCalendarController();
  const calendarRef = useRef<CalendarRef>(null);
  const [view, setView] = useState<PlannerView>(initial.view);
  const [date, setDate] = useState(initial.date ?? todayIn(timeZone));
  const [selection, setSelection] = useState<Selection>(initial.selection);
  const [hidden, setHidden] = useState<ReadonlySet<string>>(new Set());
  const [legendPatients, setLegendPatients] = useState<PatientSummary[]>([]);
  const [status, setStatus] = useState({ loading: true, error: "" });
  const [open, setOpen] = useState<FeedOccurrence | null>(null);
  const [revision, setRevision] = useState(0);
  const lookup = useMemo(() => new ClinicLookup(clinic), [clinic]);
  const [filter, setFilter] = useState<ClinicFilter>(NO_FILTER);
  const [colorBy, setColorBy] = useState<ColorBy>("patient");
  const [laneRows, setLaneRows] = useState<LaneRows>("patients");
  const background = useClinicBackground(filter);
  const hiddenRef = useRef(hidden);
  const shownRef = useRef({ filter, colorBy });
  const key = selectionKey(selection);
  // The selection object only changes identity when its content does: FullCalendar refetches on a new one.
  // eslint-disable-next-line react-hooks/exhaustive-deps
  const stableSelection = useMemo(() => selection, [key]);

  // The link always reflects what is shown.
  useEffect(() => {
    const search = plannerSearch({ view, date, selection: stableSelection });
    if (window.location.search !== search) window.history.replaceState(null, "", `${window.location.pathname}${search}`);
  }, [view, date, stableSelection]);

  // Who the legend lists (and the lanes view's rows): the cohort's members or the chosen patients.
  useEffect(() => {
    let current = true;
    const load = async () => {
      if (stableSelection.kind === "cohort") {
        if (stableSelection.cohortId === initialMembers?.cohortId) return initialMembers.patients;
        return listCohortMembers(stableSelection.cohortId);
      }
      if (stableSelection.kind === "patients") {
        await directory.ensure(stableSelection.patientIds);
        return stableSelection.patientIds.flatMap((id) => directory.get(id) ?? []);
      }
      return null; // the whole organisation: the legend fills from the events shown
    };
    load()
      .then((patients) => {
        if (!current) return;
        if (patients) directory.add(patients);
        setLegendPatients(patients ?? []);
      })
      .catch((e: Error) => current && setStatus({ loading: false, error: e.message }));
    return () => {
      current = false;
    };
  }, [stableSelection, directory, initialMembers]);

  const loadEvents = useCallback(
    (info: EventSourceFuncInfo, success: (events: EventInput[]) => void, failure: (error: Error) => void) => {
      const toEvents = (list: FeedOccurrence[]) => {
        const { filter: only, colorBy: by } = shownRef.current;
        return toCalendarEvents(
          list.filter((o) => matchesFilter(o, only)),
          directory,
          { hidden: hiddenRef.current, showPatients: true, editable: true, colorBy: by, clinic: lookup },
        );
      };
      // The page's first window has usually arrived before the calendar's code: handed over synchronously,
      // its appointments are part of the calendar's first render instead of a second render and layout.
      // Not for the organisation, whose legend is set from the events (no state updates in a render).
      const ready = prefetchedOccurrences(stableSelection, info.startStr, info.endStr, info.timeZone);
      if (ready && stableSelection.kind !== "org" && directory.knowsAll(ready.flatMap((o) => o.patientIds))) {
        success(toEvents(ready));
        return;
      }
      const load = async () => {
        const list = await fetchOccurrences(stableSelection, info.startStr, info.endStr, info.timeZone);
        await directory.ensure(list.flatMap((o) => o.patientIds));
        if (stableSelection.kind === "org") {
          const ids = [...new Set(list.flatMap((o) => o.patientIds))];
          const seen = ids.flatMap((id) => directory.get(id) ?? []).sort((a, b) => a.name.localeCompare(b.name));
          setLegendPatients(seen.slice(0, 500));
        }
        return toEvents(list);
      };
      load().then(success, failure);
    },
    [stableSelection, directory, lookup],
  );
  const { loadBackground } = background;
  const sources = useMemo(() => [{ id: "appointments", events: loadEvents }, { id: "background", events: loadBackground }], [loadEvents, loadBackground]);

  const refresh = useCallback(() => {
    dropPrefetchedOccurrences();
    calendarRef.current?.getApi().refetchEvents();
    setRevision((r) => r + 1);
  }, []);

  const editingApi = useEventEditing({
    actions,
    directory,
    timeZone,
    defaultPatients: () => (stableSelection.kind === "patients" && stableSelection.patientIds.length <= 20 ? stableSelection.patientIds : []),
    refresh,
    onMessage: (text) => setStatus({ loading: false, error: text }),
    clinic: lookup,
    defaultResources: () => shownRef.current.filter,
  });

  // The calendar's first fetch already used these: refetch only when they change (a refetch on mount
  // fetched the whole feed a second time on every page load).
  const shownBefore = useRef(false);
  useEffect(() => {
    hiddenRef.current = hidden;
    shownRef.current = { filter, colorBy };
    if (!shownBefore.current) {
      shownBefore.current = true;
      return;
    }
    calendarRef.current?.getApi().refetchEvents();
  }, [hidden, filter, colorBy]);

  const legendIds = useRef<Set<string>>(new Set());
  useEffect(() => {
    legendIds.current = new Set(legendPatients.map((p) => p.id));
  }, [legendPatients]);
  // Another user's change: refetch when it may concern what is shown (debounced: a split sends several).
  const pending = useRef<ReturnType<typeof setTimeout> | null>(null);
  const onLive = useCallback(
    (update: LiveUpdate) => {
      // A patient renamed, recoloured or archived: look them up again (the next read shows the change).
      if (update.patient) directory.forget(update.patientIds);
      const shown = stableSelection.kind === "org" || update.patientIds.length === 0 || update.patientIds.some((id) => legendIds.current.has(id));
      if (!shown) return;
      if (pending.current) clearTimeout(pending.current);
      pending.current = setTimeout(refresh, 150);
    },
    [stableSelection, refresh, directory],
  );
  const { signedOut } = useLiveUpdates(onLive);

  const onLoading = useCallback((loading: boolean) => setStatus((s) => ({ loading, error: loading ? "" : s.error })), []);
  const onFailure = useCallback((error: Error) => setStatus({ loading: false, error: `Appointments could not be loaded: ${error.message}` }), []);
  const onDatesSet = useCallback((info: DatesSetInfo) => {
    const type = viewFromFullCalendar(info.view.type);
    if (type) setView(type);
    setDate(datesSetToLocal(info));
  }, []);
  const onEventClick = useCallback((info: EventClickInfo) => {
    info.jsEvent.preventDefault();
    setOpen((info.event.extendedProps as OccurrenceProps).occurrence);
  }, []);
  const onLaneStatus = useCallback((s: { loading: boolean; error: string }) => setStatus(s), []);

  const changeView = (next: PlannerView) => {
    if (next !== "lanes" && view !== "lanes") controller.changeView(FC_VIEW[next]);
    setView(next);
  };
  const go = (target: string) => {
    if (view !== "lanes") controller.gotoDate(target);
    setDate(target);
  };
  const step = (direction: 1 | -1) => {
    if (view === "lanes") setDate((d) => addDays(d, 7 * direction));
    else if (direction === 1) controller.next();
    else controller.prev();
  };
  const today = () => (view === "lanes" ? setDate(todayIn(timeZone)) : controller.today());
  const openFound = (occurrence: FeedOccurrence) => {
    go(occurrence.start.slice(0, 10));
    setOpen(occurrence);
  };

  const chooseScope = (value: string) => {
    setHidden(new Set());
    if (value === "org") setSelection({ kind: "org" });
    else if (value === "patients") setSelection({ kind: "patients", patientIds: [] });
    else setSelection({ kind: "cohort", cohortId: value });
  };
  const togglePatient = (patient: PatientSummary) => {
    directory.add([patient]);
    setSelection((s) => {
      const ids = s.kind === "patients" ? s.patientIds : [];
      return { kind: "patients", patientIds: ids.includes(patient.id) ? ids.filter((id) => id !== patient.id) : [...ids, patient.id] };
    });
  };
  const toggleHidden = (id: string) =>
    setHidden((h) => {
      const next = new Set(h);
      if (!next.delete(id)) next.add(id);
      return next;
    });

  const weekStart = startOfWeek(date, settings.weekStart);
  const settingsOptions = useMemo(() => calendarSettingsOptions(settings), [settings]);
  const title =
    view === "lanes"
      ? `${formatDay(weekStart, { month: "short", day: "numeric" })} – ${formatDay(addDays(weekStart, 6), { month: "short", day: "numeric", year: "numeric" })}`
      : (controller.view?.title ?? "");
  const scopeValue = selection.kind === "org" ? "org" : selection.kind === "patients" ? "patients" : selection.cohortId;
  const selectedIds = new Set(selection.kind === "patients" ? selection.patientIds : []);

  const { onSelect, onDrag } = editingApi;
  const businessHours = background.businessHours || settingsOptions.businessHours;
  // The same element while its props are the same: the planner re-renders for its own state (the loading
  // status, the legend, the closures listed) and FullCalendar would process all its options again each time.
  const calendar = useMemo(
    () =>
      view === "lanes" ? null : (
        <FullCalendar
          ref={calendarRef}
          controller={controller}
          plugins={CALENDAR_PLUGINS}
          initialView={FC_VIEW[view]}
          initialDate={date}
          timeZone={timeZone}
          headerToolbar={false}
          height="auto"
          nowIndicator
          dayMaxEvents
          // Appointments show as soon as they arrive, without waiting for the background (closures, hours).
          progressiveEventRendering
          firstDay={settingsOptions.firstDay}
          scrollTime={settingsOptions.scrollTime}
          eventSources={sources}
          // A chosen clinician's or room's hours when one is filtered, else the organisation's working hours.
          businessHours={businessHours}
          loading={onLoading}
          eventSourceFailure={onFailure}
          datesSet={onDatesSet}
          eventClick={onEventClick}
          selectable
          selectMirror
          select={onSelect}
          eventDrop={onDrag}
          eventResize={onDrag}
        />
      ),
    [controller, view, date, timeZone, settingsOptions, sources, businessHours, onLoading, onFailure, onDatesSet, onEventClick, onSelect, onDrag],
  );

  return (
    <div className="planner">
      <aside className="planner-side" aria-label="What to show">
        <button type="button" className="primary" onClick={() => editingApi.openNew(date)}>
          New appointment
        </button>
        <div className="field">
          <label htmlFor="planner-scope">Show</label>
          <select id="planner-scope" value={scopeValue} onChange={(e) => chooseScope(e.target.value)}>
            <option value="org">Whole organisation</option>
            {cohorts.map((c) => (
              <option key={c.id} value={c.id}>
                Cohort: {c.name} ({c.memberCount})
              </option>
            ))}
            <option value="patients">Chosen patients…</option>
          </select>
        </div>
        {selection.kind === "patients" && <PatientPicker selectedIds={selectedIds} onToggle={togglePatient} onSeen={(p) => directory.add(p)} />}
        <Legend
          caption={selection.kind === "org" ? "Patients in view" : selection.kind === "cohort" ? "Cohort members" : "Chosen patients"}
          patients={legendPatients}
          hidden={hidden}
          onToggle={toggleHidden}
          onShowAll={() => setHidden(new Set())}
          onRemove={selection.kind === "patients" ? (id) => togglePatient(directory.get(id) ?? { id, name: "", color: "" }) : undefined}
        />
        <ClinicPanel
          clinic={lookup}
          filter={filter}
          onFilter={setFilter}
          colorBy={colorBy}
          onColorBy={setColorBy}
          laneRows={laneRows}
          onLaneRows={setLaneRows}
          showLaneRows={view === "lanes"}
          date={date}
          closures={background.closures}
          directory={directory}
          timeZone={timeZone}
          onOpen={openFound}
        />
      </aside>
      <section className="planner-main" aria-label="Appointments calendar">
        <PlannerToolbar
          title={title}
          view={view}
          date={date}
          onPrev={() => step(-1)}
          onNext={() => step(1)}
          onToday={today}
          onDate={go}
          onView={changeView}
        />
        <p className="calendar-status" role="status" aria-live="polite" aria-label="Calendar status">
          {status.loading ? <span className="spinner" aria-hidden="true" /> : null}
          {status.loading ? "Loading appointments…" : ""}
        </p>
        {status.error && (
          <p className="error" role="alert">
            {status.error}
          </p>
        )}
        {signedOut && <SessionEnded />}
        <div id="calendar-panel" role="tabpanel" aria-label={`${view} view`} hidden={signedOut}>
          {view === "lanes" ? (
            <LanesView
              selection={stableSelection}
              patients={legendPatients}
              rowsBy={laneRows}
              clinic={lookup}
              filter={filter}
              hidden={hidden}
              weekStart={weekStart}
              timeZone={timeZone}
              revision={revision}
              onOpen={setOpen}
              onStatus={onLaneStatus}
            />
          ) : (
            calendar
          )}
        </div>
      </section>
      {open && (
        <PlannerDetails occurrence={open} directory={directory} clinic={lookup} timeZone={timeZone} editing={editingApi} onChange={setOpen} />
      )}
      {editingApi.dialogs}
    </div>
  );
}
