import type { TicketInspection } from "./decode.js";
import type { TicketContent } from "./payload.js";

/** What a reader should know about a ticket that reads fine (no secret needed). */
export function ticketWarnings(inspection: TicketInspection, content: TicketContent, _now: Date): string[] {
  const warnings: string[] = [];
  if (inspection.dataEncoding === "latin1") {
    warnings.push(
      "ticket data is not valid UTF-8 and was read as Latin-1: Sinch's JS generator does this with non-ASCII endpoints, and Sinch will reject the signature",
    );
  }
  if (content.createdParts.offsetMinutes === null) {
    warnings.push(`'created' has no time zone (${content.created}); it was read as UTC`);
  }
  return warnings;
}
