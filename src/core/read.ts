import { type Found, findTickets } from "./scan.js";

/** What a pasted text turned out to hold, read once; every later step works on this. */
export type InputKind = "ticket" | "token" | "none" | "ambiguous";

/** A character (or escape) inside the ticket that a ticket never has: damage on the way. */
export interface Damage {
  kind: "space" | "line-break" | "percent-escape";
  /** Index in `text` (the ticket as found). */
  at: number;
  length: number;
}

/**
 * A pasted text read once: what it holds (`kind`), the ticket or token as found (damage
 * kept, wrapping removed), what was unwrapped (`notes`) and the damage seen in it.
 */
export interface ReadInput {
  kind: InputKind;
  /** The ticket or token as found; for `none`, the text that holds nothing ticket-shaped. */
  text: string;
  notes: string[];
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
function unwrap(raw: string): { ticket: string; notes: string[]; ambiguous?: Found[]; nothingFound?: true } {
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
  if (bare(text)) return { ticket: text, notes };
  const found = findTickets(text);
  if (found.length > 1) return { ticket: text, notes, ambiguous: found };
  const [only] = found;
  if (!only) return TICKET_CHARS.test(text) ? { ticket: text, notes } : { ticket: text, notes, nothingFound: true };
  if (only.ticket === text) return { ticket: text, notes };
  const steps = only.notes.length > 0 ? only.notes : [`took the ticket from the text around it (${only.where})`];
  return { ticket: only.ticket, notes: [...notes, ...steps] };
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
    } else if (ch === "%" && /^[0-9A-Fa-f]{2}$/.test(text.slice(i + 1, i + 3))) {
      damage.push({ kind: "percent-escape", at: i, length: 3 });
      i += 3;
    } else i++;
  }
  return damage;
}

/** Shared by every bare ticket's reading: never added to. */
const NO_DAMAGE: Damage[] = [];
const NOTHING: Found[] = [];

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
      damage: NO_DAMAGE,
      found: NOTHING,
      reason: null,
      standardAlphabet: true,
    };
  }
  const { ticket: text, notes, ambiguous, nothingFound } = unwrap(raw);
  const base = { text, notes, found: [], reason: null, standardAlphabet: false };
  if (ambiguous) return { ...base, kind: "ambiguous", damage: [], found: ambiguous };
  if (nothingFound) return { ...base, kind: "none", damage: [], reason: NOTHING_FOUND };
  if (text === "") return { ...base, kind: "none", damage: [], reason: "the ticket is empty" };
  return { ...base, kind: isTokenText(text) ? "token" : "ticket", damage: damageIn(text) };
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
