"use server";

import { headers } from "next/headers";
import { authorizeAction } from "@/lib/auth/authorize";
import { clientIp } from "@/lib/http/client-ip";
import { formText, runFormAction } from "@/lib/http/form-action";
import { createPatient, setPatientArchived, updatePatient } from "@/lib/patients/admin-patients";
import { setPatientLoginDisabled } from "@/lib/patients/patient-logins";

/** Thin: Origin, session and role (admin), then lib validates and scopes to the admin's organisation. */
const ADMIN = { roles: ["admin"] as const };
const ip = async () => clientIp(await headers());

function patientFields(form: FormData) {
  return {
    name: formText(form, "name"),
    dateOfBirth: formText(form, "dateOfBirth"),
    color: formText(form, "color"),
    timeZone: formText(form, "timeZone"),
    email: formText(form, "email"),
    notes: formText(form, "notes"),
    externalId: formText(form, "externalId"),
  };
}

export async function createPatientAction(form: FormData): Promise<void> {
  await runFormAction(
    "/patients",
    async () => {
      const id = await createPatient(await authorizeAction(ADMIN), patientFields(form), await ip());
      return { notice: "Patient created", to: `/patients/${id}` };
    },
    "/patients/new",
  );
}

export async function updatePatientAction(form: FormData): Promise<void> {
  const id = formText(form, "patientId");
  const page = `/patients/${encodeURIComponent(id)}`;
  await runFormAction(page, async () => {
    await updatePatient(await authorizeAction(ADMIN), id, patientFields(form), await ip());
    return { notice: "Saved" };
  });
}

export async function archivePatientAction(form: FormData): Promise<void> {
  const id = formText(form, "patientId");
  const archived = formText(form, "archived") === "1";
  await runFormAction(`/patients/${encodeURIComponent(id)}`, async () => {
    await setPatientArchived(await authorizeAction(ADMIN), id, archived, await ip());
    return { notice: archived ? "Patient archived: gone from pickers and cohort views; their login is disabled" : "Patient restored" };
  });
}

export async function setPatientLoginAction(form: FormData): Promise<void> {
  const id = formText(form, "patientId");
  const disabled = formText(form, "disabled") === "1";
  await runFormAction(`/patients/${encodeURIComponent(id)}`, async () => {
    await setPatientLoginDisabled(await authorizeAction(ADMIN), id, disabled, await ip());
    return { notice: disabled ? "Login disabled; its sessions have ended" : "Login enabled" };
  });
}
