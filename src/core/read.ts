import { INVISIBLE } from "./repair.js";
import { type Found, findTickets, withoutJsonEscapes } from "./scan.js";

/** What a pasted text turned out to hold, read once; every later step works on this. */
export type ReadKind = "ticket" | "token" | "none" | "ambiguous";

/**
 * A character (or escape) inside the ticket that a ticket never has: damage on the way.
 * An `ellipsis` (`…` or `...`) is just after the ticket (`at` is the length of `text`):
 * the text was cut there.
 */
export interface Damage {
  kind: "space" | "line-break" | "percent-escape" | "invisible" | "ellipsis";
  /** Index in `text` (the ticket as found). */
  at: number;
  length: number;
}

/**
 * A pasted text read once: what it holds (`kind`), the ticket or token as found (damage
 * kept, wrapping removed), what was unwrapped (`notes`) and the damage seen in it.
 */
export interface ReadInput {
  kind: ReadKind;
  /** The ticket or token as found; for `none`, the text that holds nothing ticket-shaped. */
  text: string;
  notes: string[];
  /** What the reader saw that a reader of the ticket should know (a raw '+' in a URL query). */
  warnings: string[];
  damage: Damage[];
  /** For `ambiguous`: the different tickets or tokens found, with where. */
  found: Found[];
  /** For `none`: why nothing could be read. */
  reason: string | null;
  /**
   * Set when `text` is data ':' signature, each in the standard base64 alphabet with at
   * most two '=' at its end (the common case, so that it is matched only once).
   */
  standardAlphabet: boolean;
}

/** What decode and verify accept besides a bare ticket, and what they did about it. */
export interface NormalizedInput {
  ticket: string;
  notes: string[];
  /** Set when the text holds two or more different tickets or tokens. */
  ambiguous?: Found[];
  /** Set when the text has characters no ticket has, and no ticket or token was found in it. */
  nothingFound?: true;
}

/** Characters a ticket or token can be made of, damaged (base64url, percent escapes) or not. */
const TICKET_CHARS = /^[A-Za-z0-9+/=:._%-]*$/;

const AUTH_PREFIX = /^authorization\s*:\s*(?:user|bearer)\s+/i;
const USER_PREFIX = /^(?:user|bearer)\s+/i;
const QUOTES = ['"', "'", "`"];

function fromJsonObject(text: string): string | null {
  if (!text.startsWith("{")) return null;
  try {
    const parsed = JSON.parse(text) as unknown;
    if (parsed && typeof parsed === "object" && !Array.isArray(parsed)) {
      for (const [k, v] of Object.entries(parsed)) {
        if (k.toLowerCase() === "userticket" && typeof v === "string") return v;
      }
    }
  } catch {
    // not a JSON object: leave it to the ticket parser to say what is wrong
  }
  return null;
}

/** A ticket or a token and nothing else: most input, and most batch lines. */
const BARE_TICKET = /^[A-Za-z0-9+/_-]+=*:[A-Za-z0-9+/_-]*=*$/;
const JWT_SHAPE = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/;
const STANDARD_TICKET = /^[A-Za-z0-9+/]+={0,2}:[A-Za-z0-9+/]+={0,2}$/;
const bare = (text: string) => BARE_TICKET.test(text) || JWT_SHAPE.test(text);

/**
 * Removes the harmless wrapping people paste along with a ticket: surrounding whitespace
 * or quotes, a `user ` or `Authorization: User ` prefix (`Bearer ` for tokens), a
 * `{"userTicket": "..."}` object; then, when what is left is not just a ticket, finds it
 * in the text around it (see `findTickets`).
 * Damage inside the ticket (spaces for '+', percent-encoding outside a URL) is left for
 * verify to diagnose.
 */
function unwrap(raw: string): {
  ticket: string;
  notes: string[];
  ambiguous?: Found[];
  nothingFound?: true;
  cut?: string;
} {
  if (bare(raw)) return { ticket: raw, notes: [] };
  const notes: string[] = [];
  let text = raw;
  for (let round = 0; round < 8; round++) {
    const before = text;
    const trimmed = text.trim();
    if (trimmed !== text) {
      notes.push("removed surrounding whitespace");
      text = trimmed;
    }
    const inner = fromJsonObject(text);
    if (inner !== null) {
      notes.push("took the userTicket field of a JSON object");
      text = inner;
      continue;
    }
    const quote = QUOTES.find((q) => text.length >= 2 && text.startsWith(q) && text.endsWith(q));
    if (quote) {
      let unquoted = text.slice(1, -1);
      if (quote === '"') {
        try {
          unquoted = JSON.parse(text) as string;
        } catch {
          // not a JSON string literal: plain quotes
        }
      }
      notes.push("removed surrounding quotes");
      text = unquoted;
      continue;
    }
    const prefix = AUTH_PREFIX.exec(text) ?? USER_PREFIX.exec(text);
    if (prefix) {
      notes.push(`removed the '${prefix[0].trim()}' prefix`);
      text = text.slice(prefix[0].length);
      continue;
    }
    if (text === before) break;
  }
  // What a JSON object or string held may still carry escapes of its own.
  const unescaped = withoutJsonEscapes(text);
  if (unescaped.note !== null) {
    notes.push(unescaped.note);
    text = unescaped.text;
  }
  if (bare(text)) return { ticket: text, notes };
  text = withoutMailQuotes(text, notes);
  const found = findTickets(text);
  if (found.length > 1) return { ticket: text, notes, ambiguous: found };
  const [only] = found;
  if (!only) return TICKET_CHARS.test(text) ? { ticket: text, notes } : { ticket: text, notes, nothingFound: true };
  if (only.ticket === text) return { ticket: text, notes };
  const steps = only.notes.length > 0 ? only.notes : [`took the ticket from the text around it (${only.where})`];
  if (!only.cut) return { ticket: only.ticket, notes: [...notes, ...steps] };
  const cut = `left out the ellipsis ('${only.cut}') just after it: the text was cut there`;
  return { ticket: only.ticket, notes: [...notes, ...steps, cut], cut: only.cut };
}

/** "2 different tickets or tokens (line 1, column 5; line 3, column 9)": for a refusal. */
export function describeAmbiguity(found: Found[]): string {
  return `${found.length} different tickets or tokens (${found.map((f) => f.where).join("; ")})`;
}

/** True for three base64url parts joined by '.', the shape of a registration token. */
export function looksLikeJwt(text: string): boolean {
  return !text.includes(":") && JWT_SHAPE.test(text);
}

const NOTHING_FOUND =
  "no ticket or registration token found in the text (a ticket is base64 JSON, ':', a base64 signature; a token is three base64url parts joined by '.')";

/** Spaces, line breaks and percent escapes inside what was found: none is part of a ticket. */
function damageIn(text: string): Damage[] {
  const damage: Damage[] = [];
  for (let i = 0; i < text.length; ) {
    const ch = text[i];
    if (ch === " ") {
      damage.push({ kind: "space", at: i, length: 1 });
      i++;
    } else if (ch === "\r" || ch === "\n") {
      const length = ch === "\r" && text[i + 1] === "\n" ? 2 : 1;
      damage.push({ kind: "line-break", at: i, length });
      i += length;
    } else if (INVISIBLE.test(ch as string)) {
      damage.push({ kind: "invisible", at: i, length: 1 });
      i++;
    } else if (ch === "%" && /^[0-9A-Fa-f]{2}$/.test(text.slice(i + 1, i + 3))) {
      damage.push({ kind: "percent-escape", at: i, length: 3 });
      i += 3;
    } else i++;
  }
  return damage;
}

/** Shared by every bare ticket's reading: never added to. */
const NO_DAMAGE: Damage[] = [];
const NO_WARNINGS: string[] = [];
const NOTHING: Found[] = [];

type Unwrapped = ReturnType<typeof unwrap>;

/** `> ` at the start of lines: an e-mail reply quoting what it answers. */
const MAIL_QUOTE = /^[ \t]*(?:>[ \t]?)+/gm;

/**
 * `unwrap`, seeing through characters that do not show (zero-width space, BOM, no-break
 * space...): they are looked through to find the ticket, then kept in it, so that the
 * judge names them.
 */
function unwrapVisible(text: string): Unwrapped {
  if (!INVISIBLE.test(text)) return unwrap(text);
  // Read the text without them, then take the same stretch of the text with them.
  const kept: number[] = [];
  let visible = "";
  for (let i = 0; i < text.length; i++) {
    if (INVISIBLE.test(text[i] as string)) continue;
    kept.push(i);
    visible += text[i];
  }
  const found = unwrap(visible);
  const at = found.ambiguous || found.nothingFound ? -1 : visible.indexOf(found.ticket);
  if (at === -1 || found.ticket === "") return unwrap(text);
  const start = kept[at] as number;
  const end = (kept[at + found.ticket.length - 1] as number) + 1;
  return { ...found, ticket: text.slice(start, end) };
}

/** The text without e-mail quote markers, when the lines that hold the ticket are quoted. */
function withoutMailQuotes(text: string, notes: string[]): string {
  if (!/\n/.test(text) || !/^[ \t]*>/m.test(text)) return text;
  const quoted = text.split("\n").find((l) => /[A-Za-z0-9+/]{16}/.test(l)) ?? "";
  if (!/^[ \t]*>/.test(quoted)) return text;
  notes.push("removed the e-mail quote markers ('> ') at the start of lines");
  return text.replace(MAIL_QUOTE, "");
}

/** `curl -d` / `--data` / `--data-raw` / `--data-binary` bodies: sent form-encoded as they are. */
const FORM_BODY = /(?:^|\s)(?:-d|--data|--data-raw|--data-binary)[\s=]+(?:'([^']*)'|"([^"]*)"|(\S+))/g;

/**
 * A ticket holding a raw '+' in a URL's query or in a form body is read as it stands, but
 * whoever decodes that query or form will read each '+' as a space.
 */
function rawPlusWarnings(raw: string, ticket: string, notes: string[]): string[] {
  if (!ticket.includes("+") || !raw.includes(ticket)) return [];
  const inQuery = notes.some((n) => n.startsWith("read the query parameter"));
  const inForm = [...raw.matchAll(FORM_BODY)].some((m) => (m[1] ?? m[2] ?? m[3] ?? "").includes(ticket));
  if (!inQuery && !inForm) return [];
  return [
    `the ticket holds a raw '+' inside a ${inQuery ? "URL query" : "form body"}: a receiver that decodes the ${inQuery ? "query" : "form"} (application/x-www-form-urlencoded) reads each '+' as a space and gets a broken ticket. Percent-encode the ticket there (encodeURIComponent: '+' is %2B)`,
  ];
}

/** No ':' and three '.'-separated parts starting like a JSON header: a registration token. */
function isTokenText(text: string): boolean {
  return !text.includes(":") && (JWT_SHAPE.test(text) || /^eyJ[^.\s]*\.[^.\s]*\.[^.\s]*$/.test(text));
}

/**
 * Reads a pasted text once: removes the harmless wrapping people paste along with a ticket
 * (surrounding whitespace or quotes, a `user ` or `Authorization: User ` prefix, a
 * `{"userTicket": "..."}` object), finds the ticket or token in the text around it (see
 * `findTickets`), and says what it is: a ticket, a registration token, nothing, or two or
 * more different ones. Damage inside the ticket (spaces for '+', percent-encoding outside a
 * URL, line breaks) is kept and listed, never repaired: the judge diagnoses it.
 */
export function readInput(raw: string): ReadInput {
  // A bare ticket (most input, and most batch lines): nothing to unwrap, no damage.
  if (STANDARD_TICKET.test(raw)) {
    return {
      kind: "ticket",
      text: raw,
      notes: [],
      warnings: NO_WARNINGS,
      damage: NO_DAMAGE,
      found: NOTHING,
      reason: null,
      standardAlphabet: true,
    };
  }
  const unescaped = withoutJsonEscapes(raw);
  const read = unwrapVisible(unescaped.text);
  const { ticket: text, ambiguous, nothingFound, cut } = read;
  const notes = unescaped.note === null ? read.notes : [unescaped.note, ...read.notes];
  const warnings = rawPlusWarnings(unescaped.text, text, notes);
  const base = { text, notes, warnings, found: [], reason: null, standardAlphabet: false };
  if (ambiguous) return { ...base, kind: "ambiguous", damage: [], found: ambiguous };
  if (nothingFound) return { ...base, kind: "none", damage: [], reason: NOTHING_FOUND };
  if (text === "") return { ...base, kind: "none", damage: [], reason: "the ticket is empty" };
  const damage = damageIn(text);
  if (cut) damage.push({ kind: "ellipsis", at: text.length, length: cut.length });
  return { ...base, kind: isTokenText(text) ? "token" : "ticket", damage };
}

/**
 * The library's older view of `readInput`: the ticket or token found, and what was done to
 * get at it.
 */
export function normalizeTicketInput(raw: string): NormalizedInput {
  const input = readInput(raw);
  return {
    ticket: input.text,
    notes: input.notes,
    ...(input.kind === "ambiguous" ? { ambiguous: input.found } : {}),
    ...(input.kind === "none" && input.reason === NOTHING_FOUND ? { nothingFound: true as const } : {}),
  };
}
