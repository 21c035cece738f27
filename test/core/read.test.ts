import { describe, expect, it } from "vitest";
import { normalizeTicketInput } from "../../src/core/read.js";

const T = "eyJhIjoxfQ==:3/BOhqw07Ax2/Brs6r7zLe0DTnYh93OnKSTr/LCTDI8=";

describe("normalizeTicketInput", () => {
  it.each([
    [T, []],
    [`  ${T}\n`, ["removed surrounding whitespace"]],
    [`"${T}"`, ["removed surrounding quotes"]],
    [`'${T}'`, ["removed surrounding quotes"]],
    [`user ${T}`, ["removed the 'user' prefix"]],
    [`Authorization: User ${T}`, ["removed the 'Authorization: User' prefix"]],
    [`authorization:user ${T}`, ["removed the 'authorization:user' prefix"]],
    [`{"userTicket": "${T}"}`, ["took the userTicket field of a JSON object"]],
    [
      ` "Authorization: User ${T}" `,
      ["removed surrounding whitespace", "removed surrounding quotes", "removed the 'Authorization: User' prefix"],
    ],
    [`"${T.replaceAll("/", "\\/")}"`, ["removed surrounding quotes"]],
  ])("%j", (input, notes) => {
    const result = normalizeTicketInput(input);
    expect(result.ticket).toBe(T);
    expect(result.notes).toEqual(notes);
  });

  it("leaves damage inside the ticket alone", () => {
    const damaged = T.replace("+", " ").replace("/", "%2F");
    expect(normalizeTicketInput(damaged).ticket).toBe(damaged);
  });
});
