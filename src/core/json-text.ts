/**
 * JSON string literals written the way the two ticket producers write them.
 *
 * Newtonsoft.Json (the C# tutorial) escapes `"`, `\`, every control character below
 * U+0020 (short forms for \b \t \n \f \r, lowercase `\u00xx` otherwise) and also U+0085,
 * U+2028 and U+2029. `/` and other non-ASCII characters are written as they are.
 * `JSON.stringify` (the JS generator) escapes the same set minus those three.
 */
const SHORT_ESCAPES: Record<string, string> = {
  '"': '\\"',
  "\\": "\\\\",
  "\b": "\\b",
  "\t": "\\t",
  "\n": "\\n",
  "\f": "\\f",
  "\r": "\\r",
};

// biome-ignore lint/suspicious/noControlCharactersInRegex: these are the characters escaped
const NEWTONSOFT_ESCAPED = /["\\\u0000-\u001f\u0085\u2028\u2029]/g;

function escapeChar(ch: string): string {
  return SHORT_ESCAPES[ch] ?? `\\u${ch.charCodeAt(0).toString(16).padStart(4, "0")}`;
}

export function newtonsoftString(value: string): string {
  return `"${value.replace(NEWTONSOFT_ESCAPED, escapeChar)}"`;
}

export function jsString(value: string): string {
  return JSON.stringify(value);
}

export type StringWriter = (value: string) => string;
