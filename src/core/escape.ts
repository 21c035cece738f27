/**
 * The one way a value that came from outside (a ticket's field, a header, a body field, a
 * file name) reaches a terminal or a log line. Characters that move the cursor, change
 * colours, reorder text or hide in it are written as escapes, so one line stays one line
 * and reads as it is: `\n`, `\r`, `\t` for those, `\u001b`-style for the rest (C0 controls
 * and DEL, C1 controls U+0080-U+009F, bidirectional overrides and isolates U+202A-U+202E
 * and U+2066-U+2069, U+2028/U+2029, zero-width characters U+200B-U+200D, U+2060, U+FEFF).
 * A backslash is left as it is. JSON output is JSON, escaped by its encoder, not by this.
 */
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u200b-\u200d\u2028\u2029\u202a-\u202e\u2060\u2066-\u2069\ufeff]/g;

const NAMED: Record<string, string> = { "\n": "\\n", "\r": "\\r", "\t": "\\t" };

function escapeOne(char: string): string {
  return NAMED[char] ?? `\\u${char.charCodeAt(0).toString(16).padStart(4, "0")}`;
}

export function escapeForTerminal(text: string): string {
  return text.replace(UNSAFE, escapeOne);
}
