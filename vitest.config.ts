import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

const root = fileURLToPath(new URL(".", import.meta.url));

export default defineConfig({
  resolve: {
    alias: {
      // `server-only` throws outside React Server Components; tests are server code too.
      "server-only": `${root}lib/test/server-only-stub.ts`,
      "@/": root,
    },
  },
  test: {
    include: ["lib/**/*.test.ts", "scripts/**/*.test.ts", "app/**/*.test.ts"],
    // Fault scenarios need the production build and their own servers: vitest.faults.config.ts.
    exclude: ["**/node_modules/**", "**/*.fault.test.ts"],
    environment: "node",
    testTimeout: 20_000,
    hookTimeout: 30_000,
  },
});
