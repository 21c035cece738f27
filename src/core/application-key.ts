import { looksLikeJwt, normalizeTicketInput } from "./normalize.js";
import { inspectTicket } from "./ticket/inspect.js";
import { inspectRegistrationToken } from "./token/format.js";

/**
 * The application a ticket or token names (the ticket's key field, a token's `iss`),
 * read without any secret; null when it cannot be read.
 */
export function applicationKeyOf(input: string): string | null {
  return looksLikeJwt(normalizeTicketInput(input).ticket)
    ? inspectRegistrationToken(input).applicationKey
    : (inspectTicket(input).content?.applicationKey ?? null);
}
