/** Five minutes: past every test's own timeout, so only a poll left over from a hang ends here. */
const LEFT_OVER_MS = 5 * 60_000;

/**
 * Waits until `condition` holds, looking every `everyMs`. It sets no time limit of its own
 * (a slow machine only waits longer): the test's timeout (vitest.config.ts) stops a hang.
 */
export async function until(condition: () => boolean, what = condition.toString(), everyMs = 25): Promise<void> {
  const started = performance.now();
  while (!condition()) {
    if (performance.now() - started > LEFT_OVER_MS) throw new Error(`still waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}
