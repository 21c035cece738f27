/**
 * Text with its invisible characters made visible, for showing what was signed: a line
 * that differs from what the signer signed by a carriage return, a trailing space or a
 * zero-width character looks the same as the right one until those are drawn.
 *
 * Built on `escapeForTerminal`, the one escaping function for outside values: carriage
 * returns, tabs, NULs and no-break spaces are drawn as symbols, trailing spaces as `·`,
 * and every other control or invisible character is written as a `\u200b`-style escape.
 */
import { escapeForTerminal } from "../escape.js";

const NAMED: Record<string, string> = {
  "\r": "␍",
  "\t": "␉",
  "\0": "␀",
  "\u00a0": "⍽",
};

/**
 * Invisible characters the terminal escape leaves alone (they do no harm to a terminal)
 * but that change what is signed: soft hyphen, the typographic spaces, the marks and
 * invisible operators. Written in the same `\u` style.
 */
const INVISIBLE = /[\u00ad\u2000-\u200a\u200e\u200f\u202f\u205f\u2061-\u2065\u206a-\u206f]/g;

/** One line with control, format and unusual space characters drawn; trailing spaces as `·`. */
export function visibleLine(line: string): string {
  const trailing = /[ ]+$/.exec(line)?.[0].length ?? 0;
  const body = line.slice(0, line.length - trailing);
  const named = body.replace(/[\r\t\0\u00a0]/g, (c) => NAMED[c] as string);
  const shown = escapeForTerminal(named).replace(
    INVISIBLE,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`,
  );
  return shown + "·".repeat(trailing);
}

/** Each line of `text` made visible (lines split at "\n" only: a "\r" before it is shown). */
export function visibleLines(text: string): string[] {
  return text.split("\n").map(visibleLine);
}

/** The names of the lines of an application-signed request's string to sign. */
const APPLICATION_LINES = ["method", "Content-MD5", "Content-Type", "x-timestamp", "resource"];

/**
 * What a scheme signs, line by line and made visible, each line with what it is: the five
 * lines of an application-signed request, or a webhook's body and what follows it. The
 * terminal view and the inspect page both show this.
 */
export function signedLines(scheme: string | null, stringToSign: string): { name: string; text: string }[] {
  if (scheme === "application") {
    return visibleLines(stringToSign).map((text, i) => ({ name: APPLICATION_LINES[i] ?? "", text }));
  }
  if (scheme === "webhook") {
    const at = stringToSign.lastIndexOf(".", stringToSign.lastIndexOf(".") - 1);
    const body = Buffer.byteLength(stringToSign.slice(0, at));
    return [
      { name: "body", text: `the raw body (${body} bytes)` },
      { name: "then", text: visibleLines(stringToSign.slice(at)).join("⏎") },
    ];
  }
  return [{ name: "body", text: `the raw body (${Buffer.byteLength(stringToSign)} bytes), nothing else` }];
}
