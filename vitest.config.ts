import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // Timeouts stop a hang, nothing more: no test depends on how fast the machine is, and
    // one that waits for something (a server, a prompt, a page) waits as long as it takes.
    testTimeout: 60_000,
    hookTimeout: 60_000,
    expect: { poll: { timeout: 60_000 } },
    // In-process tests never reach the developer's own keychain: the Secret Service is
    // looked for on a bus that does not exist. Keychain tests start their own.
    env: { DBUS_SESSION_BUS_ADDRESS: "unix:path=/nonexistent/sinch-ticket-test-bus" },
  },
});
