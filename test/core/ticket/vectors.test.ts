import { describe, expect, it } from "vitest";
import { createTicket, decodeTicket, signTicketJson, ticketJson, verifyTicket } from "../../../src/index.js";
import { vectors } from "../../helpers/vectors.js";

const signable = vectors.userTickets.filter((v) => v.applicationSecret !== null && v.layout !== "sinch-issued");

describe("user ticket vectors", () => {
  for (const v of signable) {
    it(`builds and signs: ${v.name}`, () => {
      const identity = v.identity!;
      const layout = v.layout as "dotnet" | "js";
      const json = ticketJson(layout, {
        applicationKey: v.applicationKey,
        identity,
        created: v.created!,
        expiresIn: v.expiresIn ?? null,
      });
      expect(json).toBe(v.json);
      expect(signTicketJson(json, v.applicationSecret!)).toBe(v.userTicket);
    });

    it(`verifies: ${v.name}`, () => {
      const result = verifyTicket(v.userTicket, {
        applicationSecret: v.applicationSecret!,
        applicationKey: v.applicationKey,
        ignoreTime: true,
      });
      expect(result.code).toBe("valid");
      expect(result.checks.map((c) => c.ok)).toEqual([true, true, true, null, null]);
    });

    it(`decodes to the exact JSON: ${v.name}`, () => {
      const decoded = decodeTicket(v.userTicket, { now: new Date("2026-11-28T00:00:00Z") });
      expect(decoded.json).toBe(v.json);
      expect(decoded.style).toBe(v.layout);
      expect(decoded.identity).toEqual(v.identity);
    });
  }

  it("createTicket reproduces the vectors from options, and refuses control characters in usernames", () => {
    for (const v of signable) {
      const make = () =>
        createTicket({
          applicationKey: v.applicationKey,
          applicationSecret: v.applicationSecret!,
          identity: v.identity as { type: "username" | "email" | "number"; endpoint: string },
          style: v.layout as "dotnet" | "js",
          created: v.created!,
          ...(v.expiresIn !== undefined ? { expiresIn: v.expiresIn } : {}),
        });
      if (/\p{Cc}/u.test(v.identity!.endpoint)) {
        expect(make, v.name).toThrow(/control character/);
      } else {
        expect(make().userTicket, v.name).toBe(v.userTicket);
      }
    }
  });

  it("reads the Sinch-issued ticket (decode only)", () => {
    const v = vectors.userTickets.find((x) => x.layout === "sinch-issued")!;
    const decoded = decodeTicket(v.userTicket);
    expect(decoded.json).toBe(v.json);
    expect(decoded.style).toBe("sinch-issued");
    expect(decoded.applicationKeyField).toBe("applicationKey");
  });
});

describe("wrong and malformed vectors", () => {
  for (const v of vectors.malformedOrWrong) {
    it(v.name, () => {
      const result = verifyTicket(v.userTicket, {
        applicationSecret: v.applicationSecret ?? "WU9VUl9BUFBMSUNBVElPTl9TRUNSRVQ=",
        ignoreTime: true,
      });
      expect(result.valid).toBe(false);
      if (v.mistake === "malformed" || v.mistake === "plus-as-space") expect(result.code).toBe("malformed");
      else expect(result.code).toBe("bad_signature");
    });
  }
});
