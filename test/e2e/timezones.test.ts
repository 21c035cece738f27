/** A token signed now verifies now, and its kid is today's UTC date, in any time zone. */
import { beforeAll, describe, expect, it } from "vitest";
import { decodeRegistrationToken } from "../../src/index.js";
import { cleanEnv, requireBuild, runBin } from "../helpers/bin.js";
import { vectors } from "../helpers/vectors.js";

beforeAll(requireBuild);
const v = vectors.registrationTokens[0]!;

describe.each(["Pacific/Kiritimati", "Etc/GMT-14", "Pacific/Pago_Pago", "Etc/GMT+12", "UTC"])("TZ=%s", (tz) => {
  const env = () =>
    cleanEnv({ TZ: tz, SINCH_APPLICATION_KEY: v.applicationKey, SINCH_APPLICATION_SECRET: v.applicationSecret });

  it("signs with the UTC date and verifies now", () => {
    const utcDate = () => new Date().toISOString().slice(0, 10).replaceAll("-", "");
    const before = utcDate();
    const signed = runBin(["sign", "--format", "jwt", "alice"], { env: env() });
    const after = utcDate();
    expect(signed.code).toBe(0);
    const token = signed.stdout.trim();
    // A run across midnight UTC may see either date; the local date is never accepted.
    expect([`hkdfv1-${before}`, `hkdfv1-${after}`]).toContain(String(decodeRegistrationToken(token).header.kid));
    expect(runBin(["verify", token], { env: env() }).code).toBe(0);
  });

  it("puts the UTC date of --now in the kid, even when the local date differs", () => {
    const r = runBin(["sign", "--format", "jwt", "alice", "--now", "2018-01-02T23:30:00Z", "--json"], { env: env() });
    expect(JSON.parse(r.stdout).header.kid).toBe("hkdfv1-20180102");
    const early = runBin(["sign", "--format", "jwt", "alice", "--now", "2018-01-03T00:30:00+02:00", "--json"], {
      env: env(),
    });
    expect(JSON.parse(early.stdout).header.kid).toBe("hkdfv1-20180102");
  });
});
