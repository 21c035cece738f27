/**
 * Outside values on a terminal: whatever a ticket, a header, a body or a file name holds,
 * the human output carries no raw ESC, BEL, C1 control, bidirectional override or
 * zero-width character; each is written as a `\u001b`-style escape. JSON stays JSON.
 */
import { createHmac } from "node:crypto";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { signApplicationRequest } from "../../../src/index.js";
import { createApp } from "../../../src/server/app.js";
import { KEY, NOW, SECRET } from "../../helpers/constants.js";
import { runCli } from "../../helpers/io.js";

const env = { SINCH_APPLICATION_KEY: KEY, SINCH_APPLICATION_SECRET: SECRET };
// biome-ignore lint/suspicious/noControlCharactersInRegex: what must never reach a terminal
const RAW = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u200b-\u200d\u2028\u2029\u202a-\u202e\u2060\u2066-\u2069\ufeff]/;
const TITLE = "\u001b]0;owned\u0007";

function ticketOf(json: string): string {
  const data = Buffer.from(json, "utf8");
  const mac = createHmac("sha256", Buffer.from(SECRET, "base64")).update(data).digest("base64");
  return `${data.toString("base64")}:${mac}`;
}
const created = "2026-11-28T11:59:00Z";

describe("outside values reach the terminal escaped", () => {
  it("decode: an unknown field name that would set the terminal's title", async () => {
    const json = JSON.stringify({
      applicationKey: KEY,
      identity: { type: "username", endpoint: "al\u202eice" },
      created,
      [`x${TITLE}`]: "\u009b31m",
    });
    const r = await runCli(["decode", ticketOf(json)], { now: NOW });
    expect(r.code).toBe(0);
    expect(r.stdout + r.stderr).not.toMatch(RAW);
    expect(r.stderr).toContain("\\u001b]0;owned\\u0007");
    expect(r.stdout).toContain("al\\u202eice");
    // JSON output stays JSON: its encoder escapes, the values read back unchanged.
    const doc = JSON.parse((await runCli(["decode", "--json", ticketOf(json)], { now: NOW })).stdout);
    expect(doc.payload[`x${TITLE}`]).toBe("\u009b31m");
  });

  it("verify: a key mismatch quoting the ticket's application key", async () => {
    const json = JSON.stringify({
      applicationKey: `k${TITLE}`,
      identity: { type: "username", endpoint: "a" },
      created,
    });
    const r = await runCli(["verify", ticketOf(json)], { env, now: NOW });
    expect(r.code).toBe(7);
    expect(r.stdout + r.stderr).not.toMatch(RAW);
    expect(r.stdout).toContain("k\\u001b]0;owned\\u0007");
  });

  it("request verify: the Authorization scheme and x-timestamp with escape sequences", async () => {
    const signed = signApplicationRequest({
      applicationKey: KEY,
      applicationSecret: SECRET,
      method: "POST",
      resource: "/x",
      body: "{}",
      contentType: "application/json",
      timestamp: NOW.toISOString(),
    });
    const request = (timestamp: string, authorization: string) =>
      `POST /x HTTP/1.1\nContent-Type: application/json\nx-timestamp: ${timestamp}\nAuthorization: ${authorization}\n\n{}`;
    const scheme = await runCli(["request", "verify", "-"], {
      env,
      now: NOW,
      stdin: request(signed.timestamp, signed.authorization.replace("Application", "Appl\u001b[2Jication")),
    });
    expect(scheme.code).toBe(6);
    expect(scheme.stdout + scheme.stderr).not.toMatch(RAW);
    expect(scheme.stdout).toContain("'Appl\\u001b[2Jication'");
    const timestamp = await runCli(["request", "verify", "-"], {
      env,
      now: NOW,
      stdin: request(`${TITLE}\u009b31m`, signed.authorization),
    });
    expect(timestamp.code).toBe(6);
    expect(timestamp.stdout + timestamp.stderr).not.toMatch(RAW);
    expect(timestamp.stdout).toContain("\\u001b]0;owned\\u0007\\u009b31m");
  });

  it("error messages that quote a file name", async () => {
    const name = `missing${TITLE}.txt`;
    const batch = await runCli(["verify", "--batch", name], { env, cwd: mkdtempSync(join(tmpdir(), "st-esc-")) });
    expect(batch.code).toBe(2);
    expect(batch.stderr).not.toMatch(RAW);
    expect(batch.stderr).toContain("missing\\u001b]0;owned\\u0007.txt");
  });

  it("config list: a profile name from the config file", async () => {
    const home = mkdtempSync(join(tmpdir(), "st-esc-"));
    const path = join(home, "config.json");
    writeFileSync(
      path,
      JSON.stringify({ profiles: { [`p${TITLE}`]: { applicationKey: `k\u202e`, applicationSecret: SECRET } } }),
      { mode: 0o600 },
    );
    const r = await runCli(["config", "list"], { home, env: { SINCH_TICKET_CONFIG: path } });
    expect(r.stdout + r.stderr).not.toMatch(RAW);
    expect(r.stdout).toContain("p\\u001b]0;owned\\u0007");
    expect(r.stdout).toContain("k\\u202e");
  });

  it("the servers' access log: the identity a request gave", async () => {
    let logged = "";
    const app = createApp({ log: (lines) => (logged += lines), bodyTypes: "JSON" });
    // As serve's Basic authentication does: the user name given goes in the log line.
    app.addHook("onRequest", async (request) => {
      request.identity = String(request.headers["x-user"]);
    });
    await app.listen({ port: 0, host: "127.0.0.1" });
    try {
      const address = app.server.address() as { port: number };
      const { connect } = await import("node:net");
      await new Promise<void>((resolve, reject) => {
        // Raw bytes on the wire: 0x9b (C1 CSI, read as Latin-1) and 0x85 (NEL) in a header.
        const socket = connect(address.port, "127.0.0.1", () => {
          socket.end(
            Buffer.from(
              "GET /healthz HTTP/1.1\r\nHost: h\r\nX-User: a\u009b2J\u0085x\r\nConnection: close\r\n\r\n",
              "latin1",
            ),
          );
        });
        socket.on("data", () => {});
        socket.on("close", () => resolve());
        socket.on("error", reject);
      });
      await app.close();
      expect(logged).toContain("GET /healthz 200");
      expect(logged).toContain('"a\\u009b2J\\u0085x"');
      expect(logged).not.toMatch(RAW);
    } finally {
      await app.close();
    }
  });
});
