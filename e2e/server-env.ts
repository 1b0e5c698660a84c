import { tmpdir } from "node:os";
import path from "node:path";

/**
 * What the e2e web server is started with beyond `npm test`'s environment (playwright.config.ts), and
 * what specs need to know about it: where it writes its JSON log lines, and its metrics bearer token.
 */
const port = Number(process.env.TEST_PORT ?? 3100);
export const SERVER_LOG_FILE = path.join(tmpdir(), `cohort-calendar-e2e-${port}.log`);
export const METRICS_TOKEN = process.env.METRICS_TOKEN ?? "e2e-metrics-token-not-a-secret";
