/**
 * Finds the ticket or registration token in whatever was pasted: a URL (query or
 * fragment, percent-encoded or not), an HTTP request or `curl` command with an
 * `Authorization` header, a JSON document with the ticket in any field, a log line with
 * text around it. Candidates first, then the distinct ones: one is the answer, more is
 * ambiguous. Damage inside a ticket (a space where a `+` was, a line break, a percent
 * escape outside a URL) is kept for verify to diagnose, never repaired.
 */

export interface Found {
  /** The ticket or token as found (damage included). */
  ticket: string;
  /** What was done to get at it, one note per unwrapping step. */
  notes: string[];
  /** Where it was, in words: "line 2, column 17", "field $.auth.ticket". */
  where: string;
  /** The ellipsis (`…` or `...`) right after it, where a chat tool or log viewer cut it. */
  cut?: string;
}

/** Ticket data starts with base64 of `{"`, `{ ` or `{\n`. */
const TICKET_START = /e[wy][A-Za-z0-9+/]/g;
/** Characters of a ticket, standard or damaged (base64url, percent escapes). */
const BASE64_CHAR = /[A-Za-z0-9+/=%_-]/;
// Damage (standard base64 characters, percent escapes) stays part of the token. An empty
// signature part (an unsigned token, `alg: none`) ends where the text around it starts.
const JWT_AT = /eyJ[A-Za-z0-9_+/%-]{2,}\.eyJ[A-Za-z0-9_+/%-]{2,}\.(?:[A-Za-z0-9_+/=%-]{10,}|(?![A-Za-z0-9_+/=%.-]))/y;
/** The characters of a token's first or second part, from where it starts. */
const JWT_PART = /[A-Za-z0-9_+/%-]*/y;
/** A stretch of text a URL can lie in: no whitespace, quotes or angle brackets. */
const URL_RUN = /[^\s"'<>`]+/g;
/** Where a URL starts inside such a stretch: a scheme, or a '/' after no word character or '/'. */
const URL_START = /[a-z][a-z0-9+.-]{0,30}:\/\/|(?<![\w/])\//i;
/** More of a URL's last value after one to three spaces. */
const CONTINUED = / {1,3}[A-Za-z0-9+/=%_-][^\s"'<>`]*/y;
const AUTH_BEFORE = /authorization\s*:\s*(?:user|bearer)\s+$/i;
/** 32 bytes of signature are 44 characters of base64. */
const SIGNATURE_CHARS = 44;
/** Shorter runs before an ellipsis are words, not tickets cut short. */
const CUT_MIN_CHARS = 12;

/** The ellipsis at `at` (`…`, or three dots), as chat tools and log viewers end cut values. */
function ellipsisAt(text: string, at: number): string | null {
  if (text[at] === "\u2026") return "\u2026";
  return text.startsWith("...", at) ? "..." : null;
}

/** Says where an index of a text is, in words. */
type Locate = (index: number) => string;

/**
 * "line 2, column 5" (or "column 5" for one line) for indexes of `text`: the line starts
 * are found once, on first use, and each answer in O(log n).
 */
function locator(text: string): Locate {
  let starts: number[] | undefined;
  return (index) => {
    if (!starts) {
      starts = [0];
      for (let i = text.indexOf("\n"); i !== -1; i = text.indexOf("\n", i + 1)) starts.push(i + 1);
    }
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if ((starts[mid] as number) <= index) lo = mid;
      else hi = mid - 1;
    }
    const column = index - (starts[lo] as number) + 1;
    return starts.length > 1 ? `line ${lo + 1}, column ${column}` : `column ${column}`;
  };
}

/**
 * Spaces (up to three: `+++` after form decoding) or a line break between two base64 runs:
 * damage a ticket can carry.
 */
function gapAt(text: string, i: number): number {
  if (text[i] === " ") {
    let n = 1;
    while (n < 3 && text[i + n] === " ") n++;
    return n;
  }
  if (text[i] === "\n") return 1;
  if (text[i] === "\r" && text[i + 1] === "\n") return 2;
  return 0;
}

const RUN = /[A-Za-z0-9+/=%_-]+/y;

/** The run of ticket characters at `at` (sticky: never looks further than the run). */
function runAt(text: string, at: number): string {
  RUN.lastIndex = at;
  return RUN.exec(text)?.[0] ?? "";
}

/**
 * Whether runs of ticket characters from `at` on, across gaps, make exactly one signature:
 * 44 characters, the last '=', each space standing for the '+' it was (a line break
 * stands for nothing). Looks at most 44 characters and a few gaps ahead.
 */
function wholeSignatureAt(text: string, at: number): boolean {
  let i = at;
  let length = 0;
  for (let gap = gapAt(text, i); length < SIGNATURE_CHARS; gap = gapAt(text, i)) {
    if (gap === 0 && length > 0) break;
    const run = runAt(text, i + gap);
    if (run === "" || /=[^=]/.test(run)) return false;
    length += (text[i] === " " ? gap : 0) + run.length;
    i += gap + run.length;
    if (run.endsWith("=")) break;
  }
  return length === SIGNATURE_CHARS && text[i - 1] === "=";
}

/**
 * The ticket starting at `start` (data `e[wy]...`, `:`, signature), allowing single spaces
 * and line breaks inside the data and the signature while what follows still continues
 * them. Returns where it ends, or where the attempt stopped (`end`, with `ok: false`): no
 * start inside that stretch can do better, so the scan goes on from there.
 */
function ticketAt(text: string, start: number): { end: number; ok: boolean } {
  let i = start;
  let colon = -1;
  let signature = 0;
  while (i < text.length) {
    const ch = text[i] as string;
    if (BASE64_CHAR.test(ch)) {
      if (colon !== -1) signature++;
      // A percent escape stands for one character.
      i += ch === "%" && /^[0-9A-Fa-f]{2}$/.test(text.slice(i + 1, i + 3)) ? 3 : 1;
      // A signature ends at its padding; an unbroken run goes on (a hex signature is 64).
      if (colon !== -1 && ch === "=" && text[i] !== "=") break;
      continue;
    }
    if (ch === ":" && colon === -1 && i > start) {
      colon = i;
      i++;
      continue;
    }
    const gap = gapAt(text, i);
    // Right after the colon, a gap is the signature's first '+' turned into a space only
    // when what follows is one whole signature ("key: value" in a log line is not).
    if (gap > 0 && colon === i - 1 && signature === 0 && wholeSignatureAt(text, i)) {
      i += gap;
      continue;
    }
    if (gap > 0 && BASE64_CHAR.test(text[i + gap] ?? "") && (colon === -1 || signature > 0)) {
      // Continue across the gap only when the next run is more of the same: in the data
      // until the colon, in the signature until it is complete; never a `name=value`
      // (base64 has '=' only at its end).
      const next = runAt(text, i + gap);
      if (/^[^=]*=*$/.test(next) && (colon === -1 || signature + next.length <= SIGNATURE_CHARS)) {
        i += gap;
        continue;
      }
    }
    break;
  }
  return { end: i, ok: colon !== -1 && signature > 0 };
}

/**
 * Registration tokens in `text`, left to right. Every start inside one run of part
 * characters reaches the same '.', so when the first start of a run is no token, none
 * after it in that run is: the search goes on after the run, which keeps it linear.
 */
function tokensIn(text: string): { index: number; token: string }[] {
  const out: { index: number; token: string }[] = [];
  let from = 0;
  for (let at = text.indexOf("eyJ"); at !== -1; at = text.indexOf("eyJ", from)) {
    JWT_AT.lastIndex = at;
    const m = JWT_AT.exec(text);
    if (m) {
      out.push({ index: at, token: m[0] });
      from = at + m[0].length;
    } else {
      JWT_PART.lastIndex = at;
      JWT_PART.exec(text);
      from = Math.max(JWT_PART.lastIndex, at + 1);
    }
  }
  return out;
}

/** Tickets and tokens in plain text (no URL in it), with where they start. */
function scanText(text: string, locate: Locate, notes: string[]): Found[] {
  const found: Found[] = [];
  /** Tokens found first; ticket starts inside one are skipped (both lists run left to right). */
  const taken: [number, number][] = [];
  let next = 0;
  const seen = new Set<string>();
  for (const { index, token } of tokensIn(text)) {
    const before = text.slice(Math.max(0, index - 40), index);
    const cut = ellipsisAt(text, index + token.length);
    found.push({
      ticket: token,
      notes: [...notes, ...(AUTH_BEFORE.test(before) ? ["read the Authorization header"] : [])],
      where: locate(index),
      ...(cut ? { cut } : {}),
    });
    taken.push([index, index + token.length]);
  }
  TICKET_START.lastIndex = 0;
  for (let m = TICKET_START.exec(text); m; m = TICKET_START.exec(text)) {
    const start = m.index;
    // Inside a longer run of base64 (not after `key=`): not the start of a ticket.
    if (start > 0 && /[A-Za-z0-9+/]/.test(text[start - 1] as string)) continue;
    while (next < taken.length && (taken[next] as [number, number])[1] <= start) next++;
    if (next < taken.length && start >= (taken[next] as [number, number])[0]) continue;
    const ticket = ticketAt(text, start);
    TICKET_START.lastIndex = Math.max(ticket.end, start + 1);
    // An ellipsis right after it: cut there, found even without its ':' and signature.
    const cut = ellipsisAt(text, ticket.end);
    const ok = ticket.ok || (cut !== null && ticket.end - start >= CUT_MIN_CHARS);
    if (!ok || seen.has(text.slice(start, ticket.end))) continue;
    seen.add(text.slice(start, ticket.end));
    const before = text.slice(Math.max(0, start - 40), start);
    found.push({
      ticket: text.slice(start, ticket.end),
      notes: [...notes, ...(AUTH_BEFORE.test(before) ? ["read the Authorization header"] : [])],
      where: locate(start),
      ...(cut ? { cut } : {}),
    });
  }
  return found;
}

function decodeComponent(value: string): string {
  if (!value.includes("%")) return value;
  try {
    // decodeURIComponent leaves `+` alone: in a query it may be a space or a `+`, and
    // turning it into a space here would destroy a ticket that was never form-encoded.
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

/** The parameters of a URL's query and fragment, percent-encoding undone. */
function urlParameters(url: string): { name: string; value: string; raw: string; part: string }[] {
  const out: { name: string; value: string; raw: string; part: string }[] = [];
  const hash = url.indexOf("#");
  const query = url.indexOf("?");
  const parts: [string, string][] = [];
  if (query !== -1) parts.push(["query", url.slice(query + 1, hash > query ? hash : undefined)]);
  if (hash !== -1) parts.push(["fragment", url.slice(hash + 1)]);
  for (const [part, text] of parts) {
    for (const pair of text.split("&")) {
      const eq = pair.indexOf("=");
      const raw = eq === -1 ? pair : pair.slice(eq + 1);
      out.push({ name: eq === -1 ? "" : decodeComponent(pair.slice(0, eq)), value: decodeComponent(raw), raw, part });
    }
  }
  return out;
}

/**
 * URLs with a query or fragment in `text`: each runs from its start (a scheme, or a
 * path's '/') to the end of its stretch, and holds a '?' or '#' with something after it.
 * One look at each stretch, so the search is linear however long a stretch is.
 */
function urlsIn(text: string): { index: number; url: string }[] {
  const out: { index: number; url: string }[] = [];
  URL_RUN.lastIndex = 0;
  for (let run = URL_RUN.exec(text); run; run = URL_RUN.exec(text)) {
    const stretch = run[0];
    const last = stretch.length - 2;
    const mark = last < 0 ? -1 : Math.max(stretch.lastIndexOf("?", last), stretch.lastIndexOf("#", last));
    // The start must end before the last mark; what comes before the stretch is a
    // separator, never a word character or '/', so it can be left out.
    const start = mark < 1 ? null : URL_START.exec(stretch.slice(0, mark));
    if (!start) continue;
    // A query or fragment goes on across single spaces (up to three: '+++' form-decoded):
    // a ticket whose '+' became spaces is still one value, never cut at the first space.
    let end = run.index + stretch.length;
    CONTINUED.lastIndex = end;
    for (let more = CONTINUED.exec(text); more; more = CONTINUED.exec(text)) end = CONTINUED.lastIndex;
    URL_RUN.lastIndex = end;
    out.push({ index: run.index + start.index, url: text.slice(run.index + start.index, end) });
  }
  return out;
}

function scanUrls(text: string, locate: Locate, notes: string[]): { found: Found[]; rest: string } {
  const found: Found[] = [];
  /** The text with each URL that held a ticket blanked out, in pieces. */
  const rest: string[] = [];
  let kept = 0;
  for (const { index, url } of urlsIn(text)) {
    let hit = false;
    for (const p of urlParameters(url)) {
      const step = `read the ${p.part} parameter${p.name ? ` '${p.name}'` : ""} of a URL${p.value !== p.raw ? " (percent-encoding undone)" : ""}`;
      for (const f of scanText(p.value, () => locate(index), [...notes, step])) {
        found.push(f);
        hit = true;
      }
    }
    if (hit) {
      rest.push(text.slice(kept, index), " ".repeat(url.length));
      kept = index + url.length;
    }
  }
  rest.push(text.slice(kept));
  return { found, rest: rest.join("") };
}

/** `\/`, `\u002B`, `\u002F`, `\u003D`: JSON string escapes of the characters of a ticket. */
const JSON_ESCAPE = /\\(?:\/|u00(?:2[bBfF]|3[dD]))/;
const JSON_ESCAPES = new RegExp(JSON_ESCAPE.source, "g");
const UNESCAPED: Record<string, string> = { "2b": "+", "2f": "/", "3d": "=" };

/** Whether the text is one JSON value (a document or a string literal), read as JSON as a whole. */
function isJson(text: string): boolean {
  const trimmed = text.trim();
  if (!/^[{["]/.test(trimmed)) return false;
  try {
    JSON.parse(trimmed);
    return true;
  } catch {
    return false;
  }
}

/**
 * The text with JSON string escapes of ticket characters undone, where the text is not
 * read as JSON as a whole: a ticket copied out of a JSON log (`\/`, as PHP, Java and .NET
 * encoders write '/') into a logfmt value, a bare paste or a log line that embeds JSON.
 */
export function withoutJsonEscapes(raw: string): { text: string; note: string | null } {
  if (!JSON_ESCAPE.test(raw) || isJson(raw)) return { text: raw, note: null };
  const undone = new Set<string>();
  const text = raw.replace(JSON_ESCAPES, (match) => {
    undone.add(match.length === 2 ? "\\/" : `\\u00${match.slice(4).toUpperCase()}`);
    return match.length === 2 ? "/" : (UNESCAPED[match.slice(4).toLowerCase()] as string);
  });
  return {
    text,
    note: `undid the JSON string escapes around the ticket (${[...undone].map((e) => `'${e}'`).join(", ")}): it was copied out of JSON text`,
  };
}

function scanJson(value: unknown, path: string, found: Found[]): void {
  if (typeof value === "string") {
    // A field may hold text copied out of JSON once more (a log message quoting a record).
    const { text, note } = withoutJsonEscapes(value);
    const steps = note === null ? [] : [note];
    for (const f of findTickets(text))
      found.push({
        ...f,
        notes: [`read field ${path} of a JSON document`, ...steps, ...f.notes],
        where: `field ${path}`,
      });
  } else if (Array.isArray(value)) {
    value.forEach((v, i) => {
      scanJson(v, `${path}[${i}]`, found);
    });
  } else if (value && typeof value === "object") {
    for (const [k, v] of Object.entries(value))
      scanJson(v, /^[A-Za-z_$][\w$]*$/.test(k) ? `${path}.${k}` : `${path}[${JSON.stringify(k)}]`, found);
  }
}

/**
 * Every distinct ticket or token in `text`, in order of appearance. One is the answer;
 * none means there is nothing ticket-shaped; more means the paste is ambiguous.
 */
export function findTickets(text: string): Found[] {
  const found: Found[] = [];
  const trimmed = text.trim();
  if (/^[{[]/.test(trimmed)) {
    try {
      scanJson(JSON.parse(trimmed), "$", found);
      return distinct(found);
    } catch {
      // not JSON after all: read it as text
    }
  }
  const locate = locator(text);
  const urls = scanUrls(text, locate, []);
  found.push(...urls.found, ...scanText(urls.rest, locate, []));
  return distinct(found);
}

function distinct(found: Found[]): Found[] {
  const seen = new Set<string>();
  return found.filter((f) => !seen.has(f.ticket) && seen.add(f.ticket));
}
