import { describe, expect, it } from "vitest";
import { describeSpan } from "../../src/core/describe.js";
import {
  describeRelative,
  EARLIEST_INSTANT_MS,
  formatUtc,
  instantProblem,
  isoOrNull,
  LATEST_INSTANT_MS,
  parseDuration,
  parseTime,
  readUnixSeconds,
  toMillis,
} from "../../src/core/time.js";
import { NOW } from "../helpers/constants.js";

describe("parseDuration", () => {
  it.each([
    ["3600", 3600],
    ["90s", 90],
    ["15m", 900],
    ["1h", 3600],
    ["2d", 172800],
    ["1h30m", 5400],
    ["1d2h3m4s", 93784],
    ["0", 0],
  ])("%s is %d seconds", (text, seconds) => {
    expect(parseDuration(text)).toBe(seconds);
  });

  it.each(["", "h", "1.5h", "-1h", "1x", "30m1h", "1 h", "1e3"])("refuses %j", (text) => {
    expect(() => parseDuration(text)).toThrow(/not a duration/);
  });
});

describe("parseTime", () => {
  it("keeps the fraction digits it was given", () => {
    const t = parseTime("2015-06-24T08:32:32.9417605Z", NOW);
    expect(t.fraction).toBe("9417605");
    expect(formatUtc(t, 7)).toBe("2015-06-24T08:32:32.9417605Z");
  });

  it("converts an offset to UTC without touching the digits", () => {
    const t = parseTime("2026-01-02T05:04:05.1234+02:00", NOW);
    expect(formatUtc(t, 7)).toBe("2026-01-02T03:04:05.1234000Z");
    expect(formatUtc(parseTime("2026-01-01T23:30:00-01:00", NOW), 3)).toBe("2026-01-02T00:30:00.000Z");
  });

  it("reads signed durations relative to now", () => {
    expect(formatUtc(parseTime("-2h", NOW), 3)).toBe("2026-11-28T10:00:00.000Z");
    expect(formatUtc(parseTime("+30m", NOW), 7)).toBe("2026-11-28T12:30:00.0000000Z");
  });

  it("refuses a time without a zone", () => {
    expect(() => parseTime("2026-01-02T03:04:05", NOW)).toThrow(/no time zone/);
  });

  it.each(["yesterday", "2026-02-30T00:00:00Z", "2026-13-01T00:00:00Z", "2026-01-01T24:00:00Z", "-2x"])(
    "refuses %j",
    (text) => {
      expect(() => parseTime(text, NOW)).toThrow();
    },
  );

  it("refuses more fraction digits than the layout holds, and pads fewer", () => {
    const t = parseTime("2026-01-02T03:04:05.12345678Z", NOW);
    expect(() => formatUtc(t, 7)).toThrow(/8 fraction digits/);
    expect(formatUtc(parseTime("2026-01-02T03:04:05.7620000Z", NOW), 7)).toBe("2026-01-02T03:04:05.7620000Z");
    expect(() => formatUtc(parseTime("2026-01-02T03:04:05.7620000Z", NOW), 3)).toThrow(/7 fraction digits/);
    expect(formatUtc(parseTime("2026-01-02T03:04:05.5Z", NOW), 3)).toBe("2026-01-02T03:04:05.500Z");
  });

  it("turns precise times into milliseconds", () => {
    expect(toMillis(parseTime("2026-01-02T03:04:05.9999999Z", NOW))).toBe(Date.parse("2026-01-02T03:04:05.999Z"));
  });
});

describe("describeRelative", () => {
  it("reads like a person would say it", () => {
    expect(describeRelative(NOW.getTime() - 3 * 3600_000, NOW)).toBe("3 hours ago");
    expect(describeRelative(NOW.getTime() + 5 * 60_000, NOW)).toBe("in 5 minutes");
    expect(describeRelative(NOW.getTime(), NOW)).toBe("now");
  });

  it("rounds as describeSpan does, so that one output never says 2h beside 1 hour", () => {
    for (const ms of [7199_600, 7170_000, 3599_500, 86399_999, 90_499, 1_500, 499]) {
      const span = describeSpan(ms);
      const words = describeRelative(NOW.getTime() + ms, NOW);
      const spoken =
        span === "0s"
          ? "now"
          : `in ${span.replace(/(\d+)([dhms])/g, (_m, n: string, u: string) => `${n} ${UNIT[u]}${n === "1" ? "" : "s"}`)}`;
      expect(words, `${ms} ms: ${span}`).toBe(spoken);
    }
    expect(describeRelative(NOW.getTime() + 7199_600, NOW)).toBe("in 2 hours");
    expect(describeRelative(NOW.getTime() - 5_430_000, NOW)).toBe("1 hour 30 minutes ago");
  });
});

const UNIT: Record<string, string> = { d: "day", h: "hour", m: "minute", s: "second" };

describe("times within the years 0001-9999 only", () => {
  it("parseTime refuses a time outside them, written or relative, naming it", () => {
    for (const text of ["0001-01-01T00:00:00+00:01", "9999-12-31T23:59:59-00:01", "+99999999d", "-9999999d"]) {
      expect(() => parseTime(text, NOW)).toThrow(`'${text}' is outside the years 0001-9999`);
    }
    expect(toMillis(parseTime("0001-01-01T00:00:00Z", NOW))).toBe(EARLIEST_INSTANT_MS);
    expect(toMillis(parseTime("9999-12-31T23:59:59.999Z", NOW))).toBe(LATEST_INSTANT_MS);
  });

  it("instantProblem names the field of a time past either end, and nothing within", () => {
    expect(instantProblem("exp", LATEST_INSTANT_MS, "x")).toBeNull();
    expect(instantProblem("exp", EARLIEST_INSTANT_MS, "x")).toBeNull();
    expect(instantProblem("exp", LATEST_INSTANT_MS + 1, "253402300800")).toBe(
      "'exp' (253402300800) is outside the years 0001-9999",
    );
    expect(instantProblem("iat", EARLIEST_INSTANT_MS - 1, "y")).toContain("'iat'");
    expect(instantProblem("iat", Number.NaN, "y")).toContain("'iat'");
    expect(readUnixSeconds("iat", 9e12)).toEqual({ problem: "'iat' (9000000000000) is outside the years 0001-9999" });
    expect(readUnixSeconds("iat", 1)).toEqual({ ms: 1000 });
    expect(isoOrNull(LATEST_INSTANT_MS + 1)).toBeNull();
    expect(isoOrNull(0)).toBe("1970-01-01T00:00:00.000Z");
  });
});
