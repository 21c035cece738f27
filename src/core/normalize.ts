import { type Found, findTickets } from "./scan.js";

/** What decode and verify accept besides a bare ticket, and what they did about it. */
export interface NormalizedInput {
  ticket: string;
  notes: string[];
  /** Set when the text holds two or more different tickets or tokens. */
  ambiguous?: Found[];
  /** Set when the text has characters no ticket has, and no ticket or token was found in it. */
  nothingFound?: true;
  /**
   * Set when `ticket` is data ':' signature, each in the standard base64 alphabet with at
   * most two '=' at its end (the common case, so that it is matched only once).
   */
  standardAlphabet?: true;
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

export function normalizeTicketInput(raw: string): NormalizedInput {
  if (STANDARD_TICKET.test(raw)) return { ticket: raw, notes: [], standardAlphabet: true };
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
