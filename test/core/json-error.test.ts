import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { findJsonError } from "../../src/core/json-error.js";

function parses(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

describe("findJsonError", () => {
  it("agrees with JSON.parse on valid JSON and on mutations of it", () => {
    const mutated = fc
      .tuple(fc.json(), fc.nat(), fc.constantFrom("", ",", "}", "]", '"', ":", "\\", "\n", "x", "{", "1"))
      .map(([json, at, insert]) => {
        const i = at % (json.length + 1);
        return json.slice(0, i) + insert + json.slice(i + 1);
      });
    fc.assert(
      fc.property(fc.oneof(fc.json(), mutated, fc.string()), (text) => {
        expect(findJsonError(text) === null).toBe(parses(text));
      }),
      { numRuns: 3000 },
    );
  });

  it("points at the line and column of the problem", () => {
    expect(findJsonError('{\n  "a": 1,\n  "b" 2\n}')).toMatchObject({
      line: 3,
      column: 7,
      message: "expected ':' after a property name, found '2'",
    });
    expect(findJsonError('{"a":1,}')).toMatchObject({
      offset: 7,
      message: "expected a property name in double quotes, found '}'",
    });
    expect(findJsonError('{"a":"x')).toMatchObject({ offset: 5, message: "unterminated string" });
    expect(findJsonError("{} x")).toMatchObject({ offset: 3, message: "unexpected 'x' after the JSON value" });
  });

  it("handles deep nesting without exhausting the stack", () => {
    expect(findJsonError("[".repeat(1_000_000))).toMatchObject({ offset: 1_000_000 });
  });
});
