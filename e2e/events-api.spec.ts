import { expect, test } from "./fixtures";

const TZ = "America/New_York";

test("staff create, read, edit and delete a series over HTTP with the contract's codes", async ({ page, org, loginAs }) => {
  await loginAs(org.staff);
  const api = page.request;
  const body = {
    title: "Weekly check-in",
    start: "2032-05-03T09:00:00-04:00",
    end: "2032-05-03T09:30:00-04:00",
    timeZone: TZ,
    rrule: "FREQ=WEEKLY;COUNT=4",
    patientIds: [org.patients[0]!.id],
  };
  const created = await api.post("/api/events", { data: body });
  expect(created.status()).toBe(201);
  const series = (await created.json()) as { id: string; version: number; rrule: string };
  expect(series.rrule).toBe("FREQ=WEEKLY;COUNT=4");

  const clash = await api.post("/api/events", { data: { ...body, rrule: undefined, title: "Clash" } });
  expect(clash.status()).toBe(409);
  const conflict = (await clash.json()) as { error: { code: string; conflicts: { title: string }[] } };
  expect(conflict.error.code).toBe("scheduling_conflict");
  expect(conflict.error.conflicts[0]!.title).toBe("Weekly check-in");

  const noScope = await api.patch(`/api/events/${series.id}`, { data: { title: "x" } });
  expect(noScope.status()).toBe(400);
  expect(((await noScope.json()) as { error: { message: string } }).error.message).toMatch(/scope is required/);

  const moved = await api.patch(`/api/events/${series.id}`, {
    data: { scope: "this", occurrenceStart: "2032-05-10T09:00:00-04:00", start: "2032-05-10T13:00:00-04:00", end: "2032-05-10T13:30:00-04:00" },
  });
  expect(moved.status()).toBe(200);
  const stale = await api.patch(`/api/events/${series.id}`, { data: { scope: "all", title: "Stale", version: series.version } });
  expect(stale.status()).toBe(409);
  expect(((await stale.json()) as { error: { code: string } }).error.code).toBe("version_conflict");

  const removed = await api.delete(`/api/events/${series.id}?scope=following&occurrenceStart=${encodeURIComponent("2032-05-17T09:00:00-04:00")}`);
  expect(removed.status()).toBe(204);
  const feed = await api.get(`/api/events?start=2032-05-01T00:00:00&end=2032-06-01T00:00:00&timeZone=${TZ}`);
  const starts = ((await feed.json()) as { eventId: string; start: string }[]).filter((o) => o.eventId === series.id).map((o) => o.start);
  expect(starts).toEqual(["2032-05-03T09:00:00-04:00", "2032-05-10T13:00:00-04:00"]);

  const detail = (await (await api.get(`/api/events/${series.id}`)).json()) as { exceptions: { originalStart: string; start: string }[] };
  expect(detail.exceptions).toEqual([expect.objectContaining({ originalStart: "2032-05-10T09:00:00-04:00", start: "2032-05-10T13:00:00-04:00" })]);
});

test("bad or foreign requests get 400, 403 and 404, never 500", async ({ page, org, loginAs }) => {
  await loginAs(org.staff);
  const api = page.request;
  const notJson = await api.post("/api/events", { data: "{not json", headers: { "Content-Type": "application/json" } });
  expect(notJson.status()).toBe(400);
  const badRule = await api.post("/api/events", {
    data: { title: "x", start: "2032-05-03T09:00:00-04:00", end: "2032-05-03T09:30:00-04:00", timeZone: TZ, rrule: "FREQ=SOMETIMES", patientIds: [org.patients[0]!.id] },
  });
  expect(badRule.status()).toBe(400);
  expect(((await badRule.json()) as { error: { message: string } }).error.message).toMatch(/^rrule: /);
  expect((await api.get("/api/events/not-a-uuid")).status()).toBe(404);
  expect((await api.get("/api/events/00000000-0000-4000-8000-000000000000")).status()).toBe(404);
  expect((await api.delete("/api/events/00000000-0000-4000-8000-000000000000")).status()).toBe(404);

  await loginAs(org.patients[0]!.user);
  const asPatient = await api.post("/api/events", {
    data: { title: "x", start: "2032-05-03T09:00:00-04:00", end: "2032-05-03T09:30:00-04:00", timeZone: TZ, patientIds: [org.patients[0]!.id] },
  });
  expect(asPatient.status()).toBe(403);
});
