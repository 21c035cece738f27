import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { createRegistrationToken, createTicket } from "../../../src/index.js";
import { NOW } from "../../helpers/constants.js";
import { runCli } from "../../helpers/io.js";

/** Three customers' applications, each in a profile; the default is the first. */
const apps = {
  acme: { applicationKey: "acme-key", applicationSecret: "YWNtZS1zZWNyZXQ=" },
  globex: { applicationKey: "globex-key", applicationSecret: "Z2xvYmV4LXNlY3JldA==" },
  initech: { applicationKey: "initech-key", applicationSecret: "aW5pdGVjaC1zZWNyZXQ=" },
};
const ticketOf = (app: keyof typeof apps, endpoint = "alice") =>
  createTicket({ ...apps[app], identity: { endpoint }, now: NOW }).userTicket;

function configEnv(): Record<string, string> {
  const dir = mkdtempSync(join(tmpdir(), "st-bykey-"));
  const path = join(dir, "config.json");
  writeFileSync(path, JSON.stringify({ defaultProfile: "acme", profiles: apps }), { mode: 0o600 });
  return { SINCH_TICKET_CONFIG: path };
}

describe("verify picks the profile whose application key is the ticket's", () => {
  it("for a single ticket, with a note naming the profile", async () => {
    const r = await runCli(["verify", "--now", NOW.toISOString(), ticketOf("globex")], { env: configEnv() });
    expect(r.code).toBe(0);
    expect(r.stderr).toContain("note: using profile 'globex': its application key is the ticket's");
    // The default profile's own tickets need no note.
    const own = await runCli(["verify", "--now", NOW.toISOString(), ticketOf("acme")], { env: configEnv() });
    expect(own.code).toBe(0);
    expect(own.stderr).not.toContain("using profile");
  });

  it("for a registration token, by its iss", async () => {
    const token = createRegistrationToken({ ...apps.initech, userId: "bob", now: NOW }).token;
    const r = await runCli(["verify", "--now", NOW.toISOString(), token], { env: configEnv() });
    expect(r.code).toBe(0);
    expect(r.stderr).toContain("using profile 'initech'");
  });

  it("not when a profile, a key or a secret is named: then a foreign ticket is a mismatch", async () => {
    const env = configEnv();
    const t = ticketOf("globex");
    expect((await runCli(["verify", "--profile", "acme", t], { env })).code).toBe(7);
    expect((await runCli(["verify", t], { env: { ...env, SINCH_PROFILE: "acme" } })).code).toBe(7);
    const withEnv = {
      ...env,
      SINCH_APPLICATION_KEY: apps.acme.applicationKey,
      SINCH_APPLICATION_SECRET: apps.acme.applicationSecret,
    };
    const r = await runCli(["verify", t], { env: withEnv });
    expect(r.code).toBe(7);
    expect(r.stderr).not.toContain("using profile");
  });

  it("an unknown application's ticket is checked against the default profile as before", async () => {
    const stranger = createTicket({
      applicationKey: "other-key",
      applicationSecret: "b3RoZXI=",
      identity: { endpoint: "x" },
      now: NOW,
    }).userTicket;
    const r = await runCli(["verify", "--json", stranger], { env: configEnv() });
    expect(r.code).toBe(7);
    expect(JSON.parse(r.stdout).diagnosis.map((d: { mistake: string }) => d.mistake)).toContain("wrong-application");
  });

  it("for each line of a batch with tickets of different applications", async () => {
    const lines = [ticketOf("acme", "a"), ticketOf("globex", "b"), ticketOf("initech", "c"), ticketOf("globex", "d")];
    const r = await runCli(["verify", "--batch", "-", "--ignore-time"], { env: configEnv(), stdin: lines.join("\n") });
    expect(r.code).toBe(0);
    const out = r.stdout
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l));
    expect(out.map((o) => [o.valid, o.identity.endpoint])).toEqual([
      [true, "a"],
      [true, "b"],
      [true, "c"],
      [true, "d"],
    ]);
    expect(r.stderr).toMatch(/each line is verified with the profiles holding its application key/);
  });

  it("in a batch without a default profile, a line of no known application is a key mismatch", async () => {
    const dir = mkdtempSync(join(tmpdir(), "st-bykey-"));
    const path = join(dir, "config.json");
    writeFileSync(path, JSON.stringify({ profiles: { globex: apps.globex } }), { mode: 0o600 });
    const env = { SINCH_TICKET_CONFIG: path };
    const lines = [ticketOf("globex"), ticketOf("acme")].join("\n");
    const r = await runCli(["verify", "--batch", "-", "--ignore-time"], { env, stdin: lines });
    const out = r.stdout
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l));
    expect(out.map((o) => o.code)).toEqual(["valid", "key_mismatch"]);
    expect(r.stderr).toMatch(/line 2: no profile holds application key '[^']+' \(the profiles are 'globex'\)/);
    expect(r.code).toBe(8);
    // And a single such ticket still says what is missing.
    const single = await runCli(["verify", ticketOf("acme")], { env });
    expect(single.code).toBe(2);
    expect(single.stderr).toMatch(/no profile holds application key '[^']+' \(the profiles are 'globex'\)/);
  });
});

describe("a profile whose secret cannot be read", () => {
  /** `broken` keeps its secret in a keychain that does not answer (no Secret Service in tests). */
  function withBroken(): Record<string, string> {
    const dir = mkdtempSync(join(tmpdir(), "st-bykey-"));
    const path = join(dir, "config.json");
    const profiles = { ...apps, broken: { applicationKey: "broken-key", applicationSecret: { keychain: true } } };
    writeFileSync(path, JSON.stringify({ defaultProfile: "acme", profiles }), { mode: 0o600 });
    return { SINCH_TICKET_CONFIG: path };
  }
  const brokenTicket = createTicket({
    applicationKey: "broken-key",
    applicationSecret: "YnJva2Vu",
    identity: { endpoint: "z" },
    now: NOW,
  }).userTicket;

  it("stops no batch line that does not need it; its own lines say why", async () => {
    const env = withBroken();
    const lines = [ticketOf("acme", "a"), ticketOf("globex", "b"), brokenTicket, ticketOf("initech", "c")];
    const r = await runCli(["verify", "--batch", "-", "--ignore-time"], { env, stdin: lines.join("\n") });
    const out = r.stdout
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l));
    expect(out.map((o) => o.code)).toEqual(["valid", "valid", "error", "valid"]);
    expect(out[2].error).toMatch(/profile 'broken' holds this application key, but .*keychain/);
    expect(r.stderr).toMatch(/line 3: profile 'broken' holds this application key/);
    expect(r.code).toBe(8);
    const clean = await runCli(["verify", "--batch", "-", "--ignore-time"], {
      env,
      stdin: [ticketOf("acme"), ticketOf("globex")].join("\n"),
    });
    expect(clean.code, clean.stderr).toBe(0);
  });

  it("is an error for a single ticket of its key only", async () => {
    const env = withBroken();
    expect((await runCli(["verify", "--now", NOW.toISOString(), ticketOf("globex")], { env })).code).toBe(0);
    const own = await runCli(["verify", "--now", NOW.toISOString(), brokenTicket], { env });
    expect(own.code).toBe(2);
    expect(own.stderr).toMatch(/^error: profile 'broken' holds this application key, but /m);
  });
});
