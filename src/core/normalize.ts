/** What decode and verify accept besides a bare ticket, and what they did about it. */
export interface NormalizedInput {
  ticket: string;
  notes: string[];
}

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

/**
 * Removes the harmless wrapping people paste along with a ticket: surrounding whitespace
 * or quotes, a `user ` or `Authorization: User ` prefix (`Bearer ` for tokens), a
 * `{"userTicket": "..."}` object.
 * Damage inside the ticket (spaces for '+', percent-encoding) is left for verify to
 * diagnose.
 */
// Text that cannot carry any of the wrapping below: most input, and every batch line.
const BARE = /^[A-Za-z0-9+/=:._-][^\n]*[A-Za-z0-9+/=:._-]$/;
const WRAPPED = /^(?:user|bearer|authorization)/i;

export function normalizeTicketInput(raw: string): NormalizedInput {
  if (BARE.test(raw) && !WRAPPED.test(raw)) return { ticket: raw, notes: [] };
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
  return { ticket: text, notes };
}

const JWT_SHAPE = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/;

/** True for three base64url parts joined by '.', the shape of a registration token. */
export function looksLikeJwt(text: string): boolean {
  return !text.includes(":") && JWT_SHAPE.test(text);
}
