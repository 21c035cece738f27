import { createHmac } from "node:crypto";
import { describe, expect, it } from "vitest";
import { createTicket } from "../../src/index.js";
import producers from "../fixtures/producers.json" with { type: "json" };
import { KEY, NOW, OTHER_SECRET, SECRET } from "../helpers/constants.js";
import { cutWithEllipsis } from "../helpers/damaged.js";
import { runCli } from "../helpers/io.js";

// Support staff paste what they were sent: each case answered the same by decode, verify
// and each line of verify --batch.

const env = { SINCH_APPLICATION_KEY: KEY, SINCH_APPLICATION_SECRET: SECRET };
const ticket = (endpoint: string, secret = SECRET) =>
  createTicket({ applicationKey: KEY, applicationSecret: secret, identity: { endpoint }, now: NOW }).userTicket;
/** A ticket holding '+' (and one with '+' signed with another secret). */
const withPlus = (secret = SECRET) => {
  for (let i = 0; ; i++) {
    const t = ticket(`user${i}`, secret);
    if (t.includes("+")) return t;
  }
};
const T = withPlus();

type Diagnosis = { mistake: string; detail: string; repairedVerifies?: boolean };

async function verifyJson(text: string, extra: Record<string, string> = env) {
  const r = await runCli(["verify", "--json", text], { env: extra });
  return { code: r.code, json: JSON.parse(r.stdout) as { code: string; diagnosis: Diagnosis[]; warnings: string[] } };
}

async function batchLine(text: string) {
  const stdin = /[\r\n]/.test(text) ? JSON.stringify({ userTicket: text }) : text;
  const r = await runCli(["verify", "--batch", "-"], { env, stdin });
  return JSON.parse(r.stdout.trim()) as { code: string; diagnosis: Diagnosis[] };
}

async function decodeJson(text: string) {
  const r = await runCli(["decode", "--json", text]);
  return { code: r.code, json: JSON.parse(r.stdout) as Record<string, unknown> & { diagnosis?: Diagnosis[] } };
}

const ids = (d: Diagnosis[] | undefined) => (d ?? []).map((x) => x.mistake);

describe("a ticket whose '+' became spaces inside a URL's query", () => {
  const pasted = `https://app.example.com/cb?ticket=${T.replaceAll("+", " ")}&user=x`;

  it("is read whole and diagnosed plus-as-space, signed correctly and damaged on the way", async () => {
    const { code, json } = await verifyJson(pasted);
    expect(code).toBe(6);
    expect(json.diagnosis).toEqual([
      {
        mistake: "plus-as-space",
        detail: expect.stringMatching(/signed correctly and damaged on the way/),
        repairedVerifies: true,
      },
    ]);
    expect(ids((await batchLine(pasted)).diagnosis)).toEqual(["plus-as-space"]);
    const decoded = await decodeJson(pasted);
    expect(decoded.code).toBe(6);
    expect(ids(decoded.json.diagnosis)).toEqual(["plus-as-space"]);
    // Intact apart from the damage: decode shows what it says.
    expect(decoded.json.payload).toMatchObject({ identity: { endpoint: expect.stringMatching(/^user\d+$/) } });
  });

  it("with another secret's signature: damaged on the way, and signed wrong as well", async () => {
    const foreign = `https://app.example.com/cb?ticket=${withPlus(OTHER_SECRET).replaceAll("+", " ")}`;
    const { json } = await verifyJson(foreign);
    expect(json.diagnosis).toEqual([
      { mistake: "plus-as-space", detail: expect.stringMatching(/signed wrong/), repairedVerifies: false },
    ]);
  });
});

describe("a ticket whose signature began with '+', turned into a space", () => {
  // The space comes right after the colon: "data: signature" must not read as "key: value".
  const first = (() => {
    for (let i = 0; ; i++) {
      const t = ticket(`first${i}`);
      if (t.split(":")[1]?.startsWith("+")) return t;
    }
  })();
  const damaged = first.replaceAll("+", " ");
  const spaces = [...damaged].filter((c) => c === " ").length;

  it.each([
    ["bare", damaged],
    ["in a log line", `log: ticket=${damaged} status=401`],
    ["in a URL's query", `https://app.example.com/cb?ticket=${damaged}&user=x`],
  ])("is read whole %s, every space counted and none around it", async (_, pasted) => {
    const { code, json } = await verifyJson(pasted);
    expect(code).toBe(6);
    expect(json.diagnosis).toEqual([
      {
        mistake: "plus-as-space",
        detail: expect.stringMatching(/signed correctly and damaged on the way/),
        repairedVerifies: true,
      },
    ]);
    expect(json.diagnosis[0]?.detail).toContain(`${spaces} space${spaces === 1 ? "" : "s"} where '+' should be`);
    // Found, and its format faulted for the space (never "no ticket found in the text").
    const format = (json as unknown as { checks: { name: string; detail: string }[] }).checks[0];
    expect(format?.detail).toMatch(/^signature \(after ':'\) is not standard base64: it contains a leading space/);
    expect(ids((await batchLine(pasted)).diagnosis)).toEqual(["plus-as-space"]);
    const decoded = await decodeJson(pasted);
    expect(decoded.json.payload).toMatchObject({ identity: { endpoint: expect.stringMatching(/^first\d+$/) } });
  });
});

describe("a raw '+' inside a URL query or a form body", () => {
  it.each([
    ["a URL query", `https://app.example.com/cb?user=alice&ticket=${T}`],
    ["a form body", `curl https://app.example.com/login -d 'user=alice&ticket=${T}'`],
  ])("in %s: judged as it stands, with a warning", async (where, text) => {
    const { code, json } = await verifyJson(text);
    expect(code).toBe(0);
    expect(json.warnings.join("\n")).toMatch(new RegExp(`raw '\\+' inside a ${where.slice(2)}.*each '\\+' as a space`));
    expect((await batchLine(text)).code).toBe("valid");
    const decoded = await decodeJson(text);
    expect((decoded.json.warnings as string[]).join("\n")).toMatch(/each '\+' as a space/);
  });

  it("percent-encoded ('+' as %2B): no warning", async () => {
    const { json } = await verifyJson(`https://app.example.com/cb?ticket=${encodeURIComponent(T)}`);
    expect(json.warnings.join("\n")).not.toMatch(/raw '\+'/);
  });
});

describe("a ticket cut short", () => {
  it.each([
    ["in its signature", T.slice(0, -11), /the signature has 33 characters; an HMAC-SHA256 signature is 44/],
    ["inside its data", T.slice(0, 70), /ends inside its data \(70 characters, no ':' and no signature\)/],
  ])("%s: truncated, with the counts", async (_, text, words) => {
    const { code, json } = await verifyJson(text);
    expect(code).toBe(6);
    expect(ids(json.diagnosis)).toEqual(["truncated"]);
    expect(json.diagnosis[0]?.detail).toMatch(words);
    expect(ids((await batchLine(text)).diagnosis)).toEqual(["truncated"]);
    expect(ids((await decodeJson(text)).json.diagnosis)).toEqual(["truncated"]);
  });
});

describe("a character that does not show, inside a ticket", () => {
  it.each([
    ["\u200B", "U+200B (zero-width space)"],
    ["\uFEFF", "U+FEFF (byte-order mark)"],
    ["\u00A0", "U+00A0 (no-break space)"],
    ["\u00AD", "U+00AD (soft hyphen)"],
    ["\u0007", "U+0007 (a control character)"],
    ["\uFFFD", "U+FFFD (a byte that is not UTF-8"],
  ])("%j is invisible-character, named with its position", async (char, name) => {
    const damaged = `${T.slice(0, 20)}${char}${T.slice(20)}`;
    for (const text of [damaged, `2026-11-28T12:00:01Z login ticket=${damaged} user=alice`]) {
      const { code, json } = await verifyJson(text);
      expect(code).toBe(6);
      expect(ids(json.diagnosis)).toEqual(["invisible-character"]);
      expect(json.diagnosis[0]?.detail).toContain(`${name}`);
      expect(json.diagnosis[0]?.detail).toContain("at position 21");
      expect(ids((await batchLine(text)).diagnosis)).toEqual(["invisible-character"]);
      const decoded = await decodeJson(text);
      expect(ids(decoded.json.diagnosis)).toEqual(["invisible-character"]);
    }
  });
});

describe("line breaks", () => {
  it("a ticket wrapped in an e-mail reply ('> ' quotes) is line-wrapped, and verifies once joined", async () => {
    const quoted = `On Monday Bob wrote:\n${(T.match(/.{1,40}/g) ?? []).map((l) => `> ${l}`).join("\n")}\n`;
    const { code, json } = await verifyJson(quoted);
    expect(code).toBe(6);
    expect(json.diagnosis).toEqual([
      { mistake: "line-wrapped", detail: expect.stringMatching(/damaged on the way/), repairedVerifies: true },
    ]);
    expect(ids((await batchLine(quoted)).diagnosis)).toEqual(["line-wrapped"]);
  });

  it("a single CRLF: named where it is, not blamed on a MIME encoder; decode shows the ticket", async () => {
    const broken = `${T.slice(0, 30)}\r\n${T.slice(30)}`;
    const { json } = await verifyJson(broken);
    expect(ids(json.diagnosis)).toEqual(["line-wrapped"]);
    expect(json.diagnosis[0]?.detail).toMatch(/a CRLF at position 31/);
    expect(json.diagnosis[0]?.detail).not.toMatch(/MIME/);
    expect(json.diagnosis[0]?.repairedVerifies).toBe(true);
    expect(ids((await batchLine(broken)).diagnosis)).toEqual(["line-wrapped"]);
    const decoded = await decodeJson(broken);
    expect(decoded.code).toBe(6);
    expect(decoded.json.payload).toMatchObject({ identity: { type: "username" } });
    const human = await runCli(["decode", broken]);
    expect(human.stdout).toMatch(/identity +username "user\d+"/);
    expect(human.stderr).toMatch(/cause \(line-wrapped\)/);
  });
});

describe("repairs checked against the signature", () => {
  it("percent-encoded outside a URL: signed correctly, damaged on the way", async () => {
    const { json } = await verifyJson(encodeURIComponent(T));
    expect(json.diagnosis).toEqual([
      { mistake: "percent-encoded", detail: expect.stringMatching(/damaged on the way/), repairedVerifies: true },
    ]);
  });

  it("without a secret (decode): the damage, no verdict on the repair", async () => {
    const { json } = await decodeJson(T.replaceAll("+", " "));
    expect(json.diagnosis).toEqual([{ mistake: "plus-as-space", detail: expect.any(String) }]);
  });
});

describe("Latin-1 on both sides (a browser generator using charCodeAt and btoa)", () => {
  const fixture = producers.find((p) => p.producer === "browser-btoa") as (typeof producers)[0];
  const credentials = {
    SINCH_APPLICATION_KEY: fixture.applicationKey,
    SINCH_APPLICATION_SECRET: fixture.applicationSecret,
  };

  it("is malformed (exit 6), never valid, though the signature matches", async () => {
    const { code, json } = await verifyJson(fixture.userTicket, credentials);
    expect(code).toBe(6);
    expect(json.code).toBe("malformed");
    const checks = (json as unknown as { checks: { name: string; ok: boolean | null; detail: string }[] }).checks;
    expect(checks[0]).toMatchObject({ name: "format", ok: false, detail: expect.stringMatching(/not valid UTF-8/) });
    const r = await runCli(["verify", "--batch", "-"], { env: credentials, stdin: fixture.userTicket });
    expect(JSON.parse(r.stdout).code).toBe("malformed");
    expect((await runCli(["decode", fixture.userTicket])).code).toBe(6);
  });
});

describe("stripped-digest names the strip", () => {
  const fixture = (producer: string, endpoint: string) =>
    producers.find((p) => p.producer === producer && p.endpoint === endpoint) as (typeof producers)[0];
  it.each([
    ["php-trim", "user10989", /PHP trim\(\) \(not Ruby String#strip/],
    ["ruby-rails-devise", "user10989", /Ruby String#strip \(not PHP trim\(\)/],
    ["ruby-rails-devise", "user227", /Ruby String#strip \(not PHP trim\(\)/],
    ["ruby-rails-devise", "user4", /Ruby String#strip or PHP trim\(\)/],
  ])("%s %s", async (producer, endpoint, words) => {
    const f = fixture(producer, endpoint);
    const creds = { SINCH_APPLICATION_KEY: f.applicationKey, SINCH_APPLICATION_SECRET: f.applicationSecret };
    const { json } = await verifyJson(f.userTicket, creds);
    expect(ids(json.diagnosis)).toEqual(["stripped-digest"]);
    expect(json.diagnosis[0]?.detail).toMatch(words);
  });
});

describe("decode --json on malformed input", () => {
  it.each(["garbage", "eyJoZWxsbyI6:", "https://app.example.com/?user=alice"])(
    "prints one JSON document for %j",
    async (text) => {
      const r = await runCli(["decode", "--json", text]);
      expect(r.code).toBe(6);
      const json = JSON.parse(r.stdout);
      expect(json).toMatchObject({ format: null, error: expect.stringMatching(/^malformed ticket: /) });
      expect(Array.isArray(json.diagnosis)).toBe(true);
      expect(Array.isArray(json.notes)).toBe(true);
    },
  );
});

describe("JSON string escapes around a ticket, outside a JSON document", () => {
  /** A ticket with '/' and '+' in it, and one with '=' at its end. */
  const slashed = (() => {
    for (let i = 0; ; i++) {
      const t = ticket(`user${i}`);
      if (t.includes("/") && t.includes("+")) return t;
    }
  })();
  const escaped = slashed.replaceAll("/", "\\/");
  const unicode = slashed.replaceAll("+", "\\u002B").replaceAll("=", "\\u003D");
  it.each([
    ["a bare paste", escaped],
    ["a logfmt value", `ts=2026-11-28T12:00:01Z level=warn msg="login failed" ticket="${escaped}" user=alice`],
    ["a log line that embeds JSON", `app[web.1]: {"event":"login","ticket":"${escaped}","user":"alice"}`],
    ["\\u002B and \\u003D in a logfmt value", `level=warn ticket="${unicode}"`],
  ])("%s: the escapes are undone with a note, and the ticket verifies", async (_, pasted) => {
    const { code, json } = await verifyJson(pasted);
    expect({ code, diagnosis: json.diagnosis }).toEqual({ code: 0, diagnosis: [] });
    const notes = (json as unknown as { notes: string[] }).notes;
    expect(notes.some((n) => /JSON string escapes/.test(n))).toBe(true);
    const line = await batchLine(pasted);
    expect({ code: line.code, ids: ids(line.diagnosis) }).toEqual({ code: "valid", ids: [] });
  });
});

describe("a ticket cut and ended with an ellipsis", () => {
  const cut = T.slice(0, -11);
  it.each([
    ["…", `${cut}…`],
    ["...", `${cut}...`],
    ["… in a log line", `INFO ticket=${cut}… (truncated)`],
    ["... inside the data", `${T.slice(0, 40)}...`],
    ["… after a token", `${cutWithEllipsis().find((t) => t.startsWith("eyJhbGci"))}`],
    ["... after a token in a log line", `${cutWithEllipsis().find((t) => t.includes("token="))}`],
  ])("%s: truncated, naming the ellipsis", async (_, pasted) => {
    const { code, json } = await verifyJson(pasted);
    expect(code).toBe(6);
    expect(ids(json.diagnosis)).toEqual(["truncated"]);
    expect(json.diagnosis[0]?.detail).toMatch(/ellipsis/);
    expect(ids((await batchLine(pasted)).diagnosis)).toEqual(["truncated"]);
  });
});

describe("a ticket whose data holds a key twice", () => {
  const signed = (json: string) => {
    const data = Buffer.from(json).toString("base64");
    const mac = createHmac("sha256", Buffer.from(SECRET, "base64")).update(json).digest("base64");
    return `${data}:${mac}`;
  };
  const created = NOW.toISOString();
  it.each([
    [
      "endpoint twice",
      `{"applicationKey":"${KEY}","identity":{"type":"username","endpoint":"alice","endpoint":"admin"},"created":"${created}"}`,
      /'identity\.endpoint'.*"admin"/,
      { payload: { identity: { endpoint: "admin" } } },
    ],
    [
      "applicationKey beside applicationkey",
      `{"applicationkey":"someone-else","applicationKey":"${KEY}","identity":{"type":"username","endpoint":"alice"},"created":"${created}"}`,
      /'applicationkey', 'applicationKey'.*"YOUR_APPLICATION_KEY"/,
      { warnings: [expect.stringMatching(/reads the last, "YOUR_APPLICATION_KEY"/)] },
    ],
  ])("%s: a warning naming the key and the value Sinch reads; decode shows it", async (_, json, warning, shown) => {
    const t = signed(json);
    const { code, json: out } = await verifyJson(t);
    expect(code).toBe(0);
    expect(out.warnings.some((w) => warning.test(w))).toBe(true);
    const decoded = await decodeJson(t);
    expect(decoded.code).toBe(0);
    expect(decoded.json).toMatchObject(shown);
  });
});

describe("an unsigned registration token (alg none, an empty signature part)", () => {
  const b64url = (s: string) => Buffer.from(s).toString("base64url");
  const iat = Math.floor(NOW.getTime() / 1000);
  const claims = {
    exp: iat + 600,
    iat,
    iss: `//rtc.sinch.com/applications/${KEY}`,
    nonce: "n",
    sub: `//rtc.sinch.com/applications/${KEY}/users/admin`,
  };
  const unsigned = `${b64url(JSON.stringify({ alg: "none", kid: "hkdfv1-20261128" }))}.${b64url(JSON.stringify(claims))}.`;

  it.each([
    ["bare", unsigned],
    ["in a log line", `INFO register token=${unsigned} user=admin`],
  ])("%s: the mistake unsigned, never truncated; malformed (exit 6)", async (_, pasted) => {
    const { code, json } = await verifyJson(pasted);
    expect({ code, verdict: json.code, ids: ids(json.diagnosis) }).toEqual({
      code: 6,
      verdict: "malformed",
      ids: ["unsigned"],
    });
    expect(json.diagnosis[0]?.detail).toMatch(/forgery or a test token/);
    expect(ids((await batchLine(pasted)).diagnosis)).toEqual(["unsigned"]);
  });

  it("decode shows its header and claims all the same", async () => {
    const { code, json } = await decodeJson(unsigned);
    expect(code).toBe(6);
    expect(json).toMatchObject({ header: { alg: "none" }, claims: { sub: claims.sub } });
    expect(ids(json.diagnosis)).toEqual(["unsigned"]);
  });
});
