import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

const root = fileURLToPath(new URL(".", import.meta.url));

// The fault scenarios (`npm test` runs them after the build; `npm run reliability` regenerates the
// report from them): each starts its own servers and app instances, so they run one file at a time.
export default defineConfig({
  resolve: {
    alias: {
      "server-only": `${root}lib/test/server-only-stub.ts`,
      "@/": root,
    },
  },
  test: {
    include: ["lib/**/*.fault.test.ts"],
    environment: "node",
    fileParallelism: false,
    testTimeout: 180_000,
    hookTimeout: 120_000,
  },
});
