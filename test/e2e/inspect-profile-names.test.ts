import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTicket } from "../../src/index.js";
import { cleanEnv, requireBuild, writeProfiles } from "../helpers/bin.js";
import { KEY, SECRET } from "../helpers/constants.js";
import { type RunningServer, startServer } from "../helpers/serve.js";

// inspect's API looks profile names up as the config file's own keys: `constructor`,
// `__proto__` and `toString` are no profiles unless the file defines them.

let server: RunningServer;
let token: string;

beforeAll(async () => {
  requireBuild();
  const env = cleanEnv();
  writeProfiles(env, "main", { main: { applicationKey: KEY, applicationSecret: SECRET } });
  server = await startServer(["--no-open"], env, undefined, "inspect");
  token = new URL(server.url).searchParams.get("token") ?? "";
}, 30_000);

afterAll(async () => {
  await server?.stop();
});

const ticket = createTicket({
  applicationKey: KEY,
  applicationSecret: SECRET,
  identity: { endpoint: "alice" },
}).userTicket;

async function inspect(profile: string | null): Promise<{ status: number; json: Record<string, unknown> }> {
  const r = await fetch(`${new URL(server.url).origin}/api/inspect`, {
    method: "POST",
    headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
    body: JSON.stringify({ text: ticket, profile }),
  });
  return { status: r.status, json: (await r.json()) as Record<string, unknown> };
}

describe("inspect's API: profile names are own keys only", () => {
  it.each(["constructor", "__proto__", "toString", "hasOwnProperty"])("'%s' is no profile", async (name) => {
    const r = await inspect(name);
    expect(r.status).toBe(400);
    expect(r.json.error).toMatch(new RegExp(`no profile '${name}'`));
  });

  it("a profile the file defines verifies", async () => {
    const r = await inspect("main");
    expect(r.status).toBe(200);
    expect((r.json.verify as { valid: boolean }).valid).toBe(true);
  });
});
