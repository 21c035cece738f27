import { describeSpan } from "../describe.js";
import { endpointWarnings, isIdentityType } from "../endpoint.js";
import type { TicketInspection } from "./inspect.js";
import type { TicketContent } from "./payload.js";

const KNOWN_FIELDS = new Set(["identity", "created", "expiresIn"]);
const VERY_OLD_MS = 7 * 86400_000;
const FUTURE_MS = 5 * 60_000;

/**
 * What a reader should know about a ticket that reads fine, no secret needed: things
 * Sinch or its SDKs will trip over, or that suggest a producer bug.
 */
export function ticketWarnings(inspection: TicketInspection, content: TicketContent, now: Date): string[] {
  const warnings: string[] = [];
  const { identity, payload } = content;
  if (inspection.dataEncoding === "latin1") {
    warnings.push(
      "ticket data is not valid UTF-8 and was read as Latin-1 to show it: Sinch reads it as UTF-8 (Sinch's JS generator and browser generators using btoa write Latin-1 for non-ASCII endpoints)",
    );
  } else if (/[\u0080-\uffff]/.test(identity.endpoint) && /[\u0080-\uffff]/.test(inspection.json ?? "")) {
    // Only raw non-ASCII in the data is garbled: \u escapes read the same everywhere.
    warnings.push(
      `the endpoint has non-ASCII characters: Sinch's JS SDK reads ticket data as Latin-1 and will show the user id garbled (${JSON.stringify(Buffer.from(identity.endpoint, "utf8").toString("latin1"))}), while Sinch's servers read it correctly`,
    );
  }
  warnings.push(...endpointWarnings(identity.endpoint));
  for (const [name, value] of [
    ["identity.type", identity.type],
    [content.applicationKeyField, content.applicationKey],
  ] as const) {
    if (value !== value.trim()) warnings.push(`'${name}' has leading or trailing whitespace: ${JSON.stringify(value)}`);
    else if (/\s/.test(value)) warnings.push(`'${name}' contains whitespace: ${JSON.stringify(value)}`);
  }
  if (!isIdentityType(identity.type)) {
    warnings.push(`identity type '${identity.type}' is not one Sinch documents (username, email, number)`);
  }
  for (const { key, names, value } of content.repeatedKeys) {
    warnings.push(
      `ticket data holds the key '${key}' ${names.length} times (${names.map((n) => `'${n}'`).join(", ")}): Sinch's reader compares keys without case and reads the last, ${JSON.stringify(value) ?? "undefined"}; the signature covers them all`,
    );
  }
  /** Spellings of a repeated key: named by the warning above, not unknown. */
  const repeated = new Set(content.repeatedKeys.flatMap((r) => r.names.map((n) => n.toLowerCase())));
  const unknown = Object.keys(payload).filter(
    (k) => !KNOWN_FIELDS.has(k) && k !== content.applicationKeyField && !repeated.has(k.toLowerCase()),
  );
  const identityExtra = Object.keys((payload.identity ?? {}) as object).filter(
    (k) => k !== "type" && k !== "endpoint" && !repeated.has(k.toLowerCase()),
  );
  const extras = [...unknown, ...identityExtra.map((k) => `identity.${k}`)];
  if (extras.length > 0)
    warnings.push(
      `unknown field${extras.length > 1 ? "s" : ""} ${extras.map((k) => `'${k}'`).join(", ")}: no Sinch producer writes them`,
    );
  if (payload.expiresIn === undefined && Object.keys(payload).some((k) => k.toLowerCase() === "expiresin")) {
    warnings.push("an 'expiresIn' field is spelled with another casing; it was not read as the expiry");
  }
  if (content.createdParts.offsetMinutes === null) {
    warnings.push(`'created' has no time zone (${content.created}); it was read as UTC`);
  }
  const age = now.getTime() - content.createdAt;
  if (age < -FUTURE_MS) {
    warnings.push(
      `'created' is ${describeSpan(-age)} in the future: the producer's clock is ahead, or it wrote local time as UTC`,
    );
  } else if (age > VERY_OLD_MS) {
    warnings.push(`'created' is ${describeSpan(age)} old: tickets are normally used within minutes of being made`);
  }
  return warnings;
}
