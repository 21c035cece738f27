import { describe, expect, it } from "vitest";
import { duplicateKeys } from "../../src/core/json-keys.js";

const of = (json: string) => duplicateKeys(json, JSON.parse(json));

describe("duplicateKeys", () => {
  it("finds none in ordinary JSON", () => {
    expect(of('{"a":1,"b":{"a":2},"c":[{"a":3},{"a":4}]}')).toEqual([]);
  });

  it("finds a key written twice, with where it is", () => {
    expect(of('{"identity":{"type":"u","endpoint":"alice","endpoint":"admin"}}')).toEqual([
      { path: ["identity"], names: ["endpoint", "endpoint"] },
    ]);
  });

  it("compares keys without case, as Sinch's reader does, spellings in the order written", () => {
    expect(of('{"applicationkey":"x","b":1,"applicationKey":"y","APPLICATIONKEY":"z"}')).toEqual([
      { path: [], names: ["applicationkey", "applicationKey", "APPLICATIONKEY"] },
    ]);
  });

  it("reads keys with escapes, and ignores key-like text inside values", () => {
    expect(of('{"a":"\\"b\\":1","\\u0061":2, "x" : 1}')).toEqual([{ path: [], names: ["a", "a"] }]);
  });
});
