import { createHmac } from "node:crypto";
import { describe, expect, it } from "vitest";
import {
  createRegistrationToken,
  decodeRegistrationToken,
  registrationSigningKey,
  verifyRegistrationToken,
} from "../../src/index.js";
import { vectors } from "../helpers/vectors.js";

const [plain, withInstance] = vectors.registrationTokens as [
  (typeof vectors.registrationTokens)[0],
  (typeof vectors.registrationTokens)[0],
];
const b64url = (s: string | Buffer) => Buffer.from(s).toString("base64url");

/** A token built by hand, so each rule can be broken on purpose. */
function handmade(
  header: object,
  claims: object,
  opts: { secret?: string; keyDate?: string; sign?: (input: string) => Buffer } = {},
): string {
  const input = `${b64url(JSON.stringify(header))}.${b64url(JSON.stringify(claims))}`;
  const key = registrationSigningKey(opts.secret ?? plain.applicationSecret, opts.keyDate ?? "20180102");
  const sig = opts.sign ? opts.sign(input) : createHmac("sha256", key).update(input).digest();
  return `${input}.${b64url(sig)}`;
}

const iat = 1514862245; // 2018-01-02T03:04:05Z
const claims = {
  exp: iat + 600,
  iat,
  iss: `//rtc.sinch.com/applications/${plain.applicationKey}`,
  nonce: "n",
  sub: `//rtc.sinch.com/applications/${plain.applicationKey}/users/foo`,
};
const header = { alg: "HS256", kid: "hkdfv1-20180102" };
const at = (iso: string) => new Date(iso);
const verify = (token: string, extra: Partial<Parameters<typeof verifyRegistrationToken>[1]> = {}) =>
  verifyRegistrationToken(token, {
    applicationSecret: plain.applicationSecret,
    applicationKey: plain.applicationKey,
    now: at("2018-01-02T03:05:00Z"),
    ...extra,
  });

describe("registration token vectors (Sinch reference data)", () => {
  for (const v of vectors.registrationTokens) {
    it(`reproduces: ${v.name}`, () => {
      const made = createRegistrationToken({
        applicationKey: v.applicationKey,
        applicationSecret: v.applicationSecret,
        userId: v.userId,
        now: new Date(v.now),
        ttl: v.ttlSeconds,
        nonce: v.nonce,
        ...(v.instanceExpiresAt !== null ? { instanceExpiresIn: v.instanceExpiresAt - Date.parse(v.now) / 1000 } : {}),
      });
      expect(made.token).toBe(v.token);
      expect(made.header.kid).toBe(v.kid);
      expect(Buffer.from(registrationSigningKey(v.applicationSecret, v.kid.slice(7))).toString("base64")).toBe(
        v.signingKey,
      );
    });

    it(`verifies: ${v.name}`, () => {
      const result = verifyRegistrationToken(v.token, {
        applicationSecret: v.applicationSecret,
        applicationKey: v.applicationKey,
        now: new Date(v.now),
      });
      expect(result.code).toBe("valid");
      expect(result.checks.map((c) => c.ok)).toEqual([true, true, true, true, true]);
    });
  }

  it("decodes without the secret", () => {
    const d = decodeRegistrationToken(withInstance.token, { now: at("2018-01-02T03:05:00Z") });
    expect(d).toMatchObject({
      format: "jwt",
      applicationKey: withInstance.applicationKey,
      userId: "foo",
      keyDate: "20180102",
      created: "2018-01-02T03:04:05Z",
      expiresAt: "2018-01-02T03:14:05Z",
      instanceExpiresAt: "2018-07-01T03:04:05Z",
    });
    expect(d.headerJson).toBe('{"alg":"HS256","kid":"hkdfv1-20180102"}');
    expect(d.warnings).toEqual([]);
  });
});

describe("verifyRegistrationToken rules", () => {
  it("accepts a well-made handmade token (the harness itself is right)", () => {
    expect(verify(handmade(header, claims)).code).toBe("valid");
  });

  it.each([
    ["alg none", handmade({ alg: "none", kid: header.kid }, claims, { sign: () => Buffer.alloc(0) }), /alg is "none"/],
    ["alg HS512", handmade({ alg: "HS512", kid: header.kid }, claims), /alg is "HS512"/],
    ["no kid", handmade({ alg: "HS256" }, claims), /kid is missing/],
    ["bad kid", handmade({ alg: "HS256", kid: "v1-2018" }, claims), /is not hkdfv1-YYYYMMDD/],
    ["impossible kid date", handmade({ alg: "HS256", kid: "hkdfv1-20180230" }, claims), /impossible date/],
    ["no nonce", handmade(header, { ...claims, nonce: undefined }), /no string 'nonce'/],
    ["short life", handmade(header, { ...claims, exp: iat + 59 }), /lives 59s/],
    ["short instance", handmade(header, { ...claims, "sinch:rtc:instance:exp": iat + 47 * 3600 }), /at least 48h/],
    ["bad iss", handmade(header, { ...claims, iss: "//example.com/x" }), /'iss' is not/],
    [
      "sub for another app",
      handmade(header, { ...claims, sub: "//rtc.sinch.com/applications/other/users/foo" }),
      /'sub' is not/,
    ],
    ["two parts", "eyJhbGciOiJIUzI1NiJ9.eyJhIjoxfQ", /3 parts/],
    ["not base64url", `${handmade(header, claims)}+`, /not base64url/],
  ])("%s is malformed", (_name, token, detail) => {
    const result = verify(token);
    expect(result.code).toBe("malformed");
    expect(result.checks[0]?.detail).toMatch(detail);
  });

  it("names the failure: wrong secret, wrong key, expired, future", () => {
    const token = handmade(header, claims);
    expect(verify(token, { applicationSecret: "JViE5vDor0Sw3WllZka15Q==" }).code).toBe("bad_signature");
    expect(verify(token, { applicationKey: "someone-else" }).code).toBe("key_mismatch");
    expect(verify(token, { now: at("2018-01-02T03:30:00Z") }).code).toBe("expired");
    expect(verify(token, { now: at("2018-01-02T03:30:00Z"), clockSkew: 3600 }).code).toBe("valid");
    expect(verify(token, { now: at("2018-01-02T02:00:00Z") }).code).toBe("not_yet_valid");
    expect(verify(token, { now: at("2018-01-02T03:06:00Z"), maxAge: 60, clockSkew: 0 }).code).toBe("expired");
  });
});

describe("diagnosis for tokens", () => {
  it("kid-date: the kid carries the local date of a token made near midnight", () => {
    // iat 2018-01-02T23:30:00Z; a device at UTC+2 wrote 20180103.
    const late = 1514935800;
    const c = { ...claims, iat: late, exp: late + 600 };
    const token = handmade({ alg: "HS256", kid: "hkdfv1-20180103" }, c, { keyDate: "20180103" });
    const result = verify(token, { now: new Date((late + 60) * 1000) });
    expect(result.code).toBe("bad_signature");
    expect(result.diagnosis.map((d) => d.mistake)).toEqual(["kid-date"]);
    expect(result.diagnosis[0]?.detail).toMatch(/local time/);
    expect(result.warnings.join()).toMatch(/not the UTC date of iat/);
  });

  it("secret-not-decoded: key derived from the secret's text", () => {
    const token = handmade(header, claims, {
      sign: (input) =>
        createHmac("sha256", registrationSigningKey(Buffer.from(plain.applicationSecret, "utf8"), "20180102"))
          .update(input)
          .digest(),
    });
    expect(verify(token).diagnosis.map((d) => d.mistake)).toEqual(["secret-not-decoded"]);
  });

  it("signed with the secret itself, no date key", () => {
    const token = handmade(header, claims, {
      sign: (input) => createHmac("sha256", Buffer.from(plain.applicationSecret, "base64")).update(input).digest(),
    });
    const result = verify(token);
    expect(result.diagnosis.map((d) => d.mistake)).toEqual(["kid-date"]);
    expect(result.diagnosis[0]?.detail).toMatch(/application secret itself/);
  });

  it("signature over the wrong input", () => {
    const key = registrationSigningKey(plain.applicationSecret, "20180102");
    const token = handmade(header, claims, {
      sign: () =>
        createHmac("sha256", key)
          .update(`${JSON.stringify(header)}.${JSON.stringify(claims)}`)
          .digest(),
    });
    const result = verify(token);
    expect(result.diagnosis.map((d) => d.mistake)).toEqual(["mac-over-base64"]);
    expect(result.diagnosis[0]?.detail).toMatch(/JSON text of header and claims/);
  });

  it("a token made by another application", () => {
    const other = createRegistrationToken({
      applicationKey: "other-app",
      applicationSecret: "JViE5vDor0Sw3WllZka15Q==",
      userId: "u",
      now: at("2018-01-02T03:04:05Z"),
    });
    expect(verify(other.token).diagnosis.map((d) => d.mistake)).toEqual(["wrong-application"]);
  });

  it("a valid token carries no diagnosis; an unexplained one says nothing", () => {
    expect(verify(handmade(header, claims)).diagnosis).toEqual([]);
    expect(verify(handmade(header, claims, { sign: () => Buffer.alloc(32, 1) })).diagnosis).toEqual([]);
  });
});

describe("createRegistrationToken", () => {
  it("uses the UTC date whatever the local time zone says", () => {
    const t = createRegistrationToken({
      applicationKey: "k",
      applicationSecret: plain.applicationSecret,
      userId: "u",
      now: at("2018-01-02T23:59:59Z"),
    });
    expect(t.header.kid).toBe("hkdfv1-20180102");
  });

  it("refuses a short lifetime, a short instance expiry and an empty user", () => {
    const base = { applicationKey: "k", applicationSecret: plain.applicationSecret, userId: "u" };
    expect(() => createRegistrationToken({ ...base, ttl: 59 })).toThrow(/at least 60 seconds/);
    expect(() => createRegistrationToken({ ...base, instanceExpiresIn: 3600 })).toThrow(/48 hours/);
    expect(() => createRegistrationToken({ ...base, userId: "" })).toThrow(/empty/);
  });

  it("makes a fresh nonce each time", () => {
    const base = { applicationKey: "k", applicationSecret: plain.applicationSecret, userId: "u" };
    expect(createRegistrationToken(base).claims.nonce).not.toBe(createRegistrationToken(base).claims.nonce);
  });
});

describe("an unsigned token (alg none, an empty signature part)", () => {
  const unsigned = `${b64url(JSON.stringify({ alg: "none", kid: "hkdfv1-20180102" }))}.${b64url(JSON.stringify(claims))}.`;

  it("is malformed, the mistake unsigned and never truncated", () => {
    const r = verify(unsigned, { now: at("2018-01-02T03:05:00Z") });
    expect(r.code).toBe("malformed");
    expect(r.diagnosis.map((d) => d.mistake)).toEqual(["unsigned"]);
  });

  it("a signature cut short with alg HS256 is still truncated", () => {
    const good = handmade(header, claims);
    const r = verify(good.slice(0, -20), { now: at("2018-01-02T03:05:00Z") });
    expect(r.diagnosis.map((d) => d.mistake)).toEqual(["truncated"]);
  });

  it("decode refuses it, carrying its header and claims", () => {
    let error: unknown;
    try {
      decodeRegistrationToken(unsigned, { now: at("2018-01-02T03:05:00Z") });
    } catch (e) {
      error = e;
    }
    expect(error).toMatchObject({
      code: "malformed",
      decoded: { header: { alg: "none" }, claims: { sub: claims.sub }, userId: "foo" },
    });
  });
});
