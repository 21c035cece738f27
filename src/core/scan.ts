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
}

/** Ticket data starts with base64 of `{"`, `{ ` or `{\n`. */
const TICKET_START = /e[wy][A-Za-z0-9+/]/g;
/** Characters of a ticket, standard or damaged (base64url, percent escapes). */
const BASE64_CHAR = /[A-Za-z0-9+/=%_-]/;
// Damage (standard base64 characters, percent escapes) stays part of the token.
const JWT = /eyJ[A-Za-z0-9_+/%-]{2,}\.eyJ[A-Za-z0-9_+/%-]{2,}\.[A-Za-z0-9_+/=%-]{10,}/g;
// A query or fragment goes on across single spaces (up to three: '+++' form-decoded): a
// ticket whose '+' became spaces is still one value, never cut at the first space.
const URL_LIKE =
  /(?:[a-z][a-z0-9+.-]{0,30}:\/\/|(?<![\w/])\/)[^\s"'<>`]*[?#][^\s"'<>`]+(?: {1,3}[A-Za-z0-9+/=%_-][^\s"'<>`]*)*/gi;
const AUTH_BEFORE = /authorization\s*:\s*(?:user|bearer)\s+$/i;
/** 32 bytes of signature are 44 characters of base64. */
const SIGNATURE_CHARS = 44;

const lineStarts = new WeakMap<object, number[]>();

/** "line 2, column 5" (or "column 5" for one line), found in O(log n). */
function position(text: string, index: number): string {
  const key = Object(text) as object;
  let starts = lineStarts.get(key);
  if (!starts) {
    starts = [0];
    for (let i = text.indexOf("\n"); i !== -1; i = text.indexOf("\n", i + 1)) starts.push(i + 1);
    lineStarts.set(key, starts);
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

/** Tickets and tokens in plain text (no URL in it), with where they start. */
function scanText(text: string, base: string, offset: number, notes: string[]): Found[] {
  const found: Found[] = [];
  /** Tokens found first; ticket starts inside one are skipped (both lists run left to right). */
  const taken: [number, number][] = [];
  let next = 0;
  const seen = new Set<string>();
  JWT.lastIndex = 0;
  for (let m = JWT.exec(text); m; m = JWT.exec(text)) {
    const before = text.slice(Math.max(0, m.index - 40), m.index);
    found.push({
      ticket: m[0],
      notes: [...notes, ...(AUTH_BEFORE.test(before) ? ["read the Authorization header"] : [])],
      where: position(base, offset + m.index),
    });
    taken.push([m.index, m.index + m[0].length]);
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
    if (!ticket.ok || seen.has(text.slice(start, ticket.end))) continue;
    seen.add(text.slice(start, ticket.end));
    const before = text.slice(Math.max(0, start - 40), start);
    found.push({
      ticket: text.slice(start, ticket.end),
      notes: [...notes, ...(AUTH_BEFORE.test(before) ? ["read the Authorization header"] : [])],
      where: position(base, offset + start),
    });
  }
  return found;
}

function decodeComponent(value: string): string {
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

function scanUrls(text: string, base: string, offset: number, notes: string[]): { found: Found[]; rest: string } {
  const found: Found[] = [];
  let rest = text;
  URL_LIKE.lastIndex = 0;
  for (let m = URL_LIKE.exec(text); m; m = URL_LIKE.exec(text)) {
    let hit = false;
    for (const p of urlParameters(m[0])) {
      const step = `read the ${p.part} parameter${p.name ? ` '${p.name}'` : ""} of a URL${p.value !== p.raw ? " (percent-encoding undone)" : ""}`;
      for (const f of scanText(p.value, p.value, 0, [...notes, step])) {
        found.push({ ...f, where: position(base, offset + m.index) });
        hit = true;
      }
    }
    if (hit) rest = rest.slice(0, m.index) + " ".repeat(m[0].length) + rest.slice(m.index + m[0].length);
  }
  return { found, rest };
}

function scanJson(value: unknown, path: string, found: Found[]): void {
  if (typeof value === "string") {
    for (const f of findTickets(value))
      found.push({ ...f, notes: [`read field ${path} of a JSON document`, ...f.notes], where: `field ${path}` });
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
  const urls = scanUrls(text, text, 0, []);
  found.push(...urls.found, ...scanText(urls.rest, text, 0, []));
  return distinct(found);
}

function distinct(found: Found[]): Found[] {
  const seen = new Set<string>();
  return found.filter((f) => !seen.has(f.ticket) && seen.add(f.ticket));
}
