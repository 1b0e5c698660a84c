import { sql } from "drizzle-orm";
import {
  bigint,
  bigserial,
  boolean,
  check,
  date,
  foreignKey,
  index,
  integer,
  jsonb,
  pgEnum,
  pgSequence,
  pgTable,
  primaryKey,
  smallint,
  text,
  time,
  timestamp,
  uniqueIndex,
  uuid,
} from "drizzle-orm/pg-core";

/** The longest an occurrence may last; range queries scan back this far from the window's start. */
export const MAX_OCCURRENCE_DAYS = 31;

const tstz = (name: string) => timestamp(name, { withTimezone: true, mode: "date" });
const createdAt = () => tstz("created_at").notNull().defaultNow();

export const roleEnum = pgEnum("user_role", ["admin", "staff", "patient"]);

/** An occurrence's status at the front desk (issue 11); cancelled ones stay for staff, never for patients. */
export const APPOINTMENT_STATUSES = ["booked", "confirmed", "checked_in", "attended", "no_show", "cancelled"] as const;
export type AppointmentStatus = (typeof APPOINTMENT_STATUSES)[number];
export const appointmentStatusEnum = pgEnum("appointment_status", APPOINTMENT_STATUSES);

export const organizations = pgTable("organizations", {
  id: uuid("id").primaryKey().defaultRandom(),
  name: text("name").notNull(),
  slug: text("slug").notNull().unique(),
  timeZone: text("time_zone").notNull(),
  /**
   * The longest occurrence the organisation ever had (ms); only grows. Index reads look back this far
   * from a window's start, so it must never be smaller than any indexed occurrence.
   */
  maxOccurrenceMs: bigint("max_occurrence_ms", { mode: "number" }).notNull().default(0),
  /** First day of the calendars' week: 0 Sunday … 6 Saturday. */
  weekStart: integer("week_start").notNull().default(0),
  /** Working hours (local "HH:MM" in each viewer's zone) and days (0 Sunday … 6 Saturday): calendars shade the rest. */
  workdayStart: text("workday_start").notNull().default("08:00"),
  workdayEnd: text("workday_end").notNull().default("18:00"),
  workDays: integer("work_days").array().notNull().default(sql`'{1,2,3,4,5}'::integer[]`),
  /** Colours offered for patients (`#rrggbb`); new and imported patients without one take the next in turn. */
  palette: text("palette").array().notNull().default(sql`'{#1a73e8,#e8710a,#188038,#a142f4,#d93025,#12b5cb,#f538a0,#795548}'::text[]`),
  createdAt: createdAt(),
});

export const patients = pgTable(
  "patients",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    orgId: uuid("org_id")
      .notNull()
      .references(() => organizations.id, { onDelete: "cascade" }),
    externalId: text("external_id"),
    name: text("name").notNull(),
    dateOfBirth: date("date_of_birth", { mode: "string" }),
    color: text("color").notNull(),
    timeZone: text("time_zone"),
    email: text("email"),
    notes: text("notes"),
    archivedAt: tstz("archived_at"),
    createdAt: createdAt(),
    updatedAt: tstz("updated_at").notNull().defaultNow(),
  },
  (t) => [
    index("patients_org_name_idx").on(t.orgId, t.name),
    // The admin list: sorted by lower(name) or date of birth, one index scan per page; its search by
    // substring (ILIKE) uses patients_name_trgm_idx below.
    index("patients_org_lower_name_idx").on(t.orgId, sql`lower(${t.name})`, t.id),
    index("patients_org_dob_idx").on(t.orgId, t.dateOfBirth, t.id),
    // The list's count: an index-only scan of the organisation's active (or archived) patients.
    index("patients_org_archived_idx").on(t.orgId, t.archivedAt),
    uniqueIndex("patients_org_external_id_idx").on(t.orgId, t.externalId),
    // Appointment search by patient name (issue 11): substring matches from a trigram index.
    index("patients_name_trgm_idx").using("gin", t.name.op("gin_trgm_ops")),
  ],
);

export const users = pgTable(
  "users",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    orgId: uuid("org_id")
      .notNull()
      .references(() => organizations.id, { onDelete: "cascade" }),
    email: text("email").notNull(),
    name: text("name").notNull(),
    role: roleEnum("role").notNull(),
    passwordHash: text("password_hash").notNull(),
    /** Set for role `patient`: the patient record whose calendar this login sees. */
    patientId: uuid("patient_id").references(() => patients.id, { onDelete: "cascade" }),
    timeZone: text("time_zone"),
    disabledAt: tstz("disabled_at"),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex("users_email_idx").on(sql`lower(${t.email})`),
    index("users_org_idx").on(t.orgId),
    index("users_patient_idx").on(t.patientId),
    check("users_patient_role_ck", sql`(${t.role} = 'patient') = (${t.patientId} IS NOT NULL)`),
  ],
);

export const cohorts = pgTable(
  "cohorts",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    orgId: uuid("org_id")
      .notNull()
      .references(() => organizations.id, { onDelete: "cascade" }),
    name: text("name").notNull(),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex("cohorts_org_name_idx").on(t.orgId, t.name)],
);

export const cohortMembers = pgTable(
  "cohort_members",
  {
    cohortId: uuid("cohort_id")
      .notNull()
      .references(() => cohorts.id, { onDelete: "cascade" }),
    patientId: uuid("patient_id")
      .notNull()
      .references(() => patients.id, { onDelete: "cascade" }),
  },
  (t) => [primaryKey({ columns: [t.cohortId, t.patientId] }), index("cohort_members_patient_idx").on(t.patientId)],
);

/** A single event or the master of a recurring series. */
export const events = pgTable(
  "events",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    orgId: uuid("org_id")
      .notNull()
      .references(() => organizations.id, { onDelete: "cascade" }),
    title: text("title").notNull(),
    description: text("description"),
    location: text("location"),
    /** The first occurrence's instants; all-day events hold local midnights in `timeZone`. */
    startAt: tstz("start_at").notNull(),
    endAt: tstz("end_at").notNull(),
    allDay: boolean("all_day").notNull().default(false),
    timeZone: text("time_zone").notNull(),
    rrule: text("rrule"),
    /** Set on the new series created by a "this and following" split. */
    splitFromId: uuid("split_from_id"),
    /** Clinical scheduling (issue 11): the clinician and room the appointment holds, and its type. */
    clinicianId: uuid("clinician_id").references(() => resources.id, { onDelete: "set null" }),
    roomId: uuid("room_id").references(() => resources.id, { onDelete: "set null" }),
    typeId: uuid("type_id").references(() => appointmentTypes.id, { onDelete: "set null" }),
    /** Occurrences of a recurring series are materialised up to this instant. */
    materializedUntil: tstz("materialized_until"),
    /** The end of the last occurrence of a bounded series (COUNT or UNTIL); null when open-ended. */
    seriesEnd: tstz("series_end"),
    version: integer("version").notNull().default(1),
    /**
     * Bumped on every change of the event's materialised occurrences (edits and horizon extensions alike):
     * the Redis index applies only newer revisions. `version` is the user-visible edit counter.
     */
    revision: integer("revision").notNull().default(1),
    createdBy: uuid("created_by").references(() => users.id, { onDelete: "set null" }),
    createdAt: createdAt(),
    updatedAt: tstz("updated_at").notNull().defaultNow(),
  },
  (t) => [
    index("events_org_idx").on(t.orgId),
    index("events_org_materialized_idx").on(t.orgId, t.materializedUntil).where(sql`${t.rrule} IS NOT NULL`),
    check("events_end_after_start_ck", sql`${t.endAt} > ${t.startAt}`),
  ],
);

export const eventPatients = pgTable(
  "event_patients",
  {
    eventId: uuid("event_id")
      .notNull()
      .references(() => events.id, { onDelete: "cascade" }),
    patientId: uuid("patient_id")
      .notNull()
      .references(() => patients.id, { onDelete: "cascade" }),
  },
  (t) => [primaryKey({ columns: [t.eventId, t.patientId] }), index("event_patients_patient_idx").on(t.patientId)],
);

/** One per original occurrence start of a series: cancelled, or modified (moved, retitled, other patients). */
export const eventExceptions = pgTable(
  "event_exceptions",
  {
    eventId: uuid("event_id")
      .notNull()
      .references(() => events.id, { onDelete: "cascade" }),
    originalStart: tstz("original_start").notNull(),
    cancelled: boolean("cancelled").notNull().default(false),
    startAt: tstz("start_at"),
    endAt: tstz("end_at"),
    title: text("title"),
    description: text("description"),
    location: text("location"),
    patientIds: uuid("patient_ids").array(),
    /** Overrides for this occurrence only (null: the series' own). */
    clinicianId: uuid("clinician_id"),
    roomId: uuid("room_id"),
    typeId: uuid("type_id"),
  },
  (t) => [primaryKey({ columns: [t.eventId, t.originalStart] })],
);

/**
 * Materialised occurrences: the unit every view reads. Denormalised (title, patients) so that a range
 * query is one index range scan with no join; rewritten with the series on every change.
 */
export const occurrences = pgTable(
  "occurrences",
  {
    orgId: uuid("org_id").notNull(),
    eventId: uuid("event_id")
      .notNull()
      .references(() => events.id, { onDelete: "cascade" }),
    originalStart: tstz("original_start").notNull(),
    startAt: tstz("start_at").notNull(),
    endAt: tstz("end_at").notNull(),
    allDay: boolean("all_day").notNull(),
    timeZone: text("time_zone").notNull(),
    title: text("title").notNull(),
    description: text("description"),
    location: text("location"),
    patientIds: uuid("patient_ids").array().notNull(),
    recurring: boolean("recurring").notNull(),
    rrule: text("rrule"),
    version: integer("version").notNull(),
    clinicianId: uuid("clinician_id"),
    roomId: uuid("room_id"),
    typeId: uuid("type_id"),
    /** From `occurrence_statuses` (kept apart so it survives re-materialisation). */
    status: appointmentStatusEnum("status").notNull().default("booked"),
    statusReason: text("status_reason"),
    /**
     * The occurrence's JSON in the feed, times in its own time zone (drizzle/0012): what feeds asking in
     * that zone concatenate, so the Postgres path does no per-row formatting.
     */
    feedJson: text("feed_json").generatedAlwaysAs(
      sql`occurrence_json_stored(event_id, original_start, title, start_at, end_at, all_day, time_zone, patient_ids, recurring, rrule, version, description, location, clinician_id, room_id, type_id, status, status_reason)`,
    ),
  },
  (t) => [
    primaryKey({ columns: [t.eventId, t.originalStart] }),
    // In the feed's own order (start, end, event): an organisation's window is read in index order and
    // aggregated without a sort (about 2 of 8 ms for an organisation day of 1,400 occurrences).
    index("occurrences_org_start_idx").on(t.orgId, t.startAt, t.endAt, t.eventId),
    // Search and day sheets by clinician or room; the exclusion constraints (drizzle/0006) have their own GiST indexes.
    index("occurrences_clinician_start_idx").on(t.clinicianId, t.startAt).where(sql`${t.clinicianId} IS NOT NULL`),
    index("occurrences_room_start_idx").on(t.roomId, t.startAt).where(sql`${t.roomId} IS NOT NULL`),
    index("occurrences_title_trgm_idx").using("gin", t.title.op("gin_trgm_ops")),
    // Range queries look back by the longest possible occurrence; keep that bound true.
    check("occurrences_max_length_ck", sql`${t.endAt} - ${t.startAt} <= interval '${sql.raw(String(MAX_OCCURRENCE_DAYS))} days'`),
  ],
);

/** One row per (occurrence, patient): patient, cohort and selection views are range scans here. */
export const occurrencePatients = pgTable(
  "occurrence_patients",
  {
    patientId: uuid("patient_id").notNull(),
    startAt: tstz("start_at").notNull(),
    eventId: uuid("event_id").notNull(),
    originalStart: tstz("original_start").notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.patientId, t.startAt, t.eventId, t.originalStart] }),
    index("occurrence_patients_event_idx").on(t.eventId, t.originalStart),
    foreignKey({
      columns: [t.eventId, t.originalStart],
      foreignColumns: [occurrences.eventId, occurrences.originalStart],
      name: "occurrence_patients_occurrence_fk",
    }).onDelete("cascade"),
  ],
);

/**
 * One-time links that let a user set their password (an invitation, or a reset). Only the token's
 * SHA-256 is stored; a link works once (used_at) and until expires_at. Issuing a new one for a user
 * retires the older ones.
 */
export const userInvites = pgTable(
  "user_invites",
  {
    tokenHash: text("token_hash").primaryKey(),
    userId: uuid("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    orgId: uuid("org_id")
      .notNull()
      .references(() => organizations.id, { onDelete: "cascade" }),
    expiresAt: tstz("expires_at").notNull(),
    usedAt: tstz("used_at"),
    createdBy: uuid("created_by").references(() => users.id, { onDelete: "set null" }),
    createdAt: createdAt(),
  },
  (t) => [index("user_invites_user_idx").on(t.userId)],
);

/** Private ICS feed tokens (stored hashed); one active token per patient. */
export const calendarTokens = pgTable("calendar_tokens", {
  patientId: uuid("patient_id")
    .primaryKey()
    .references(() => patients.id, { onDelete: "cascade" }),
  tokenHash: text("token_hash").notNull().unique(),
  createdAt: createdAt(),
});

/**
 * Pending Redis index work, written in the same transaction as the change it describes. The write-through
 * deletes its row once Redis holds the change; the reconciler replays whatever is left (Redis was away).
 * `previous` lists the occurrences the index may still hold for the event ([startMs, patientIds]), so
 * they can be removed even when the event's Redis record was evicted.
 */
export const indexOutbox = pgTable(
  "index_outbox",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    orgId: uuid("org_id").notNull(),
    eventId: uuid("event_id").notNull(),
    /** The event's `revision` after this change. */
    version: integer("version").notNull(),
    deleted: boolean("deleted").notNull().default(false),
    previous: jsonb("previous").$type<[number, string[]][]>().notNull().default([]),
    createdAt: createdAt(),
  },
  (t) => [index("index_outbox_org_idx").on(t.orgId, t.id), index("index_outbox_event_idx").on(t.eventId, t.id)],
);

/**
 * The audit trail: who read or changed which patient's events, when, from where. Append-only for the
 * application (a trigger refuses UPDATE, DELETE and TRUNCATE; see the migration). No foreign keys: entries
 * outlive the users, patients and events they name. Written in batches by the audit consumer from a Redis
 * stream; `entry_id` (made when the entry was recorded) makes a redelivered entry a no-op.
 */
export const auditLog = pgTable(
  "audit_log",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    entryId: uuid("entry_id").notNull().unique(),
    orgId: uuid("org_id").notNull(),
    occurredAt: tstz("occurred_at").notNull(),
    recordedAt: tstz("recorded_at").notNull().defaultNow(),
    /** Null for requests without a user (a patient's private ICS feed). */
    actorUserId: uuid("actor_user_id"),
    actorRole: text("actor_role").notNull(),
    action: text("action").notNull(),
    /** The patients whose data was read or changed (a cohort read lists the cohort's members at the time). */
    patientIds: uuid("patient_ids").array().notNull().default(sql`'{}'::uuid[]`),
    /** A read of the whole organisation's calendar: every patient's events in the range. */
    allPatients: boolean("all_patients").notNull().default(false),
    eventId: uuid("event_id"),
    cohortId: uuid("cohort_id"),
    /** The user an account action (password change, disable, session revoke) was about. */
    subjectUserId: uuid("subject_user_id"),
    ip: text("ip"),
    details: jsonb("details").$type<Record<string, string | number | boolean | null>>().notNull().default({}),
  },
  (t) => [
    index("audit_log_org_time_idx").on(t.orgId, t.occurredAt),
    index("audit_log_patients_idx").using("gin", t.patientIds),
    index("audit_log_org_event_idx").on(t.orgId, t.eventId),
  ],
);

// ---------------------------------------------------------------------------------------------------
// Reminders (lib/reminders). What is due is derived from `occurrences` + these settings; the ledger
// below records what was delivered, so a lost Redis schedule is rebuilt without sending anything twice.

/** Default minutes before an appointment at which patients are reminded: 24 hours and 2 hours. */
export const DEFAULT_REMINDER_MINUTES = [1440, 120];

/** An organisation's default reminders; without a row, DEFAULT_REMINDER_MINUTES apply. */
export const reminderSettings = pgTable("reminder_settings", {
  orgId: uuid("org_id")
    .primaryKey()
    .references(() => organizations.id, { onDelete: "cascade" }),
  minutesBefore: integer("minutes_before").array().notNull(),
  updatedAt: tstz("updated_at").notNull().defaultNow(),
});

/** A series' (or single event's) own reminders, replacing the organisation's; an empty list turns them off. */
export const eventReminders = pgTable(
  "event_reminders",
  {
    eventId: uuid("event_id")
      .primaryKey()
      .references(() => events.id, { onDelete: "cascade" }),
    orgId: uuid("org_id").notNull(),
    minutesBefore: integer("minutes_before").array().notNull(),
  },
  // The schedule rebuild asks for the organisation's longest lead time.
  (t) => [index("event_reminders_org_idx").on(t.orgId)],
);

/** Staff who get a daily agenda e-mail: of one cohort, or (cohort null) of the whole organisation. */
export const agendaSubscriptions = pgTable(
  "agenda_subscriptions",
  {
    userId: uuid("user_id")
      .primaryKey()
      .references(() => users.id, { onDelete: "cascade" }),
    orgId: uuid("org_id")
      .notNull()
      .references(() => organizations.id, { onDelete: "cascade" }),
    cohortId: uuid("cohort_id").references(() => cohorts.id, { onDelete: "cascade" }),
    /** Local wall-clock time (HH:MM, the user's time zone) at which the day's agenda is sent. */
    sendAt: text("send_at").notNull().default("07:00"),
    createdAt: createdAt(),
  },
  (t) => [index("agenda_subscriptions_org_idx").on(t.orgId)],
);

export const reminderStatusEnum = pgEnum("reminder_status", ["sending", "failed", "sent", "dead", "skipped"]);

/**
 * One row per reminder that a worker has taken up: the idempotency record. `id` is derived from what the
 * reminder is (see lib/reminders/identity.ts), so every instance and every retry agrees on it, and the
 * e-mail's Message-ID derives from it too. `sending` with a lease: a worker is delivering it (a lease
 * that ran out means the worker died, possibly inside the SMTP transaction); `failed`: waiting for its
 * next attempt; `sent`, `dead` (dead-lettered) and `skipped` (superseded by a later reminder) are final.
 * No foreign key to events: the record of what was sent outlives the event.
 */
export const reminderDeliveries = pgTable(
  "reminder_deliveries",
  {
    id: text("id").primaryKey(),
    orgId: uuid("org_id")
      .notNull()
      .references(() => organizations.id, { onDelete: "cascade" }),
    /** The schedule member: what the reminder is (kind, event, occurrence, recipient, offset). */
    member: text("member").notNull(),
    kind: text("kind").notNull(),
    dueAt: tstz("due_at").notNull(),
    status: reminderStatusEnum("status").notNull(),
    attempts: integer("attempts").notNull().default(0),
    leaseOwner: text("lease_owner"),
    leaseUntil: tstz("lease_until"),
    nextAttemptAt: tstz("next_attempt_at"),
    lastError: text("last_error"),
    messageId: text("message_id").notNull(),
    sentAt: tstz("sent_at"),
    deadLetteredAt: tstz("dead_lettered_at"),
    createdAt: createdAt(),
    updatedAt: tstz("updated_at").notNull().defaultNow(),
  },
  (t) => [
    index("reminder_deliveries_org_status_idx").on(t.orgId, t.status, t.dueAt),
    index("reminder_deliveries_due_idx").on(t.dueAt),
  ],
);

/**
 * Clinical scheduling (issue 11). Resources an appointment may hold besides its patients: a clinician
 * (usually a staff login) or a room. Archived, never deleted: old appointments keep naming them.
 */
export const resourceKindEnum = pgEnum("resource_kind", ["clinician", "room"]);

export const resources = pgTable(
  "resources",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    orgId: uuid("org_id")
      .notNull()
      .references(() => organizations.id, { onDelete: "cascade" }),
    kind: resourceKindEnum("kind").notNull(),
    name: text("name").notNull(),
    /** For a clinician: their staff login, when they have one. */
    userId: uuid("user_id").references(() => users.id, { onDelete: "set null" }),
    color: text("color").notNull(),
    archivedAt: tstz("archived_at"),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex("resources_org_kind_name_idx").on(t.orgId, t.kind, t.name), index("resources_name_trgm_idx").using("gin", t.name.op("gin_trgm_ops"))],
);

/** Appointment types: choosing one fills an appointment's length and colour. */
export const appointmentTypes = pgTable(
  "appointment_types",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    orgId: uuid("org_id")
      .notNull()
      .references(() => organizations.id, { onDelete: "cascade" }),
    name: text("name").notNull(),
    durationMinutes: integer("duration_minutes").notNull(),
    color: text("color").notNull(),
    archivedAt: tstz("archived_at"),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex("appointment_types_org_name_idx").on(t.orgId, t.name),
    check("appointment_types_duration_ck", sql`${t.durationMinutes} BETWEEN 5 AND 1440`),
  ],
);

/**
 * The status of one occurrence, keyed like an exception by (event, original start): materialisation
 * copies it onto `occurrences`, so it survives every rewrite of the series. No row: booked.
 */
export const occurrenceStatuses = pgTable(
  "occurrence_statuses",
  {
    eventId: uuid("event_id")
      .notNull()
      .references(() => events.id, { onDelete: "cascade" }),
    originalStart: tstz("original_start").notNull(),
    status: appointmentStatusEnum("status").notNull(),
    reason: text("reason"),
    changedBy: uuid("changed_by").references(() => users.id, { onDelete: "set null" }),
    changedAt: tstz("changed_at").notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.eventId, t.originalStart] })],
);

/** Every status change, who made it and when (append-only; outlives the event for the record). */
export const occurrenceStatusHistory = pgTable(
  "occurrence_status_history",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    orgId: uuid("org_id").notNull(),
    eventId: uuid("event_id").notNull(),
    originalStart: tstz("original_start").notNull(),
    fromStatus: appointmentStatusEnum("from_status").notNull(),
    status: appointmentStatusEnum("status").notNull(),
    reason: text("reason"),
    changedBy: uuid("changed_by"),
    changedAt: tstz("changed_at").notNull().defaultNow(),
  },
  (t) => [index("occurrence_status_history_event_idx").on(t.eventId, t.originalStart, t.id), index("occurrence_status_history_org_idx").on(t.orgId, t.changedAt)],
);

/** Closures of the whole organisation (resource null: holidays, training days) or absences of one resource. */
export const closures = pgTable(
  "closures",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    orgId: uuid("org_id")
      .notNull()
      .references(() => organizations.id, { onDelete: "cascade" }),
    resourceId: uuid("resource_id").references(() => resources.id, { onDelete: "cascade" }),
    title: text("title").notNull(),
    startAt: tstz("start_at").notNull(),
    endAt: tstz("end_at").notNull(),
    allDay: boolean("all_day").notNull().default(false),
    createdBy: uuid("created_by").references(() => users.id, { onDelete: "set null" }),
    createdAt: createdAt(),
  },
  (t) => [index("closures_org_start_idx").on(t.orgId, t.startAt), check("closures_end_after_start_ck", sql`${t.endAt} > ${t.startAt}`)],
);

/** A clinician's (or room's) weekly working hours, local times in the organisation's zone; none: no limits. */
export const workingHours = pgTable(
  "working_hours",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    orgId: uuid("org_id")
      .notNull()
      .references(() => organizations.id, { onDelete: "cascade" }),
    resourceId: uuid("resource_id")
      .notNull()
      .references(() => resources.id, { onDelete: "cascade" }),
    /** 0 = Sunday … 6 = Saturday, as FullCalendar's businessHours and Postgres' extract(dow). */
    weekday: smallint("weekday").notNull(),
    startTime: time("start_time").notNull(),
    endTime: time("end_time").notNull(),
  },
  (t) => [
    index("working_hours_resource_idx").on(t.resourceId, t.weekday),
    check("working_hours_weekday_ck", sql`${t.weekday} BETWEEN 0 AND 6`),
    check("working_hours_order_ck", sql`${t.endTime} > ${t.startTime}`),
  ],
);

/**
 * Fencing for jobs that one instance runs at a time under a Redis lock (lib/ops/horizon-job.ts). A lock
 * can expire under a paused runner; every write of the job first raises `token` to the runner's fencing
 * token in the same transaction and is refused when a newer runner already did, so a stale runner can
 * never write after its successor. Tokens come from a Postgres sequence, not from Redis: the cache
 * instance may restart empty, and a counter that starts again at 1 would fence every later runner out.
 */
export const jobFenceTokens = pgSequence("job_fence_tokens");

export const jobFences = pgTable("job_fences", {
  name: text("name").primaryKey(),
  token: bigint("token", { mode: "number" }).notNull(),
  updatedAt: tstz("updated_at").notNull().defaultNow(),
});
