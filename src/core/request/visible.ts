/**
 * Text with its invisible characters made visible, for showing what was signed: a line
 * that differs from what the signer signed by a carriage return, a trailing space or a
 * zero-width character looks the same as the right one until those are drawn.
 */
const NAMED: Record<string, string> = {
  "\r": "␍",
  "\t": "␉",
  "\0": "␀",
  "\u00a0": "⍽",
};

function codePoint(c: string): string {
  return `⟨U+${(c.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, "0")}⟩`;
}

/** One line with control, format and unusual space characters drawn; trailing spaces as `·`. */
export function visibleLine(line: string): string {
  const trailing = /[ ]+$/.exec(line)?.[0].length ?? 0;
  const body = line.slice(0, line.length - trailing);
  const shown = body.replace(
    // biome-ignore lint/suspicious/noControlCharactersInRegex: these are what is being drawn
    /[\u0000-\u001f\u007f-\u009f\u00a0\u00ad\u2000-\u200f\u2028-\u202f\u205f-\u206f\ufeff]/g,
    (c) => NAMED[c] ?? codePoint(c),
  );
  return shown + "·".repeat(trailing);
}

/** Each line of `text` made visible (lines split at "\n" only: a "\r" before it is shown). */
export function visibleLines(text: string): string[] {
  return text.split("\n").map(visibleLine);
}
