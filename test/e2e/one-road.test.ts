import { spawn } from "node:child_process";
import { connect } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTicket, signApplicationRequest, webhookSignature } from "../../src/index.js";
import { CLI, cleanEnv, requireBuild } from "../helpers/bin.js";
import { KEY, OTHER_SECRET, SECRET } from "../helpers/constants.js";
import { cutWithEllipsis, damagedInputs, PASTED } from "../helpers/damaged.js";
import { runCli } from "../helpers/io.js";
import { type RunningServer, startServer } from "../helpers/serve.js";

// decode, verify, each line of verify --batch, request verify, callback listen and the
// inspect page's API take one road from pasted text to verdict: the same damaged input
// gets the same code and the same diagnosis in each.

const WEBHOOK_SECRET = "the-webhook-secret";
const env = { SINCH_APPLICATION_KEY: KEY, SINCH_APPLICATION_SECRET: SECRET, SINCH_WEBHOOK_SECRET: WEBHOOK_SECRET };
let server: RunningServer;

beforeAll(async () => {
  requireBuild();
  server = await startServer(["--no-open"], cleanEnv(env), undefined, "inspect");
}, 30_000);

afterAll(async () => {
  await server?.stop();
});

interface Verdict {
  code: string;
  diagnosis: { mistake: string }[];
}

async function inspectAnswer(text: string): Promise<{ kind: string; verify?: Verdict; request?: Verdict }> {
  const url = new URL(server.url);
  const response = await fetch(`${url.origin}/api/inspect`, {
    method: "POST",
    headers: { authorization: `Bearer ${url.searchParams.get("token")}`, "content-type": "application/json" },
    body: JSON.stringify({ text, profile: null }),
  });
  expect(response.status).toBe(200);
  return (await response.json()) as { kind: string; verify?: Verdict; request?: Verdict };
}

async function viaInspect(text: string): Promise<string[]> {
  const body = await inspectAnswer(text);
  return (body.verify as Verdict).diagnosis.map((d) => d.mistake);
}

async function viaVerify(text: string, now: Date): Promise<string[]> {
  const r = await runCli(["verify", "--json", text], { env, now });
  return (JSON.parse(r.stdout) as { diagnosis: { mistake: string }[] }).diagnosis.map((d) => d.mistake);
}

/** verify --batch, one line per input (NDJSON `{"userTicket"}` for one with a line break). */
async function viaBatch(texts: string[], now: Date): Promise<string[][]> {
  const stdin = texts.map((t) => (/[\r\n]/.test(t) ? JSON.stringify({ userTicket: t }) : t)).join("\n");
  const r = await runCli(["verify", "--batch", "-"], { env, now, stdin });
  const lines = r.stdout
    .trimEnd()
    .split("\n")
    .map((l) => JSON.parse(l) as { line: number; diagnosis: { mistake: string }[] });
  expect(lines.map((l) => l.line)).toEqual(texts.map((_, i) => i + 1));
  return lines.map((l) => l.diagnosis.map((d) => d.mistake));
}

describe("one road: verify --json, verify --batch and POST /api/inspect agree", () => {
  const inputs = damagedInputs();

  it("covers every diagnosis id", async () => {
    const { MISTAKE_CHECK } = await import("../../src/index.js");
    expect(new Set(inputs.map((i) => i.id))).toEqual(new Set(Object.keys(MISTAKE_CHECK)));
  });

  it.each(Object.keys(PASTED))("%s", async (how) => {
    const paste = PASTED[how] as (t: string) => string;
    const texts = inputs.map((i) => paste(i.text));
    const now = new Date();
    const batch = await viaBatch(texts, now);
    for (const [n, text] of texts.entries()) {
      const single = await viaVerify(text, now);
      expect({ text, ids: batch[n] }).toEqual({ text, ids: single });
      expect({ text, ids: await viaInspect(text) }).toEqual({ text, ids: single });
      if (how !== "URL") expect({ text, ids: single }).toEqual({ text, ids: [inputs[n]?.id] });
    }
  });

  it("a ticket cut and ended with an ellipsis is truncated in each", async () => {
    const texts = cutWithEllipsis();
    const now = new Date();
    const batch = await viaBatch(texts, now);
    for (const [n, text] of texts.entries()) {
      const single = await viaVerify(text, now);
      expect({ text, ids: single }).toEqual({ text, ids: ["truncated"] });
      expect({ text, ids: batch[n] }).toEqual({ text, ids: single });
      expect({ text, ids: await viaInspect(text) }).toEqual({ text, ids: single });
    }
  });
});

/** A request as sent, with its bytes: raw HTTP/1.1 a receiver can read. */
function rawRequest(path: string, headers: [string, string][], body: string): string {
  const lines = [`POST ${path} HTTP/1.1`, "Host: 127.0.0.1", ...headers.map(([n, v]) => `${n}: ${v}`)];
  lines.push(`Content-Length: ${Buffer.byteLength(body)}`, "Connection: close");
  return `${lines.join("\r\n")}\r\n\r\n${body}`;
}

/** Requests signed one way and sent another, each with the answer every entry point must give. */
function damagedRequests(now: Date): { name: string; text: string; code: string; ids: string[] }[] {
  const timestamp = now.toISOString();
  const body = JSON.stringify({ event: "ice", callid: "c1", custom: "Zoë" });
  const sign = (over: { body?: string; contentType?: string; resource?: string; secret?: string; key?: string }) =>
    signApplicationRequest({
      applicationKey: over.key ?? KEY,
      applicationSecret: over.secret ?? SECRET,
      method: "POST",
      resource: over.resource ?? "/callback",
      body: over.body ?? body,
      contentType: over.contentType ?? "application/json",
      timestamp,
    }).authorization;
  const app = (authorization: string, sent = body, contentType = "application/json") =>
    rawRequest(
      "/callback",
      [
        ["Content-Type", contentType],
        ["x-timestamp", timestamp],
        ["Authorization", authorization],
      ],
      sent,
    );
  const nonce = "n-1";
  const seconds = String(Math.floor(now.getTime() / 1000));
  const hook = (signedBody: string, sent: string) =>
    rawRequest(
      "/webhook",
      [
        ["Content-Type", "application/json"],
        ["x-sinch-webhook-signature-nonce", nonce],
        ["x-sinch-webhook-signature-timestamp", seconds],
        ["x-sinch-webhook-signature-algorithm", "HmacSHA256"],
        ["x-sinch-webhook-signature", webhookSignature(WEBHOOK_SECRET, Buffer.from(signedBody), nonce, seconds)],
      ],
      sent,
    );
  const ticket = createTicket({ applicationKey: KEY, applicationSecret: SECRET, identity: { endpoint: "alice" }, now });
  let userTicket = ticket.userTicket;
  for (let n = 0; !userTicket.includes("+"); n++) {
    userTicket = createTicket({
      applicationKey: KEY,
      applicationSecret: SECRET,
      identity: { endpoint: `u${n}` },
      now,
    }).userTicket;
  }
  return [
    { name: "valid", text: app(sign({})), code: "valid", ids: [] },
    {
      name: "body re-serialised",
      text: app(sign({ body: JSON.stringify(JSON.parse(body), null, 2) })),
      code: "bad_signature",
      ids: ["body-reserialized"],
    },
    {
      name: "another content type signed",
      text: app(sign({ contentType: "application/json; charset=utf-8" })),
      code: "bad_signature",
      ids: ["content-type-differs"],
    },
    { name: "another secret", text: app(sign({ secret: OTHER_SECRET })), code: "bad_signature", ids: [] },
    { name: "another application", text: app(sign({ key: "other-key" })), code: "key_mismatch", ids: [] },
    { name: "webhook, valid", text: hook(body, body), code: "valid", ids: [] },
    {
      name: "webhook, body re-serialised",
      text: hook(JSON.stringify(JSON.parse(body), null, 2), body),
      code: "bad_signature",
      ids: ["body-reserialized"],
    },
    {
      name: "a user ticket with '+' turned into spaces",
      text: rawRequest("/callback", [["Authorization", `User ${userTicket.replaceAll("+", " ")}`]], ""),
      code: "malformed",
      ids: ["plus-as-space"],
    },
  ];
}

/** `callback listen --json`, the built receiver: sends each raw request, returns its NDJSON line. */
async function viaReceiver(texts: string[]): Promise<Verdict[]> {
  const child = spawn(process.execPath, [CLI, "callback", "listen", "--port", "0", "--json"], {
    env: cleanEnv(env),
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  child.stdout.on("data", (d: Buffer) => (out += d.toString()));
  try {
    await expect.poll(() => /^http:\/\/\S+\n/.test(out) || child.exitCode !== null).toBe(true);
    const port = Number(/:(\d+)\n/.exec(out)?.[1]);
    for (const text of texts) {
      await new Promise<void>((resolve, reject) => {
        const socket = connect(port, "127.0.0.1", () => socket.end(text));
        socket.on("data", () => {});
        socket.on("close", () => resolve());
        socket.on("error", reject);
      });
    }
    await expect.poll(() => out.trim().split("\n").length).toBe(texts.length + 1);
    return out
      .trim()
      .split("\n")
      .slice(1)
      .map((l) => JSON.parse(l) as Verdict);
  } finally {
    child.kill("SIGTERM");
  }
}

describe("one road for requests: request verify, callback listen and POST /api/inspect agree", () => {
  it("on the code and the diagnosis ids of each damaged request", async () => {
    const cases = damagedRequests(new Date());
    const received = await viaReceiver(cases.map((c) => c.text));
    for (const [n, c] of cases.entries()) {
      const r = await runCli(["request", "verify", "--json", c.text], { env, now: new Date() });
      const verified = JSON.parse(r.stdout) as Verdict;
      const ids = (v: Verdict) => v.diagnosis.map((d) => d.mistake);
      expect({ name: c.name, code: verified.code, ids: ids(verified) }).toEqual({
        name: c.name,
        code: c.code,
        ids: c.ids,
      });
      const inspected = await inspectAnswer(c.text);
      expect(inspected.kind).toBe("request");
      const page = inspected.request as Verdict;
      expect({ name: c.name, code: page.code, ids: ids(page) }).toEqual({ name: c.name, code: c.code, ids: c.ids });
      const line = received[n] as Verdict;
      expect({ name: c.name, code: line.code, ids: ids(line) }).toEqual({ name: c.name, code: c.code, ids: c.ids });
    }
  });
});
