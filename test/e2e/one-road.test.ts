import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cleanEnv, requireBuild } from "../helpers/bin.js";
import { KEY, SECRET } from "../helpers/constants.js";
import { damagedInputs, PASTED } from "../helpers/damaged.js";
import { runCli } from "../helpers/io.js";
import { type RunningServer, startServer } from "../helpers/serve.js";

// decode, verify, each line of verify --batch and the inspect page's API take one road
// from pasted text to verdict: the same damaged input gets the same diagnosis in each.

const env = { SINCH_APPLICATION_KEY: KEY, SINCH_APPLICATION_SECRET: SECRET };
let server: RunningServer;

beforeAll(async () => {
  requireBuild();
  server = await startServer(["--no-open"], cleanEnv(env), undefined, "inspect");
}, 30_000);

afterAll(async () => {
  await server?.stop();
});

async function viaInspect(text: string): Promise<string[]> {
  const url = new URL(server.url);
  const response = await fetch(`${url.origin}/api/inspect`, {
    method: "POST",
    headers: { authorization: `Bearer ${url.searchParams.get("token")}`, "content-type": "application/json" },
    body: JSON.stringify({ text, profile: null }),
  });
  expect(response.status).toBe(200);
  const body = (await response.json()) as { verify: { diagnosis: { mistake: string }[] } };
  return body.verify.diagnosis.map((d) => d.mistake);
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
      if (how === "bare") expect({ text, ids: single }).toEqual({ text, ids: [inputs[n]?.id] });
    }
  });
});
