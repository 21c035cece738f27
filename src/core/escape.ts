/**
 * The one way a value that came from outside (a ticket's fields, a header, a body field,
 * a file name) reaches a terminal or a log line. Characters that can move the cursor,
 * set a window title, reorder the text shown or hide in it are written as escapes:
 * C0 controls and DEL, C1 controls (U+0080-U+009F), bidirectional overrides and isolates
 * (U+202A-U+202E, U+2066-U+2069), the line and paragraph separators (U+2028, U+2029) and
 * zero-width characters (U+200B-U+200D, U+2060, U+FEFF). `\n`, `\t` and `\r` are written
 * as such; every other one as `\u001b`-style (four lower-case hex digits). Everything
 * else is left as it is. JSON output does not need this: its encoder escapes.
 */
const UNSAFE =
  // biome-ignore lint/suspicious/noControlCharactersInRegex: these are what is escaped
  /[\u0000-\u001f\u007f-\u009f\u200b-\u200d\u2028\u2029\u202a-\u202e\u2060\u2066-\u2069\ufeff]/g;

const NAMED: Record<string, string> = { "\n": "\\n", "\t": "\\t", "\r": "\\r" };

function escapeOne(c: string): string {
  return NAMED[c] ?? `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`;
}

export function escapeForTerminal(text: string): string {
  UNSAFE.lastIndex = 0;
  return UNSAFE.test(text) ? text.replace(UNSAFE, escapeOne) : text;
}
