import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    testTimeout: 20000,
    // In-process tests never reach the developer's own keychain: the Secret Service is
    // looked for on a bus that does not exist. Keychain tests start their own.
    env: { DBUS_SESSION_BUS_ADDRESS: "unix:path=/nonexistent/sinch-ticket-test-bus" },
  },
});
