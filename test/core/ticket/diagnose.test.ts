import { createHmac } from "node:crypto";
import { describe, expect, it } from "vitest";
import { createTicket, decodeTicket, verifyTicket } from "../../../src/index.js";
import { KEY, NOW, OTHER_SECRET, SECRET } from "../../helpers/constants.js";
import { type Mistake, ticketWithMistake } from "../../helpers/mistakes.js";
import { vectors } from "../../helpers/vectors.js";

const verify = (ticket: string, key: string | null = KEY) =>
  verifyTicket(ticket, { applicationSecret: SECRET, applicationKey: key, now: NOW, ignoreTime: true });

describe("diagnosis names the mistake that made a ticket", () => {
  const cases: [Mistake, string, string][] = [
    ["mac-over-base64", "mac-over-base64", "bad_signature"],
    ["secret-not-decoded", "secret-not-decoded", "bad_signature"],
    ["plus-as-space", "plus-as-space", "malformed"],
    ["percent-encoded", "percent-encoded", "malformed"],
    ["base64url", "base64url", "malformed"],
    ["missing-padding", "base64url", "malformed"],
    ["hex-signature", "hex-signature", "malformed"],
    ["line-wrapped", "line-wrapped", "malformed"],
    ["stripped-digest", "stripped-digest", "malformed"],
    // Data that is not UTF-8 fails the format, whatever the signature says.
    ["latin1-data", "latin1-data", "malformed"],
    ["wrong-application", "wrong-application", "key_mismatch"],
  ];
  it.each(cases)("%s", (mistake, id, code) => {
    const key = mistake === "latin1-data" ? "K" : KEY;
    const result = verify(ticketWithMistake(mistake, key, SECRET, OTHER_SECRET), key);
    expect(result.valid).toBe(false);
    expect(result.code).toBe(code);
    expect(result.diagnosis.map((d) => d.mistake)).toEqual([id]);
    expect(result.diagnosis[0]?.detail.length).toBeGreaterThan(40);
  });

  it("names both mistakes when a producer made two", () => {
    const json =
      '{"identity":{"type":"username","endpoint":"a"},"applicationkey":"K","created":"2026-11-28T12:00:00.0000000Z"}';
    const data = Buffer.from(json).toString("base64");
    const sig = createHmac("sha256", Buffer.from(SECRET, "utf8")).update(data).digest("base64");
    expect(verify(`${data}:${sig}`, null).diagnosis.map((d) => d.mistake)).toEqual([
      "mac-over-base64",
      "secret-not-decoded",
    ]);
  });

  it("tells a key typo in the producer from another application's ticket", () => {
    const typo = createTicket({
      applicationKey: "not-my-key",
      applicationSecret: SECRET,
      identity: { endpoint: "a" },
    }).userTicket;
    const result = verify(typo);
    expect(result.diagnosis[0]?.mistake).toBe("wrong-application");
    expect(result.diagnosis[0]?.detail).toMatch(/signed with your secret/);
    const other = verify(ticketWithMistake("wrong-application", KEY, SECRET, OTHER_SECRET));
    expect(other.diagnosis[0]?.detail).toMatch(/made for another application/);
  });

  it("names the mistakes of the published wrong vectors", () => {
    for (const v of vectors.malformedOrWrong) {
      const result = verifyTicket(v.userTicket, { applicationSecret: v.applicationSecret ?? SECRET, ignoreTime: true });
      const expected = v.mistake === "malformed" ? [] : [v.mistake];
      expect(
        result.diagnosis.map((d) => d.mistake),
        v.name,
      ).toEqual(expected);
    }
  });

  it("gives a valid ticket no diagnosis, and an unexplained failure none either", () => {
    const good = createTicket({
      applicationKey: KEY,
      applicationSecret: SECRET,
      identity: { endpoint: "a" },
    }).userTicket;
    expect(verify(good).diagnosis).toEqual([]);
    const random = `${good.split(":")[0]}:${Buffer.alloc(32, 7).toString("base64")}`;
    const result = verify(random);
    expect(result.code).toBe("bad_signature");
    expect(result.diagnosis).toEqual([]);
  });

  it("says when the repaired ticket still fails: damaged on the way and signed wrong", () => {
    const foreign = ticketWithMistake("plus-as-space", KEY, OTHER_SECRET, SECRET);
    expect(verify(foreign).diagnosis).toEqual([
      {
        mistake: "plus-as-space",
        detail: expect.stringMatching(/Even with the spaces turned back into '\+' the signature does not match/),
        repairedVerifies: false,
      },
    ]);
  });
});

describe("decode warnings", () => {
  const warningsFor = (endpoint: string, extra: Partial<Parameters<typeof createTicket>[0]> = {}) =>
    verifyTicket(
      createTicket({ applicationKey: KEY, applicationSecret: SECRET, identity: { endpoint }, now: NOW, ...extra })
        .userTicket,
      {
        applicationSecret: SECRET,
        now: NOW,
      },
    ).warnings;
  // decode needs no valid signature: any 32 bytes will do.
  const decodeWarnings = async (json: string) =>
    decodeTicket(`${Buffer.from(json).toString("base64")}:${Buffer.alloc(32).toString("base64")}`, { now: NOW })
      .warnings;

  it("warns that Sinch's JS SDK will garble a non-ASCII endpoint", () => {
    expect(warningsFor("Zoë").join()).toMatch(/JS SDK reads ticket data as Latin-1 .*"ZoÃ«"/);
    expect(warningsFor("alice")).toEqual([]);
  });

  it("warns about whitespace, unknown fields, a missing zone, and odd times", async () => {
    expect(
      await decodeWarnings(
        '{"identity":{"type":"username","endpoint":" a"},"applicationKey":"K ","created":"2026-11-28T12:00:00Z"}',
      ),
    ).toEqual([
      `'identity.endpoint' has leading or trailing whitespace: " a"`,
      `'applicationKey' has leading or trailing whitespace: "K "`,
    ]);
    expect(
      await decodeWarnings(
        '{"identity":{"type":"phone","endpoint":"a","x":1},"applicationKey":"K","created":"2026-11-28T12:00:00Z","foo":true}',
      ),
    ).toEqual([
      "identity type 'phone' is not one Sinch documents (username, email, number)",
      "unknown fields 'foo', 'identity.x': no Sinch producer writes them",
    ]);
    expect(
      await decodeWarnings(
        '{"identity":{"type":"username","endpoint":"a"},"applicationKey":"K","created":"2026-11-28T12:00:00.123456"}',
      ),
    ).toEqual(["'created' has no time zone (2026-11-28T12:00:00.123456); it was read as UTC"]);
    expect(warningsFor("a", { created: "+1h" })).toEqual([
      "'created' is 1h in the future: the producer's clock is ahead, or it wrote local time as UTC",
    ]);
    expect(warningsFor("a", { created: "-30d" })).toEqual([
      "'created' is 30d old: tickets are normally used within minutes of being made",
    ]);
  });
});
