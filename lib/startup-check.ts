import { env, isBuildPhase } from "@/lib/env";

// A server with wrong configuration refuses to start with a clear message instead of failing on its
// first request. Then the background work of every instance starts: the outbox reconciler and the
// listener that keeps the in-process hot windows fresh.
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
}
