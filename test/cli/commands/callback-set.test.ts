/** `callback send --set`: fields of the sample body changed before it is signed. */
import { validateAuthenticationHeader, validateWebhookSignature } from "@sinch/sdk-client";
import { describe, expect, it } from "vitest";
import { KEY, SECRET } from "../../helpers/constants.js";
import { runCli } from "../../helpers/io.js";

const env = { SINCH_APPLICATION_KEY: KEY, SINCH_APPLICATION_SECRET: SECRET, SINCH_WEBHOOK_SECRET: "hook secret" };
const bodyOf = (raw: string) => JSON.parse(raw.split("\r\n\r\n")[1] as string);
/** The printed request's headers (lower-case names) and body text, as a Node server would hand them over. */
function received(raw: string): { headers: Record<string, string>; body: string } {
  const [head, body] = raw.split("\r\n\r\n") as [string, string];
  const headers = Object.fromEntries(
    head
      .split("\r\n")
      .slice(1)
      .map((l) => [l.slice(0, l.indexOf(":")).toLowerCase(), l.slice(l.indexOf(":") + 1).trim()]),
  );
  return { headers, body };
}

describe("callback send --set", () => {
  it("changes fields of the sample body, nested ones included, and signs the changed body", async () => {
    const r = await runCli(
      ["callback", "send", "ice", "--url", "http://h/ice", "--print"]
        .concat(["--set", "callid=abc", "--set", "cli=+46700000001", "--set", "to.endpoint=+46700000009"])
        .concat(["--set", "userRate.amount=0.5", "--set", 'custom={"a":[1,2]}']),
      { env },
    );
    expect(r.code, r.stderr).toBe(0);
    const body = bodyOf(r.stdout);
    expect(body).toMatchObject({
      event: "ice",
      callid: "abc",
      cli: "+46700000001",
      to: { type: "number", endpoint: "+46700000009" },
      userRate: { currencyId: "USD", amount: 0.5 },
      custom: { a: [1, 2] },
    });
    const verified = await runCli(["request", "verify", "-"], { env, stdin: r.stdout });
    expect(verified.code).toBe(0);
    const { headers, body: text } = received(r.stdout);
    expect(validateAuthenticationHeader(KEY, SECRET, headers, text, "/ice", "POST")).toBe(true);
  });

  it("works for webhooks too", async () => {
    const r = await runCli(
      ["callback", "send", "sms-delivery-report", "--url", "http://h/dr", "--print", "--set", "status=Failed"],
      { env },
    );
    expect(bodyOf(r.stdout).status).toBe("Failed");
    const { headers, body } = received(r.stdout);
    expect(validateWebhookSignature("hook secret", headers, body)).toBe(true);
    expect((await runCli(["request", "verify", "-"], { env, stdin: r.stdout })).code).toBe(0);
  });

  it.each([
    [["--set", "callid"], /^error: --set: 'callid' is not <path>=<value>/],
    [["--set", "callid.x=1"], /^error: --set: callid is ".*", not an object: cannot set callid\.x/],
    [
      ["--set", "a=1", "--body-file", "-"],
      /^error: --set changes the sample body; with --body-file, change the file instead/,
    ],
  ])("refuses %j with exit 2", async (extra, message) => {
    const r = await runCli(["callback", "send", "ice", "--url", "http://h/ice", "--print", ...extra], {
      env,
      stdin: "{}",
    });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stdout).toBe("");
  });
});
