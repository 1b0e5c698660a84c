/**
 * The demo organisations, people and appointments, as plain data: deterministic for a given seeding day
 * (a seeded PRNG, no clock reads here), so every newcomer sees the same calendar shape.
 */
export const DEMO_PASSWORD = "demo-password";

const FIRST = ["Ada", "Ben", "Chloe", "Dev", "Elena", "Farid", "Grace", "Hugo", "Iris", "Jonas", "Keiko", "Liam", "Maya", "Noah", "Olga", "Pedro", "Quinn", "Rosa", "Sami", "Tara", "Umar", "Vera", "Wes", "Xia", "Yusuf", "Zoe"];
const LAST = ["Adams", "Baker", "Costa", "Diaz", "Evans", "Fischer", "Garcia", "Hughes", "Ivanova", "Jensen", "Kowalski", "Lopez", "Moreau", "Nakamura", "Okafor", "Patel", "Quist", "Rossi", "Schmidt", "Tanaka"];
const COLORS = ["#1a73e8", "#d93025", "#188038", "#e37400", "#9334e6", "#007b83", "#b31412", "#3949ab", "#c2185b", "#5f6368", "#0b8043", "#8e24aa"];
const APPOINTMENTS = ["Physiotherapy", "Check-in", "Nurse review", "Counselling", "Medication review"];
const WEEKDAYS = ["MO", "TU", "WE", "TH", "FR"] as const;

export interface PlannedSeries {
  title: string;
  location: string;
  /** Weekday codes for BYDAY; the first is the day of the first occurrence. */
  days: (typeof WEEKDAYS)[number][];
  time: string;
  minutes: number;
  /** Indexes into the organisation's patient list. */
  patients: number[];
  intervalWeeks?: number;
}

export interface PlannedOrganization {
  slug: string;
  name: string;
  timeZone: string;
  patientCount: number;
  accounts: { email: string; name: string; role: "admin" | "staff" | "patient"; patient?: number }[];
  cohorts: { name: string; patients: number[] }[];
  series: PlannedSeries[];
}

function mulberry32(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export const patientName = (i: number) => `${FIRST[i % FIRST.length]} ${LAST[Math.floor(i / FIRST.length) % LAST.length]}`;
export const patientColor = (i: number) => COLORS[i % COLORS.length]!;
const range = (from: number, count: number) => Array.from({ length: count }, (_, k) => from + k);

function individualSeries(patientCount: number, seed: number): PlannedSeries[] {
  const random = mulberry32(seed);
  return range(0, patientCount).map((i) => {
    const day = WEEKDAYS[Math.floor(random() * WEEKDAYS.length)]!;
    const hour = 8 + Math.floor(random() * 9);
    const minute = random() < 0.5 ? "00" : "30";
    return {
      title: APPOINTMENTS[Math.floor(random() * APPOINTMENTS.length)]!,
      location: `Room ${1 + Math.floor(random() * 6)}`,
      days: [day],
      time: `${String(hour).padStart(2, "0")}:${minute}`,
      minutes: random() < 0.6 ? 30 : 45,
      patients: [i],
    };
  });
}

export const demoPlan: PlannedOrganization[] = [
  {
    slug: "sunrise",
    name: "Sunrise Health",
    timeZone: "America/New_York",
    patientCount: 200,
    accounts: [
      { email: "admin@sunrise.test", name: "Alex Admin", role: "admin" },
      { email: "staff@sunrise.test", name: "Sam Staff", role: "staff" },
      { email: "patient1@sunrise.test", name: patientName(0), role: "patient", patient: 0 },
      { email: "patient2@sunrise.test", name: patientName(1), role: "patient", patient: 1 },
    ],
    cohorts: [
      { name: "Cardiac rehab", patients: range(0, 12) },
      { name: "Diabetes group", patients: range(12, 20) },
    ],
    series: [
      ...individualSeries(200, 20240101),
      { title: "Cardiac rehab group", location: "Gym", days: ["TU", "TH"], time: "14:00", minutes: 60, patients: range(0, 12) },
      { title: "Diabetes education", location: "Room 7", days: ["WE"], time: "10:00", minutes: 90, patients: range(12, 20) },
      ...range(0, 5).map((g) => ({
        title: `Support group ${String.fromCharCode(65 + g)}`,
        location: "Room 8",
        days: [WEEKDAYS[g]!],
        time: "17:00",
        minutes: 60,
        intervalWeeks: 2,
        patients: range(40 + g * 6, 6),
      })),
    ],
  },
  {
    slug: "lakeside",
    name: "Lakeside Clinic",
    timeZone: "Europe/London",
    patientCount: 50,
    accounts: [
      { email: "admin@lakeside.test", name: "Lee Admin", role: "admin" },
      { email: "staff@lakeside.test", name: "Kim Staff", role: "staff" },
      { email: "patient1@lakeside.test", name: patientName(100), role: "patient", patient: 0 },
      { email: "patient2@lakeside.test", name: patientName(101), role: "patient", patient: 1 },
    ],
    cohorts: [{ name: "Pulmonary rehab", patients: range(0, 8) }],
    series: [
      ...individualSeries(50, 20240202),
      { title: "Pulmonary rehab group", location: "Studio", days: ["MO"], time: "11:00", minutes: 60, patients: range(0, 8) },
    ],
  },
];

/** Lakeside's patients are named from a different part of the name space than Sunrise's. */
export const patientNameFor = (slug: string, i: number) => patientName(slug === "lakeside" ? 100 + i : i);
