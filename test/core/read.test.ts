import { describe, expect, it } from "vitest";
import { normalizeTicketInput, readInput } from "../../src/core/read.js";

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

describe("readInput: JSON string escapes around a ticket", () => {
  const escaped = T.replaceAll("/", "\\/");
  it.each([
    ["a bare paste", escaped],
    ["a logfmt value", `level=warn ticket="${escaped}" user=alice`],
    ["a log line that embeds JSON", `app[web.1]: {"ticket":"${escaped}"}`],
    ["\\u002F, \\u003D", T.replaceAll("/", "\\u002F").replaceAll("=", "\\u003d")],
  ])("%s: undone, with a note", (_, text) => {
    const input = readInput(text);
    expect(input.text).toBe(T);
    expect(input.damage).toEqual([]);
    expect(input.notes[0]).toMatch(/^undid the JSON string escapes around the ticket \('\\\/'|'\\u002F'/);
  });

  it("a JSON record whose message quotes the escaped ticket once more: undone in that field", () => {
    const input = readInput(JSON.stringify({ level: "warn", message: `login failed ticket="${escaped}"` }));
    expect(input.text).toBe(T);
    expect(input.notes).toEqual([
      "read field $.message of a JSON document",
      "undid the JSON string escapes around the ticket ('\\/'): it was copied out of JSON text",
    ]);
  });

  it.each([
    ["a JSON document", `{"auth":{"ticket":"${escaped}"}}`],
    ["a JSON string literal", `"${escaped}"`],
  ])("%s is read as JSON: its own escapes, no note about them", (_, text) => {
    const input = readInput(text);
    expect(input.text).toBe(T);
    expect(input.notes.some((n) => n.includes("escapes"))).toBe(false);
  });
});

describe("readInput: an ellipsis just after the ticket", () => {
  it.each([
    ["\u2026", `${T.slice(0, -5)}\u2026`, T.slice(0, -5)],
    ["...", `${T.slice(0, -5)}...`, T.slice(0, -5)],
    ["... after the data alone", `${T.slice(0, 30)}...`, T.slice(0, 30)],
    ["\u2026 in a log line", `msg=x ticket=${T.slice(0, 30)}\u2026 user=a`, T.slice(0, 30)],
  ])("%s: left out, recorded as damage just after it", (_, text, ticket) => {
    const input = readInput(text);
    expect(input.text).toBe(ticket);
    expect(input.damage).toEqual([{ kind: "ellipsis", at: ticket.length, length: text.includes("...") ? 3 : 1 }]);
    expect(input.notes.some((n) => n.includes("ellipsis"))).toBe(true);
  });

  it("a short word before an ellipsis is no ticket", () => {
    expect(readInput("see eyJab\u2026 later").kind).toBe("none");
  });
});
