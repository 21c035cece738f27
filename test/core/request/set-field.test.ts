import { describe, expect, it } from "vitest";
import { applyFieldSets, parseFieldSet } from "../../../src/core/request/set-field.js";

describe("parseFieldSet", () => {
  it.each([
    ["callid=abc", ["callid"], "abc"],
    ["cli=+46700000001", ["cli"], "+46700000001"],
    ["duration=12", ["duration"], 12],
    ["custom=null", ["custom"], null],
    ['to={"type":"number"}', ["to"], { type: "number" }],
    ['name="12"', ["name"], "12"],
    ["a.b.c=x=y", ["a", "b", "c"], "x=y"],
    ["empty=", ["empty"], ""],
  ])("%s", (text, path, value) => {
    expect(parseFieldSet(text)).toEqual({ path, value });
  });

  it.each([
    ["noequals", /is not <path>=<value>/],
    ["=x", /is not <path>=<value>/],
    ["a..b=1", /has an empty part/],
    ["__proto__.x=1", /'__proto__' cannot be set/],
    ["a.constructor=1", /'constructor' cannot be set/],
  ])("refuses %s", (text, message) => {
    expect(() => parseFieldSet(text)).toThrow(message);
  });
});

describe("applyFieldSets", () => {
  const body = JSON.stringify({
    event: "ice",
    callid: "1",
    to: { type: "number", endpoint: "+1" },
    callHeaders: [{ key: "k" }],
  });

  it("sets top-level and nested fields in place, keeping the order of the others", () => {
    const out = applyFieldSets(body, [parseFieldSet("callid=abc"), parseFieldSet("to.endpoint=+46700000001")]);
    expect(out).toBe(
      '{"event":"ice","callid":"abc","to":{"type":"number","endpoint":"+46700000001"},"callHeaders":[{"key":"k"}]}',
    );
  });

  it("makes missing objects on the path, and reaches array elements by index", () => {
    const out = JSON.parse(applyFieldSets(body, [parseFieldSet("a.b=1"), parseFieldSet("callHeaders.0.value=v")]));
    expect(out.a).toEqual({ b: 1 });
    expect(out.callHeaders).toEqual([{ key: "k", value: "v" }]);
  });

  it("refuses to reach through a value that is no object, naming the path", () => {
    expect(() => applyFieldSets(body, [parseFieldSet("callid.x=1")])).toThrow(
      'callid is "1", not an object: cannot set callid.x',
    );
    expect(() => applyFieldSets(body, [parseFieldSet("callHeaders.key=1")])).toThrow(/callHeaders is an array/);
  });

  it("never touches Object.prototype", () => {
    applyFieldSets(body, [parseFieldSet("hasOwnProperty.x=1")]);
    expect(({} as Record<string, unknown>).x).toBeUndefined();
  });
});
