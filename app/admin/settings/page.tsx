import { AppHeader } from "@/components/AppHeader";
import { FlashMessages } from "@/components/admin/FlashMessages";
import { describeActor } from "@/lib/auth/describe-actor";
import { requirePageActor } from "@/lib/auth/require-page-actor";
import { getOrgSettings } from "@/lib/org/settings";
import { saveSettingsAction } from "./actions";

export const dynamic = "force-dynamic";

const DAYS = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"];

/** The organisation's settings: name, default time zone, week start, working hours and days, patient colours. */
export default async function SettingsPage({ searchParams }: { searchParams: Promise<{ notice?: string; error?: string }> }) {
  const actor = await requirePageActor(["admin"]);
  const [{ userName, orgName }, settings, flash] = await Promise.all([describeActor(actor), getOrgSettings(actor.orgId), searchParams]);
  return (
    <>
      <AppHeader title={`${orgName} — settings`} subtitle={`${userName} (admin)`} role={actor.role} current="/admin/settings" />
      <main className="admin-page">
        <FlashMessages {...flash} />
        <form action={saveSettingsAction} className="patient-form" aria-label="Organisation settings">
          <label htmlFor="name">Organisation name</label>
          <input id="name" name="name" required maxLength={120} defaultValue={settings.name} />
          <label htmlFor="timeZone">Default time zone (IANA, e.g. America/New_York)</label>
          <input id="timeZone" name="timeZone" required maxLength={64} defaultValue={settings.timeZone} />
          <label htmlFor="weekStart">Weeks start on</label>
          <select id="weekStart" name="weekStart" defaultValue={String(settings.weekStart)}>
            {DAYS.map((d, i) => (
              <option key={d} value={i}>{d}</option>
            ))}
          </select>
          <label htmlFor="workdayStart">Working hours from</label>
          <input id="workdayStart" name="workdayStart" type="time" required defaultValue={settings.workdayStart} />
          <label htmlFor="workdayEnd">to</label>
          <input id="workdayEnd" name="workdayEnd" type="time" required defaultValue={settings.workdayEnd} />
          <fieldset>
            <legend>Working days</legend>
            {DAYS.map((d, i) => (
              <label key={d} className="inline">
                <input type="checkbox" name="workDays" value={i} defaultChecked={settings.workDays.includes(i)} /> {d}
              </label>
            ))}
          </fieldset>
          <label htmlFor="palette">Patient colours (#rrggbb, separated by commas; new patients take them in turn)</label>
          <input id="palette" name="palette" required defaultValue={settings.palette.join(", ")} />
          <p aria-hidden="true">
            {settings.palette.map((c) => (
              <span key={c} className="swatch" style={{ background: c }} />
            ))}
          </p>
          <p>
            <button type="submit" className="primary">Save settings</button>
          </p>
        </form>
      </main>
    </>
  );
}
