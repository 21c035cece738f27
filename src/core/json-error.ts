/**
 * Where and why a text is not JSON (RFC 8259), for messages that point at the problem
 * without echoing the text (a config file holds secrets). Iterative, so deep nesting in
 * hostile input cannot exhaust the stack. Returns null for valid JSON.
 */
export interface JsonError {
  /** 0-based offset in the text. */
  offset: number;
  line: number;
  column: number;
  message: string;
}

const WHITESPACE = new Set([" ", "\t", "\n", "\r"]);
const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
const HEX4 = /^[0-9a-fA-F]{4}$/;

type Expect = "value" | "firstValueOrEnd" | "key" | "firstKeyOrEnd" | "colon" | "commaOrEnd" | "end";

function at(text: string, offset: number, message: string): JsonError {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset && i < text.length; i++) {
    if (text[i] === "\n") {
      line++;
      lineStart = i + 1;
    }
  }
  return { offset, line, column: offset - lineStart + 1, message };
}

function describe(ch: string | undefined): string {
  if (ch === undefined) return "the end of the text";
  const code = ch.charCodeAt(0);
  if (code < 0x20 || code === 0x7f) return `control character U+${code.toString(16).toUpperCase().padStart(4, "0")}`;
  return `'${ch}'`;
}

/** Scans a string literal starting at `start` (a '"'); returns the offset after it, or an error. */
function scanString(text: string, start: number): number | JsonError {
  let i = start + 1;
  for (;;) {
    const ch = text[i];
    if (ch === undefined) return at(text, start, "unterminated string");
    if (ch === '"') return i + 1;
    if (ch === "\\") {
      const next = text[i + 1];
      if (next !== undefined && '"\\/bfnrt'.includes(next)) i += 2;
      else if (next === "u" && HEX4.test(text.slice(i + 2, i + 6))) i += 6;
      else return at(text, i, "invalid escape sequence in a string");
    } else if (ch.charCodeAt(0) < 0x20) {
      return at(text, i, `${describe(ch)} inside a string`);
    } else i++;
  }
}

export function findJsonError(text: string): JsonError | null {
  const stack: string[] = [];
  let expect: Expect = "value";
  let i = 0;
  const n = text.length;
  for (;;) {
    while (i < n && WHITESPACE.has(text[i] as string)) i++;
    const ch = text[i];
    if (expect === "end") {
      return ch === undefined ? null : at(text, i, `unexpected ${describe(ch)} after the JSON value`);
    }
    if (expect === "colon") {
      if (ch !== ":") return at(text, i, `expected ':' after a property name, found ${describe(ch)}`);
      i++;
      expect = "value";
      continue;
    }
    if (expect === "commaOrEnd") {
      const close = stack[stack.length - 1] === "{" ? "}" : "]";
      if (ch === ",") {
        i++;
        expect = close === "}" ? "key" : "value";
        continue;
      }
      if (ch === close) {
        i++;
        stack.pop();
        expect = stack.length === 0 ? "end" : "commaOrEnd";
        continue;
      }
      return at(text, i, `expected ',' or '${close}', found ${describe(ch)}`);
    }
    if (expect === "key" || expect === "firstKeyOrEnd") {
      if (expect === "firstKeyOrEnd" && ch === "}") {
        i++;
        stack.pop();
        expect = stack.length === 0 ? "end" : "commaOrEnd";
        continue;
      }
      if (ch !== '"') return at(text, i, `expected a property name in double quotes, found ${describe(ch)}`);
      const end = scanString(text, i);
      if (typeof end !== "number") return end;
      i = end;
      expect = "colon";
      continue;
    }
    // a value (or, first in an array, its closing bracket)
    if (expect === "firstValueOrEnd" && ch === "]") {
      i++;
      stack.pop();
      expect = stack.length === 0 ? "end" : "commaOrEnd";
      continue;
    }
    if (ch === "{" || ch === "[") {
      stack.push(ch);
      i++;
      expect = ch === "{" ? "firstKeyOrEnd" : "firstValueOrEnd";
      continue;
    }
    if (ch === '"') {
      const end = scanString(text, i);
      if (typeof end !== "number") return end;
      i = end;
    } else if (ch !== undefined && (ch === "-" || (ch >= "0" && ch <= "9"))) {
      NUMBER.lastIndex = i;
      const m = NUMBER.exec(text);
      if (!m) return at(text, i, "invalid number");
      i += m[0].length;
    } else {
      const word = ["true", "false", "null"].find((w) => text.startsWith(w, i));
      if (!word) return at(text, i, `expected a value, found ${describe(ch)}`);
      i += word.length;
    }
    expect = stack.length === 0 ? "end" : "commaOrEnd";
  }
}
