import type { PatientRecord } from "@/lib/patients/admin-patients";

/** The patient's editable fields as a plain form (works without JavaScript), for create and edit. */
export function PatientForm({
  action,
  patient,
  palette,
  readOnly = false,
}: {
  action: (form: FormData) => Promise<void>;
  patient?: PatientRecord;
  palette: string[];
  readOnly?: boolean;
}) {
  return (
    <form action={action} className="patient-form" aria-label={patient ? "Patient details" : "New patient"}>
      {patient ? <input type="hidden" name="patientId" value={patient.id} /> : null}
      <fieldset disabled={readOnly}>
        <label htmlFor="name">Name</label>
        <input id="name" name="name" required maxLength={200} defaultValue={patient?.name ?? ""} />
        <label htmlFor="dateOfBirth">Date of birth</label>
        <input id="dateOfBirth" name="dateOfBirth" type="date" defaultValue={patient?.dateOfBirth ?? ""} />
        <label htmlFor="color">Colour</label>
        <input id="color" name="color" type="color" list="palette" defaultValue={patient?.color ?? palette[0] ?? "#1a73e8"} />
        <datalist id="palette">
          {palette.map((c) => (
            <option key={c} value={c} />
          ))}
        </datalist>
        <label htmlFor="timeZone">Time zone (empty: the organisation&apos;s)</label>
        <input id="timeZone" name="timeZone" placeholder="e.g. Europe/London" maxLength={64} defaultValue={patient?.timeZone ?? ""} />
        <label htmlFor="email">Contact e-mail</label>
        <input id="email" name="email" type="email" maxLength={254} defaultValue={patient?.email ?? ""} />
        <label htmlFor="externalId">External id (practice-management system)</label>
        <input id="externalId" name="externalId" maxLength={100} defaultValue={patient?.externalId ?? ""} />
        <label htmlFor="notes">Notes</label>
        <textarea id="notes" name="notes" rows={4} maxLength={5000} defaultValue={patient?.notes ?? ""} />
        {readOnly ? null : (
          <p>
            <button type="submit" className="primary">{patient ? "Save" : "Create patient"}</button>
          </p>
        )}
      </fieldset>
    </form>
  );
}
