import { env, isBuildPhase } from "@/lib/env";

// A server with wrong configuration refuses to start with a clear message instead of failing on its
// first request.
if (!isBuildPhase()) {
  try {
    env();
  } catch (error) {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  }
}
