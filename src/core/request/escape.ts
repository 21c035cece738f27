/**
 * How a path and a query are written on the wire: escaped as a WHATWG URL escapes them
 * (what `request sign` sends), and decoded as Java's `URI.getPath()` decodes them (what
 * Sinch's Java SDK signs).
 */

/**
 * A path with its percent-escapes decoded as Java's `new URI(path).getPath()` decodes
 * them (runs of escapes read as UTF-8, malformed bytes as U+FFFD); null when it holds none.
 */
export function decodedPath(path: string): string | null {
  if (!/%[0-9A-Fa-f]{2}/.test(path)) return null;
  return path.replace(/(?:%[0-9A-Fa-f]{2})+/g, (run) => Buffer.from(run.replace(/%/g, ""), "hex").toString("utf8"));
}

/**
 * What a URL must escape in a path, as the URL Standard's path percent-encode set says:
 * controls, space, `"`, `#`, `<`, `>`, `?`, `^`, backquote, `{`, `}` and everything beyond
 * ASCII, as UTF-8 with upper-case hex; what is already escaped stays as written. (`^`
 * joined the set in 2024: Node 24's `new URL()` escapes it, Node 20's and 22's not yet;
 * escaped, it reaches every server the same.)
 */
export function escapePath(path: string): string {
  return escapeWith(path, ' "#<>?^`{}');
}

/** The same for a query, as a WHATWG URL escapes a special URL's query (no `{`, `}`, backquote; `'` too). */
export function escapeQuery(query: string): string {
  return escapeWith(query, ` "#<>'`);
}

/** Escapes controls, DEL, what is beyond ASCII, and the ASCII characters in `ascii`. */
function escapeWith(text: string, ascii: string): string {
  let out = "";
  for (const char of text) {
    const code = char.codePointAt(0) as number;
    if (code < 0x20 || code >= 0x7f || ascii.includes(char)) {
      for (const byte of Buffer.from(char, "utf8")) out += `%${byte.toString(16).toUpperCase().padStart(2, "0")}`;
    } else out += char;
  }
  return out;
}
