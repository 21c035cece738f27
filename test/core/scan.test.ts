import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { normalizeTicketInput } from "../../src/core/read.js";
import { findTickets } from "../../src/core/scan.js";
import { createRegistrationToken, createTicket } from "../../src/index.js";
import { KEY, NOW, SECRET } from "../helpers/constants.js";
import { base64Run, growthPerDoubling } from "../helpers/growth.js";

/** A ticket with both '+' and '/' in it, so that encodings of either show. */
function ticketFor(name: string): string {
  for (let i = 0; ; i++) {
    const t = createTicket({
      applicationKey: KEY,
      applicationSecret: SECRET,
      identity: { endpoint: `${name}${i}` },
      now: NOW,
    }).userTicket;
    if (t.includes("+") && t.includes("/")) return t;
  }
}
const T = ticketFor("alice");
const OTHER = ticketFor("bob");
const JWT = createRegistrationToken({
  applicationKey: KEY,
  applicationSecret: SECRET,
  userId: "carol",
  now: NOW,
}).token;

describe("reading pasted text", () => {
  it.each([
    [
      "a URL query, percent-encoded",
      `https://app.example.com/cb?user=a&ticket=${encodeURIComponent(T)}&x=1`,
      T,
      "read the query parameter 'ticket' of a URL (percent-encoding undone)",
    ],
    [
      "a URL query, not encoded",
      `https://app.example.com/cb?ticket=${T}`,
      T,
      "read the query parameter 'ticket' of a URL",
    ],
    [
      "a URL fragment",
      `https://app.example.com/#ticket=${encodeURIComponent(T)}`,
      T,
      "read the fragment parameter 'ticket' of a URL (percent-encoding undone)",
    ],
    [
      "a path with a query in a log line",
      `GET /login?t=${encodeURIComponent(T)} 200`,
      T,
      "read the query parameter 't' of a URL (percent-encoding undone)",
    ],
    [
      "a curl command",
      `curl -X POST https://api.sinch.com/v1/instance -H 'Authorization: User ${T}' -d '{}'`,
      T,
      "read the Authorization header",
    ],
    [
      "an HTTP request dump",
      `POST /v1/instance HTTP/1.1\r\nHost: api.sinch.com\r\nAuthorization: User ${T}\r\n\r\n{}`,
      T,
      "read the Authorization header",
    ],
    [
      "a JSON log record, deep",
      JSON.stringify({ level: "info", data: { auth: [{ ticket: T }] } }),
      T,
      "read field $.data.auth[0].ticket of a JSON document",
    ],
    [
      "a log line",
      `2026-11-28T12:00:00Z INFO login user=alice ticket=${T} status=200`,
      T,
      "took the ticket from the text around it (column 51)",
    ],
    ["a quoted log line", `level=info ticket="${T}" ok`, T, "took the ticket from the text around it (column 20)"],
    [
      "a token behind Bearer in curl",
      `curl -H "Authorization: Bearer ${JWT}" https://x`,
      JWT,
      "read the Authorization header",
    ],
    ["a token in a URL", `https://x/cb?token=${JWT}`, JWT, "read the query parameter 'token' of a URL"],
  ])("%s", (_name, text, ticket, note) => {
    const r = normalizeTicketInput(text);
    expect(r.ambiguous).toBeUndefined();
    expect(r.ticket).toBe(ticket);
    expect(r.notes).toContain(note);
  });

  it("keeps damage inside a ticket for verify to diagnose: spaces for '+', line breaks", () => {
    const spaced = T.replaceAll("+", " ");
    expect(normalizeTicketInput(`log: ticket=${spaced} done`).ticket).toBe(spaced);
    // "++" and "+++" become runs of spaces: the ticket still reads to its end.
    for (const run of ["++", "+++"]) {
      const [data, signature] = T.split(":") as [string, string];
      const damaged = `${data}:${signature.slice(0, 10)}${run.replaceAll("+", " ")}${signature.slice(10 + run.length)}`;
      expect(normalizeTicketInput(`log: ticket=${damaged} done`).ticket).toBe(damaged);
    }
    const wrapped = `${T.slice(0, 40)}\n${T.slice(40, 80)}\n${T.slice(80)}`;
    expect(normalizeTicketInput(`ticket:\n${wrapped}\n`).ticket).toBe(wrapped);
    // A '+' in a query is left a '+': turning it into a space would destroy a good ticket.
    expect(normalizeTicketInput(`https://x/?ticket=${T}`).ticket).toBe(T);
    // A space that came from %20 in a URL is damage the URL carried: kept.
    expect(normalizeTicketInput(`https://x/?ticket=${T.replaceAll("+", "%20")}`).ticket).toBe(spaced);
    // Percent-encoding outside a URL is not undone: verify names it.
    const encoded = T.replace("/", "%2F");
    expect(normalizeTicketInput(encoded).ticket).toBe(encoded);
  });

  it("refuses two different tickets, saying where they are; the same one twice is one", () => {
    const r = normalizeTicketInput(`first ${T}\nthen ${OTHER}`);
    expect(r.ambiguous?.map((f) => f.where)).toEqual(["line 1, column 7", "line 2, column 6"]);
    expect(findTickets(`${T} and again ${T}`)).toHaveLength(1);
    expect(findTickets(JSON.stringify({ a: T, b: { c: JWT } })).map((f) => f.where)).toEqual([
      "field $.a",
      "field $.b.c",
    ]);
  });

  it("finds nothing in text without a ticket", () => {
    expect(findTickets("nothing to see: eyJ is not enough, nor a:b")).toEqual([]);
    expect(normalizeTicketInput("hello world").ticket).toBe("hello world");
  });
});

describe("reading pasted text, for any ticket in any surroundings", () => {
  // Surrounding text: words, punctuation and line breaks (a ticket never starts right
  // after a letter or digit: that would be part of a longer run).
  const words = fc.array(
    fc.constantFrom("user", "status", "200", "ok", "INFO", "login", "=", ":", " ", ",", "\n", "[x]", "é"),
    {
      maxLength: 12,
    },
  );
  const before = words.map((w) => `${w.join("")} `);
  const after = words.map((w) => ` ${w.join("")}`);
  const wrappers: ((t: string) => string)[] = [
    (t) => t,
    (t) => `Authorization: User ${t}`,
    (t) => `"${t}"`,
    (t) => `https://app.example.com/cb?a=1&ticket=${encodeURIComponent(t)}`,
    (t) => `https://app.example.com/cb#ticket=${t}`,
    (t) => JSON.stringify({ log: { nested: [1, { ticket: t }] } }),
    (t) => `ticket=${t}`,
  ];

  it("finds exactly the ticket or token", () => {
    fc.assert(
      fc.property(
        fc.string({ minLength: 1, maxLength: 20 }).filter((s) => !/\p{Cc}/u.test(s)),
        fc.boolean(),
        fc.constantFrom(...wrappers),
        before,
        after,
        (endpoint, token, wrap, head, tail) => {
          const t = token
            ? createRegistrationToken({ applicationKey: KEY, applicationSecret: SECRET, userId: endpoint, now: NOW })
                .token
            : createTicket({ applicationKey: KEY, applicationSecret: SECRET, identity: { endpoint }, now: NOW })
                .userTicket;
          const text = `${head}${wrap(t)}${tail}`;
          const r = normalizeTicketInput(text);
          expect(r.ambiguous).toBeUndefined();
          expect(r.ticket).toBe(t);
        },
      ),
      { numRuns: 400 },
    );
  });
});

/** A ticket-shaped string (not signed: only its shape matters to the scanner), `n` apart. */
const fakeTicket = (n: number) => `eyJ${base64Run(120, n + 1)}:${base64Run(43, n + 7)}=`;
const lines = (size: number, line: (n: number) => string) => {
  const out: string[] = [];
  let length = 0;
  for (let n = 0; length < size; n++) {
    out.push(line(n));
    length += (out[out.length - 1] as string).length;
  }
  return out.join("");
};

describe("reading pasted text stays linear: each doubling of the text about doubles the time", () => {
  it.each<[string, (size: number) => string]>([
    ["a base64 run without ':', dense in '+/'", (size) => "+/".repeat(size / 2)],
    ["letters", (size) => "a".repeat(size)],
    ["a scheme with no end", (size) => `${"a".repeat(size / 2)}://${"b".repeat(size / 2)}`],
    ["ticket starts with no colon", (size) => "eyJ ".repeat(size / 4)],
    ["token starts with no dot", (size) => "eyJ".repeat(size / 3)],
    ["token parts with no third", (size) => "eyJab.eyJcd.".repeat(size / 12)],
    ["colons", (size) => "eyJa:".repeat(size / 5)],
    ["query marks", (size) => "/?a=".repeat(size / 4)],
    ["slashes after '+' before one '?'", (size) => `${"+/".repeat(size / 2)}?a=b`],
    ["escaped slashes", (size) => "\\/".repeat(size / 2)],
    ["escaped slashes in a base64 run", (size) => `eyJ${"ab\\/".repeat(size / 4)}`],
    ["\\u002B escapes", (size) => "\\u002B".repeat(size / 6)],
    ["ellipses after short runs", (size) => "eyJab\u2026".repeat(size / 6)],
    ["ellipses after runs long enough to be cut tickets", (size) => "eyJabcdefghijklmn... ".repeat(size / 21)],
    ["dots", (size) => ".".repeat(size)],
    [
      "a JSON array of strings with escaped slashes",
      (size) => JSON.stringify(Array(Math.floor(size / 12)).fill("[a\\/b]")),
    ],
    [
      "log lines, a different ticket on each",
      (size) => lines(size, (n) => `2026-11-28T12:00:00Z INFO login user=u${n} ticket=${fakeTicket(n)} status=200\n`),
    ],
    [
      "log lines, a different ticket in a URL on each",
      (size) => lines(size, (n) => `GET /cb?user=u${n}&ticket=${encodeURIComponent(fakeTicket(n))} 200\n`),
    ],
  ])("%s", (_name, make) => {
    expect(growthPerDoubling(make, normalizeTicketInput, 1 << 16)).toBeLessThan(3.5);
  });
});
