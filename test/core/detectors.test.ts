import { describe, expect, it } from "vitest";
import { TICKET_DETECTORS, type TicketCase } from "../../src/core/ticket/diagnose.js";
import { TOKEN_DETECTORS, type TokenCase } from "../../src/core/token/diagnose.js";
import { utcDate } from "../../src/core/token/format.js";
import {
  createTicket,
  inspectRegistrationToken,
  inspectTicket,
  verifyRegistrationToken,
  verifyTicket,
} from "../../src/index.js";
import { KEY, NOW, SECRET } from "../helpers/constants.js";
import { damagedInputs } from "../helpers/damaged.js";

// Each detector of the diagnosis tables, called on its own: it names its own mistake and
// stays silent on every other one.

const options = { applicationSecret: SECRET, applicationKey: KEY, now: NOW };
const key = Buffer.from(SECRET, "base64");

function ticketCase(text: string): TicketCase {
  const { checks } = verifyTicket(text, options);
  return {
    inspection: inspectTicket(text),
    key,
    secretText: SECRET,
    expectedKey: KEY,
    checks,
    failed: (name) => checks.some((c) => c.name === name && c.ok === false),
  };
}

function tokenCase(text: string): TokenCase {
  const inspection = inspectRegistrationToken(text);
  const { checks } = verifyRegistrationToken(text, options);
  const iat = inspection.claims?.iat;
  return {
    inspection,
    key,
    secretText: SECRET,
    expectedKey: KEY,
    checks,
    signingInput: inspection.parts.slice(0, 2).join("."),
    iatDate: typeof iat === "number" ? utcDate(iat * 1000) : null,
  };
}

const speaking = (detectors: Record<string, (c: never) => string | null>, c: unknown) =>
  Object.entries(detectors)
    .filter(([, detect]) => detect(c as never) !== null)
    .map(([id]) => id);

describe("the diagnosis detectors, one at a time", () => {
  it.each(damagedInputs().map((i) => [i.id, i.text] as const))("%s", (id, text) => {
    const token = text.split(".").length === 3;
    const found = token ? speaking(TOKEN_DETECTORS, tokenCase(text)) : speaking(TICKET_DETECTORS, ticketCase(text));
    expect(found).toEqual([id]);
  });

  it("none speaks for a valid ticket", () => {
    const good = createTicket({
      applicationKey: KEY,
      applicationSecret: SECRET,
      identity: { endpoint: "alice" },
      now: NOW,
    });
    expect(speaking(TICKET_DETECTORS, ticketCase(good.userTicket))).toEqual([]);
  });
});
