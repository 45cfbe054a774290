/**
 * Two projects, so one `vitest run` runs both: unit tests need nothing
 * outside the process; e2e tests run the built CLI against the test bed,
 * which only the e2e project starts (globalSetup).
 */
import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: "unit",
          include: ["test/unit/**/*.test.ts"],
        },
      },
      {
        test: {
          name: "e2e",
          include: ["test/e2e/**/*.test.ts"],
          globalSetup: ["test/bed/global-setup.ts"],
          // Real pushes through podman and dockerd: seconds each, more on a busy machine.
          testTimeout: 180_000,
          hookTimeout: 180_000,
        },
      },
    ],
  },
});
