/** `callback send --print`: every event's signed request, read back by `request verify`. */
import { describe, expect, it } from "vitest";
import { CALLBACK_EVENTS } from "../../../src/index.js";
import { KEY, SECRET } from "../../helpers/constants.js";
import { runCli } from "../../helpers/io.js";

const env = { SINCH_APPLICATION_KEY: KEY, SINCH_APPLICATION_SECRET: SECRET, SINCH_WEBHOOK_SECRET: "hook secret" };

describe("callback send --print", () => {
  for (const [event, scheme] of Object.entries(CALLBACK_EVENTS)) {
    it(`${event}: a raw ${scheme} request that request verify accepts, and names the event's scheme`, async () => {
      const printed = await runCli(
        ["callback", "send", event, "--url", "https://example.com/sinch/cb?x=1", "--print"],
        { env },
      );
      expect(printed.code).toBe(0);
      expect(printed.stderr).toBe("");
      expect(printed.stdout).toMatch(
        /^POST \/sinch\/cb\?x=1 HTTP\/1\.1\r\nhost: example\.com\r\ncontent-type: application\/json; charset=utf-8\r\n/,
      );
      const verified = await runCli(["request", "verify", "--json", "-"], { env, stdin: printed.stdout });
      const result = JSON.parse(verified.stdout);
      expect(result).toMatchObject({ valid: true, code: "valid", scheme });
      expect(verified.code).toBe(0);
      // The body is the sample, in the shape of Sinch's documentation.
      const body = JSON.parse(printed.stdout.split("\r\n\r\n")[1] as string);
      expect(Object.keys(body).length).toBeGreaterThan(3);
    });
  }

  it("sends the --body-file bytes as they are, and signs them", async () => {
    const printed = await runCli(["callback", "send", "ace", "--url", "http://h/ace", "--body-file", "-", "--print"], {
      env,
      stdin: '{"event":"ace","custom":"ÅÄÖ"}',
    });
    expect(printed.stdout.endsWith('\r\n\r\n{"event":"ace","custom":"ÅÄÖ"}')).toBe(true);
    const verified = await runCli(["request", "verify", "-"], { env, stdin: printed.stdout });
    expect(verified.code).toBe(0);
  });

  it("refuses an unknown event and a URL that is not http(s), with exit 2", async () => {
    const unknown = await runCli(["callback", "send", "nope", "--url", "http://h/"], { env });
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain("Allowed choices are ice, ace, dice, pie");
    const ftp = await runCli(["callback", "send", "ace", "--url", "ftp://h/"], { env });
    expect(ftp.code).toBe(2);
    expect(ftp.stderr).toBe("error: --url must be an http:// or https:// URL\n");
  });
});

describe("callback listen --backend-timeout", () => {
  it("refuses a limit of zero, or one that is no duration, with exit 2 and one line", async () => {
    const zero = await runCli(["callback", "listen", "--forward-to", "http://127.0.0.1:9", "--backend-timeout", "0"], {
      env,
    });
    expect(zero.code).toBe(2);
    expect(zero.stderr).toBe("error: --backend-timeout must be more than 0 seconds\n");
    const words = await runCli(["callback", "listen", "--backend-timeout", "soon"], { env });
    expect(words.code).toBe(2);
    expect(words.stderr.trim().split("\n")).toHaveLength(1);
    expect(words.stderr).toContain("--backend-timeout");
  });
});
