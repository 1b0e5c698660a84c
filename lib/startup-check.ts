import { env, isBuildPhase } from "@/lib/env";

// A server with wrong configuration refuses to start with a clear message instead of failing on its
// first request. Then the background work of every instance starts: the outbox reconciler, the
// listener that keeps the in-process hot windows fresh, the recovery that keeps reads off the index
// after a cache outage until the outbox is replayed, and the reminder worker (REMINDER_WORKER=off
// leaves reminders to `npm run worker` processes), and the operations side (statistics, the horizon job,
// an optional cache warm-up).
if (!isBuildPhase()) {
  try {
    env();
  } catch (error) {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  }
  const { startReconciler } = await import("@/lib/events/index/reconcile");
  const { startInvalidationListener } = await import("@/lib/events/index/live-subscriber");
  startReconciler();
  startInvalidationListener();
  const { startIndexRecovery } = await import("@/lib/reliability/index-recovery");
  startIndexRecovery();
  // Not awaited: a Redis that is still starting must not hold up the server (requests fail closed meanwhile).
  void import("./startup-tasks")
    .then(({ runStartupTasks }) => runStartupTasks())
    .catch((error: unknown) => console.error("start-up tasks failed:", error));
  if (env().REMINDER_WORKER === "on") {
    const { startReminderWorker } = await import("@/lib/reminders/worker");
    startReminderWorker();
  }
  const { startOperations } = await import("@/lib/ops/start-ops");
  startOperations();
}
