/**
 * `callback replay`: a captured callback, checked, signed again as Sinch would now and sent
 * to a backend that validates with Sinch's own SDK (@sinch/sdk-client 1.5.0) and, as a
 * backend rightly does, refuses a signed time more than 15 minutes from its clock.
 */
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { validateAuthenticationHeader, validateSignatureHeader, validateWebhookSignature } from "@sinch/sdk-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CALLBACK_EVENTS } from "../../../src/index.js";
import { KEY, NOW, SECRET } from "../../helpers/constants.js";
import { runCli } from "../../helpers/io.js";

const WEBHOOK_SECRET = "my webhook secret ☺";
const env = { SINCH_APPLICATION_KEY: KEY, SINCH_APPLICATION_SECRET: SECRET, SINCH_WEBHOOK_SECRET: WEBHOOK_SECRET };
/** When the capture was made: two days before the replay. */
const CAPTURED_AT = new Date(NOW.getTime() - 2 * 86400_000);

let server: Server;
let base: string;
const seen: { target: string; body: string; accepted: boolean; fresh: boolean; host: string }[] = [];

function read(request: IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    request.on("data", (c: Buffer) => chunks.push(c));
    request.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
  });
}

/** The signed time is within 15 minutes of the backend's clock (the tests' frozen now). */
function fresh(request: IncomingMessage): boolean {
  const stamp = request.headers["x-timestamp"] ?? request.headers["x-sinch-webhook-signature-timestamp"];
  if (stamp === undefined) return true; // Numbers webhooks carry no time.
  const ms = /^\d+$/.test(String(stamp)) ? Number(stamp) * 1000 : Date.parse(String(stamp));
  return Math.abs(ms - NOW.getTime()) <= 15 * 60_000;
}

beforeAll(async () => {
  server = createServer(async (request, response) => {
    const text = await read(request);
    const url = new URL(request.url ?? "/", "http://127.0.0.1");
    const scheme = url.searchParams.get("scheme");
    const valid =
      scheme === "application"
        ? validateAuthenticationHeader(KEY, SECRET, request.headers, text, url.pathname, request.method ?? "")
        : scheme === "webhook"
          ? validateWebhookSignature(WEBHOOK_SECRET, request.headers, text)
          : validateSignatureHeader(WEBHOOK_SECRET, request.headers, text);
    const isFresh = fresh(request);
    seen.push({
      target: request.url ?? "",
      body: text,
      accepted: valid,
      fresh: isFresh,
      host: request.headers.host ?? "",
    });
    const ok = valid && isFresh;
    response.writeHead(ok ? 200 : 401, { "content-type": "application/json" });
    response.end(JSON.stringify({ valid, fresh: isFresh }));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

/** A callback as Sinch sent it two days ago, captured as raw HTTP at the production host. */
async function capture(event: string, scheme: string): Promise<string> {
  const r = await runCli(
    ["callback", "send", event, "--url", `https://production.example.com/sinch/${event}?scheme=${scheme}`, "--print"],
    { env, now: CAPTURED_AT },
  );
  expect(r.code).toBe(0);
  return r.stdout;
}

/** Sends raw HTTP bytes as they are, to the backend. */
async function sendRaw(raw: string): Promise<number> {
  const [head, body] = raw.split("\r\n\r\n") as [string, string];
  const [requestLine, ...headerLines] = head.split("\r\n");
  const target = (requestLine as string).split(" ")[1] as string;
  const headers = Object.fromEntries(
    headerLines.filter((l) => !/^host:/i.test(l)).map((l) => [l.slice(0, l.indexOf(":")), l.slice(l.indexOf(":") + 2)]),
  );
  const answer = await fetch(`${base}${target}`, { method: "POST", headers, body });
  return answer.status;
}

describe("callback replay, to a backend that validates with @sinch/sdk-client", () => {
  for (const [event, scheme] of Object.entries(CALLBACK_EVENTS)) {
    it(`${event}: says the capture was valid, re-signs it, and the backend accepts it`, async () => {
      const raw = await capture(event, scheme);
      const target = `/sinch/${event}?scheme=${scheme}`;
      // The capture as it is: the backend refuses its old time (Numbers webhooks carry none).
      if (scheme !== "numbers") expect(await sendRaw(raw)).toBe(401);

      const r = await runCli(["callback", "replay", "-", "--url", base], { env, stdin: raw });
      expect(r.stdout).toBe('HTTP/1.1 200 OK\n{"valid":true,"fresh":true}\n');
      expect(r.code).toBe(0);
      expect(r.stderr).toBe(
        scheme === "numbers"
          ? "note: the captured callback is valid\n"
          : `note: the captured callback was valid when sent; its timestamp is out of range now (${"expired"})\n`,
      );
      const last = seen.at(-1);
      expect(last).toMatchObject({ target, accepted: true, fresh: true, host: new URL(base).host });
      expect(last?.body).toBe(raw.split("\r\n\r\n")[1]);
    });
  }

  it("says a capture with a bad signature was not valid, and still sends it signed again", async () => {
    const raw = (await capture("ace", "application")).replace('"custom":"customData"', '"custom":"changed"');
    const r = await runCli(["callback", "replay", "-", "--url", base], { env, stdin: raw });
    expect(r.stderr).toMatch(/^warning: the captured callback was not valid: bad_signature/);
    expect(r.code).toBe(0);
    expect(seen.at(-1)?.body).toContain('"custom":"changed"');
  });

  it("reads a curl command too, and --json says what the capture was and what the backend answered", async () => {
    const raw = await capture("conversation-message", "webhook");
    const [head, body] = raw.split("\r\n\r\n") as [string, string];
    const headers = head
      .split("\r\n")
      .slice(1)
      .filter((l) => !/^(host|content-length):/i.test(l))
      .map((l) => `-H '${l}'`);
    const curl = `curl -X POST https://production.example.com/sinch/x?scheme=webhook ${headers.join(" ")} --data-raw '${body.replaceAll("'", "'\\''")}'`;
    const r = await runCli(["callback", "replay", "-", "--url", base, "--json"], { env, stdin: curl });
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({
      original: { valid: true, code: "valid", timeValid: false, scheme: "webhook" },
      url: `${base}/sinch/x?scheme=webhook`,
      status: 200,
      ok: true,
      body: '{"valid":true,"fresh":true}',
    });
  });

  it("exits 9 when the backend refuses the replay", async () => {
    const raw = await capture("ace", "application");
    const r = await runCli(["callback", "replay", "-", "--url", base], {
      env: { ...env, SINCH_APPLICATION_SECRET: "JViE5vDor0Sw3WllZka15Q==" },
      stdin: raw,
    });
    expect(r.stderr).toContain("warning: the captured callback was not valid: bad_signature");
    expect(r.stderr).toContain("error: the receiver answered 401 to the replayed callback");
    expect(r.code).toBe(9);
  });
});

describe("callback replay --print", () => {
  it("prints the request signed again for --url's host, path and body unchanged, never the captured Host", async () => {
    const raw = await capture("ice", "application");
    const r = await runCli(["callback", "replay", "-", "--print", "--url", "http://localhost:3000"], {
      env,
      stdin: raw,
    });
    expect(r.code).toBe(0);
    expect(r.stdout).not.toContain("production.example.com");
    expect(r.stdout.startsWith("POST /sinch/ice?scheme=application HTTP/1.1\r\nhost: localhost:3000\r\n")).toBe(true);
    expect(r.stdout).toContain(`x-timestamp: 2026-11-28T12:00:00.0000000Z\r\n`);
    expect(r.stdout.split("\r\n\r\n")[1]).toBe(raw.split("\r\n\r\n")[1]);
    const verified = await runCli(["request", "verify", "-"], { env, stdin: r.stdout });
    expect(verified.code).toBe(0);
  });

  it("gives a webhook a fresh nonce and timestamp", async () => {
    const raw = await capture("sms-delivery-report", "webhook");
    const r = await runCli(["callback", "replay", "-", "--print"], { env, stdin: raw });
    expect(r.code).toBe(0);
    const header = (text: string, name: string) => new RegExp(`^${name}: (.*)$`, "mi").exec(text)?.[1]?.trim();
    expect(header(r.stdout, "x-sinch-webhook-signature-timestamp")).toBe(String(NOW.getTime() / 1000));
    expect(header(raw, "x-sinch-webhook-signature-timestamp")).toBe(String(CAPTURED_AT.getTime() / 1000));
    expect(header(r.stdout, "x-sinch-webhook-signature-nonce")).toMatch(/^[0-9A-Z]{26}$/);
    expect(header(r.stdout, "x-sinch-webhook-signature-nonce")).not.toBe(
      header(raw, "x-sinch-webhook-signature-nonce"),
    );
  });

  it("masks the new signature in GitHub Actions", async () => {
    const raw = await capture("ace", "application");
    const r = await runCli(["callback", "replay", "-", "--print"], {
      env: { ...env, GITHUB_ACTIONS: "true" },
      stdin: raw,
    });
    const signature = /^authorization: application [^:]+:(\S+)\r$/m.exec(r.stdout)?.[1];
    expect(signature).toHaveLength(44);
    expect(r.stderr).toContain(`::add-mask::${signature}\n`);
    expect(r.stdout).not.toContain("::add-mask::");
  });
});

describe("callback replay refuses", () => {
  it.each([
    [["callback", "replay", "-"], /needs --url <url> \(where to send it\) or --print/],
    [["callback", "replay", "-", "--url", "http://localhost:3000/other"], /the captured path is kept: drop '\/other'/],
    [["callback", "replay", "/nonexistent/capture.http", "--print"], /cannot read the captured callback \/nonexistent/],
  ])("%j with exit 2", async (argv, message) => {
    const r = await runCli(argv, { env, stdin: "POST / HTTP/1.1\r\n\r\n" });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stderr.split("\n")).toHaveLength(2);
  });

  it("a request with no callback signature, with exit 2", async () => {
    const r = await runCli(["callback", "replay", "-", "--print"], {
      env,
      stdin: "POST /x HTTP/1.1\r\nhost: a\r\ncontent-type: application/json\r\n\r\n{}",
    });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^error: the capture carries no callback signature/);
  });
});
