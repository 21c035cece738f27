import { describe, expect, it } from "vitest";
import { FORMAT_OPTIONS, flagName } from "../../../src/cli/commands/options.js";
import { KEY, SECRET } from "../../helpers/constants.js";
import { runCli } from "../../helpers/io.js";

const env = { SINCH_APPLICATION_KEY: KEY, SINCH_APPLICATION_SECRET: SECRET };

/** A value each option accepts, so that only the format rule can refuse it. */
const VALUES: Record<string, string> = {
  type: "username",
  style: "dotnet",
  created: "2026-01-01T00:00:00Z",
  expiresIn: "1h",
  payload: "-",
  batch: "-",
  count: "2",
  endpointTemplate: "u{n}",
  outputFormat: "csv",
  inputEncoding: "latin1",
  ttl: "10m",
  now: "2026-01-01T00:00:00Z",
  nonce: "n",
  instanceExpiresIn: "72h",
};

/** The options of the table that each command has. */
const OPTIONS = {
  sign: [...FORMAT_OPTIONS.ticket, ...FORMAT_OPTIONS.jwt],
  serve: ["type", "style", "expiresIn", "ttl"],
} as const;

const cases = (format: "ticket" | "jwt") =>
  (Object.entries(OPTIONS) as [keyof typeof OPTIONS, readonly string[]][]).flatMap(([command, options]) =>
    options.filter((o) => !(FORMAT_OPTIONS[format] as readonly string[]).includes(o)).map((o) => [command, o] as const),
  );

describe("the options of each --format, one rule for sign and serve", () => {
  it.each(cases("jwt"))("%s --format jwt refuses %s, even with its default value", async (command, option) => {
    const extra = command === "serve" ? ["--any-user", "--port", "0"] : ["alice"];
    const r = await runCli([command, "--format", "jwt", flagName(option), VALUES[option]!, ...extra], { env });
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`error: ${flagName(option)} is for user tickets; it does not go with --format jwt\n`);
  });

  it.each(cases("ticket"))("%s (a ticket) refuses %s", async (command, option) => {
    const extra = command === "serve" ? ["--any-user", "--port", "0"] : ["alice"];
    const r = await runCli([command, flagName(option), VALUES[option]!, ...extra], { env });
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`error: ${flagName(option)} goes with --format jwt\n`);
  });

  it("takes each format's own options", async () => {
    const ticket = await runCli(["sign", "--style", "js", "--expires-in", "1h", "alice"], { env });
    expect(ticket.code, ticket.stderr).toBe(0);
    const jwt = await runCli(["sign", "--format", "jwt", "--ttl", "1h", "--nonce", "n", "alice"], { env });
    expect(jwt.code, jwt.stderr).toBe(0);
    expect(jwt.stdout.split(".")).toHaveLength(3);
  });

  it("does not count serve's defaults (--style dotnet, --type username) as given", async () => {
    // Past the format rule, serve stops at the next one: a --ttl under 60s.
    const r = await runCli(["serve", "--any-user", "--format", "jwt", "--ttl", "30s"], { env });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--ttl must be at least 60s/);
  });
});
