// Runs real producers of Sinch tickets and writes their output, with where each comes
// from, to test/fixtures/producers.json. `node test/producers/make-fixtures.mjs`; the test
// test/compat/producers.test.ts runs the producers again and compares byte for byte.
import { execFileSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";

const here = fileURLToPath(new URL(".", import.meta.url));
const require = createRequire(import.meta.url);
const KEY = "5d4c3b2a-1f0e-4d9c-8b7a-695847362514";
const SECRET = "JViE5vDor0Sw3WllZka15Q==";
const CREATED = "2026-11-28T12:00:00.123456Z";

export const PRODUCERS = {
  "ruby-rails-devise": {
    origin:
      "Sinch's Rails tutorial, github.com/sinch/rails-javascript-authentication, README.md, ApplicationController#get_auth_ticket",
    run: (endpoints) =>
      execFileSync("ruby", [`${here}ruby-rails-devise.rb`, KEY, SECRET, CREATED, ...endpoints], { encoding: "utf8" }),
  },
  "python-tornado-backend": {
    origin: "Sinch's Python authentication backend example (Tornado, Copyright (c) 2014 Sinch AB), getAuthTicket",
    run: (endpoints) =>
      execFileSync("python3", [`${here}python-tornado-backend.py`, KEY, SECRET, CREATED, ...endpoints], {
        encoding: "utf8",
      }),
  },
  "php-trim": {
    origin:
      "the Rails tutorial's generator as PHP backends write it (test/producers/php-trim.php: json_encode, trim() on the raw digest), run in php-cli",
    run: (endpoints) =>
      execFileSync("php", [`${here}php-trim.php`, KEY, SECRET, CREATED, ...endpoints], { encoding: "utf8" }),
  },
  "browser-btoa": {
    origin:
      "a browser page's generator (test/producers/browser-btoa.mjs: charCodeAt bytes to Web Crypto HMAC, btoa for the data), run in Node's browser globals",
    run: (endpoints) =>
      execFileSync(process.execPath, [`${here}browser-btoa.mjs`, KEY, SECRET, CREATED, ...endpoints], {
        encoding: "utf8",
      }),
  },
  "sinch-ticketgen": {
    origin: "Sinch's JS generator, npm sinch-ticketgen 0.0.6 (bundled by Sinch's JS SDK sinch-rtc 1.4.12)",
    run: (endpoints) => {
      const generate = require("sinch-ticketgen");
      return endpoints
        .map((u) => `${generate(KEY, SECRET, { username: u }, "2026-11-28T12:00:00.123Z").userTicket}\n`)
        .join("");
    },
  },
};

/** What each producer is asked to sign, and why. */
export const CASES = [
  ["ruby-rails-devise", "alice", "a plain user name"],
  ["ruby-rails-devise", "John Smith", "a space: the producer removes all whitespace from the JSON"],
  ["ruby-rails-devise", "user4", "a digest that String#strip cuts"],
  ["python-tornado-backend", "alice", "a plain user name; created without a zone"],
  ["python-tornado-backend", "Zoë Müller", "non-ASCII: written as \\u escapes, the space removed"],
  ["sinch-ticketgen", "alice", "a plain user name"],
  ["sinch-ticketgen", "Zoë", "non-ASCII: Latin-1 data, UTF-8 MAC"],
  ["php-trim", "alice", "the same JSON as the Rails tutorial: the same ticket, byte for byte"],
  ["ruby-rails-devise", "user10989", "a digest ending in \\f\\n: String#strip cuts both"],
  ["php-trim", "user10989", "a digest ending in \\f\\n: trim() cuts the \\n only"],
  ["ruby-rails-devise", "user227", "a digest ending in \\f: String#strip cuts it"],
  ["php-trim", "user227", "a digest ending in \\f: trim() keeps it, the ticket is whole"],
  ["browser-btoa", "Zoë", "non-ASCII: Latin-1 data and Latin-1 MAC; the signature matches, the data is not UTF-8"],
];

if (import.meta.url === `file://${process.argv[1]}`) {
  const fixtures = CASES.map(([producer, endpoint, why]) => ({
    producer,
    origin: PRODUCERS[producer].origin,
    why,
    applicationKey: KEY,
    applicationSecret: SECRET,
    created: CREATED,
    endpoint,
    userTicket: PRODUCERS[producer].run([endpoint]).trim(),
  }));
  writeFileSync(new URL("../fixtures/producers.json", import.meta.url), `${JSON.stringify(fixtures, null, 2)}\n`);
}
