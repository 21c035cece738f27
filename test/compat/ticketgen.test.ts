/**
 * Byte-for-byte agreement with Sinch's own generator, npm `sinch-ticketgen` 0.0.6 (the one
 * bundled by Sinch's JS SDK), run side by side.
 */
import { createRequire } from "node:module";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { createTicket, signTicketJson, ticketJson, verifyTicket } from "../../src/index.js";
import { SECRET } from "../helpers/constants.js";

const require = createRequire(import.meta.url);
const sinchTicketgen = require("sinch-ticketgen") as (
  key: string,
  secret: string,
  user: { username: string },
  created?: string,
) => { userTicket: string };

const created = fc
  .date({ min: new Date("2000-01-01T00:00:00Z"), max: new Date("2099-12-31T00:00:00Z"), noInvalidDate: true })
  .map((d) => d.toISOString());
const key = fc.stringMatching(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);

describe("js layout against sinch-ticketgen 0.0.6", () => {
  it("matches the published example", () => {
    const theirs = sinchTicketgen("YOUR_APPLICATION_KEY", SECRET, { username: "buildo" }, "2016-05-26T15:18:14.762Z");
    const ours = createTicket({
      applicationKey: "YOUR_APPLICATION_KEY",
      applicationSecret: SECRET,
      identity: { endpoint: "buildo" },
      style: "js",
      created: "2016-05-26T15:18:14.762Z",
    });
    expect(ours.userTicket).toBe(theirs.userTicket);
  });

  it("is byte-identical for every endpoint the generator handles correctly (ASCII, no space)", () => {
    const usernames = fc.string({
      unit: fc.integer({ min: 0x21, max: 0x7e }).map((c) => String.fromCharCode(c)),
      minLength: 1,
      maxLength: 40,
    });
    fc.assert(
      fc.property(key, usernames, created, fc.integer({ min: 0, max: 1_000_000 }), (k, username, c, secretSeed) => {
        const secret = Buffer.from(`secret-${secretSeed}`).toString("base64");
        const theirs = sinchTicketgen(k, secret, { username }, c).userTicket;
        const ours = createTicket({
          applicationKey: k,
          applicationSecret: secret,
          identity: { endpoint: username },
          style: "js",
          created: c,
        });
        expect(ours.userTicket).toBe(theirs);
        expect(verifyTicket(theirs, { applicationSecret: secret, applicationKey: k, ignoreTime: true }).code).toBe(
          "valid",
        );
      }),
      { numRuns: 300 },
    );
  });

  it("also matches for control characters, which both escape the same way", () => {
    const theirs = sinchTicketgen("K", SECRET, { username: 'a"b\\c\td\u0001e' }, "2026-01-01T00:00:00.000Z");
    const json = ticketJson("js", {
      applicationKey: "K",
      identity: { type: "username", endpoint: 'a"b\\c\td\u0001e' },
      created: "2026-01-01T00:00:00.000Z",
      expiresIn: 86400,
    });
    expect(signTicketJson(json, SECRET)).toBe(theirs.userTicket);
  });

  it("keeps spaces the generator drops: its ticket is ours with the first space removed", () => {
    const endpoint = "Ada Lovelace Byron";
    const theirs = sinchTicketgen("K", SECRET, { username: endpoint }, "2026-01-01T00:00:00.000Z").userTicket;
    const ours = createTicket({
      applicationKey: "K",
      applicationSecret: SECRET,
      identity: { endpoint },
      style: "js",
      created: "2026-01-01T00:00:00.000Z",
    });
    expect(ours.payload).toMatchObject({ identity: { endpoint } });
    expect(signTicketJson(ours.json.replace(" ", ""), SECRET)).toBe(theirs);
    expect(ours.userTicket).not.toBe(theirs);
  });

  it("writes correct UTF-8 where the generator writes Latin-1: same MAC, different data", () => {
    fc.assert(
      fc.property(
        fc.string({
          unit: fc.integer({ min: 0xa1, max: 0x24f }).map((c) => String.fromCharCode(c)),
          minLength: 1,
          maxLength: 10,
        }),
        (endpoint) => {
          const c = "2026-01-01T00:00:00.000Z";
          const theirs = sinchTicketgen("K", SECRET, { username: endpoint }, c).userTicket;
          const ours = createTicket({
            applicationKey: "K",
            applicationSecret: SECRET,
            identity: { endpoint },
            style: "js",
            created: c,
          });
          const [theirData, theirSig] = theirs.split(":");
          const [ourData, ourSig] = ours.userTicket.split(":");
          expect(ourSig).toBe(theirSig);
          expect(Buffer.from(ourData!, "base64").toString("utf8")).toBe(ours.json);
          expect(ourData).not.toBe(theirData);
          expect(verifyTicket(ours.userTicket, { applicationSecret: SECRET, ignoreTime: true }).valid).toBe(true);
          expect(verifyTicket(theirs, { applicationSecret: SECRET, ignoreTime: true }).valid).toBe(false);
        },
      ),
      { numRuns: 100 },
    );
  });
});
