import { describe, expect, it } from "vitest";
import { runCli, stripAnsi } from "../../helpers/io.js";
import { vectors } from "../../helpers/vectors.js";

describe("decode", () => {
  const v = vectors.userTickets[0]!;

  it("shows the ticket and says it checked nothing", async () => {
    const r = await runCli(["decode", v.userTicket]);
    expect(r.code).toBe(0);
    const out = stripAnsi(r.stdout);
    expect(out).toContain('identity     username "buildo"');
    expect(out).toContain("application  YOUR_APPLICATION_KEY (field 'applicationKey')");
    expect(out).toContain("created      2016-05-26T15:18:14.762Z (10 years 187 days ago)");
    expect(out).toContain("layout       js (Sinch's JS SDK generator)");
    expect(out).toContain(`json         ${v.json}`);
    expect(r.stderr).toContain("decode does not check the signature");
  });

  it("prints the contract's JSON and reads stdin", async () => {
    const r = await runCli(["decode", "--json"], { stdin: `{"userTicket": "${v.userTicket}"}\n` });
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(Object.keys(out)).toEqual([
      "format",
      "payload",
      "json",
      "signature",
      "style",
      "created",
      "expiresAt",
      "notes",
      "warnings",
    ]);
    expect(out).toMatchObject({
      format: "ticket",
      json: v.json,
      style: "js",
      created: v.created,
      expiresAt: "2016-05-27T15:18:14.762Z",
    });
    expect(out.notes).toEqual(["took the userTicket field of a JSON object"]);
  });

  it.each([
    ["garbage", /malformed ticket: no ':' separator/],
    [vectors.malformedOrWrong[4]!.userTicket, /malformed ticket: ticket data is not JSON: it starts with "hello"/],
  ])("exits 6 for %j", async (input, message) => {
    const r = await runCli(["decode", input]);
    expect(r.code).toBe(6);
    expect(r.stderr).toMatch(message);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
    expect(r.stdout).toBe("");
  });

  it("needs a ticket from somewhere", async () => {
    const r = await runCli(["decode"], { stdinIsTTY: true });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/missing ticket/);
  });
});
