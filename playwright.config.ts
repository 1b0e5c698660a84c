import { defineConfig, devices } from "@playwright/test";
import { METRICS_TOKEN, SERVER_LOG_FILE } from "./e2e/server-env";

// `npm test` provisions the services and passes their URLs, TEST_PORT and CHROMIUM_PATH in the environment.
const port = Number(process.env.TEST_PORT ?? 3100);
const baseURL = process.env.NEXTAUTH_URL ?? `http://localhost:${port}`;

export default defineConfig({
  testDir: "./e2e",
  fullyParallel: true,
  forbidOnly: true,
  retries: 0,
  workers: 2,
  // Journeys (create, drag, edit, delete, then a second user) load several pages; on a 2-core machine
  // that shares the server, Postgres and Redis with the browser, 30 s left too little headroom.
  timeout: 60_000,
  expect: { timeout: 10_000 },
  reporter: [["list"], ["html", { open: "never", outputFolder: "playwright-report" }]],
  outputDir: "test-results",
  use: {
    baseURL,
    timezoneId: "America/New_York",
    locale: "en-US",
    trace: "retain-on-failure",
    screenshot: "only-on-failure",
    video: "off",
  },
  projects: [
    {
      name: "chromium",
      use: {
        ...devices["Desktop Chrome"],
        launchOptions: {
          executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
          args: [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-dev-shm-usage",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            "--disable-quic",
          ],
        },
      },
    },
  ],
  webServer: {
    command: `./node_modules/.bin/next start -H 127.0.0.1 -p ${port}`,
    url: `http://127.0.0.1:${port}/api/health/live`,
    reuseExistingServer: false,
    // The runner resolves `server-only` with the react-server condition; the server must not inherit it.
    // Logs to a file the specs read (request ids, no patient data); metrics behind a known test token.
    env: { NODE_OPTIONS: "", LOG_FILE: SERVER_LOG_FILE, METRICS_TOKEN },
    timeout: 60_000,
    stdout: "ignore",
    stderr: "pipe",
  },
});
