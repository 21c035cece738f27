/**
 * The checks of `callback listen`: each request received is verified and described by a
 * log line (and with --json an NDJSON line). Pure apart from the memory of recent
 * signatures, so that it runs as well on the receiver's worker thread as on its main
 * thread. Nothing a request carries can stop it: a check that throws becomes that
 * request's line (code `error`), and every value from outside is escaped on the line.
 */
import { createHash } from "node:crypto";
import { escapeForTerminal } from "../../../core/escape.js";
import { callbackEventName } from "../../../core/request/callbacks.js";
import {
  type CheckedRequest,
  checkRequest,
  type RequestCheckOptions,
  type RequestCredentials,
} from "../../../core/request/check.js";
import { headerValue, type ParsedRequest } from "../../../core/request/parse.js";
import {
  DEFAULT_MAX_SKEW,
  type RequestScheme,
  type RequestVerifyResult,
  requestScheme,
} from "../../../core/request/verify.js";
import { requestJson, verdictLine } from "../../views/request-verdict.js";

export interface CheckSetup {
  /** The credentials each request chooses from (the profile by the key it names). */
  credentials: RequestCredentials;
  verify: RequestCheckOptions;
  /** Print an NDJSON line per request too. */
  json: boolean;
  /** The path `--forward-to` puts before each request's ("" for none). */
  pathPrefix?: string;
  /** How many recent signatures are remembered to tell a replay (default 10,000). */
  seenCap?: number;
}

/** One request as answered: the status the caller got (null: none) and what else happened. */
export interface Answered {
  request: ParsedRequest;
  status: number | null;
  /** What the status alone does not say: "backend unreachable (ECONNREFUSED)", a reset. */
  note?: string;
  /** Why the HTTP layer refused the request before it was read (the request holds what was). */
  refused?: string;
  /** Milliseconds since the epoch. */
  at: number;
}

/** The log lines (stderr) and NDJSON lines (stdout) of requests, in their order. */
export interface Checked {
  lines: string;
  json: string;
}

/** The check itself (the credentials chosen by the request's key, then the verdict), replaceable in tests. */
export type Verify = (
  request: ParsedRequest,
  credentials: RequestCredentials,
  options: RequestCheckOptions,
) => CheckedRequest;

/** Headers whose values make a signature: the same values and body again are a replay. */
const SIGNATURE_HEADERS = [
  "authorization",
  "x-timestamp",
  "x-sinch-webhook-signature",
  "x-sinch-webhook-signature-nonce",
  "x-sinch-webhook-signature-timestamp",
  "x-sinch-signature",
];

const EMPTY = { checks: [], stringToSign: null, notes: [], warnings: [], diagnosis: [] };

/**
 * Signatures seen within the time window, oldest first, at most `cap` of them: memory stays
 * bounded however many requests come (the oldest is forgotten first).
 */
class Seen {
  private readonly times = new Map<string, number>();
  constructor(
    private readonly windowMs: number,
    private readonly cap: number,
  ) {}

  /** When this signature was first seen within the window, or null; then remembers it. */
  check(key: string, at: number): number | null {
    for (const [old, time] of this.times) {
      if (time >= at - this.windowMs) break;
      this.times.delete(old);
    }
    const before = this.times.get(key);
    if (before !== undefined) return before;
    this.times.set(key, at);
    if (this.times.size > this.cap) this.times.delete(this.times.keys().next().value as string);
    return null;
  }

  get size(): number {
    return this.times.size;
  }
}

/**
 * What makes a request the same request again. A valid application or webhook signature
 * covers the body, so its headers name the body too; a user ticket does not, and the
 * body's hash is added for it.
 */
function signatureKey(request: ParsedRequest, scheme: RequestScheme): string {
  let key = `${request.method} ${request.path}?${request.query ?? ""}`;
  for (const name of SIGNATURE_HEADERS) key += `\n${headerValue(request, name) ?? ""}`;
  if (scheme === "user") key += `\n${createHash("sha256").update(request.body).digest("base64")}`;
  // Headers may be long (16 KiB together): a long key is remembered by its hash.
  return key.length > 512 ? createHash("sha256").update(key).digest("base64") : key;
}

/** The second last written, as ISO 8601 up to its seconds ("" past year 9999): requests come many to a second. */
let lastSecond: [number, string] = [Number.NaN, ""];

/** A time as `Date.toISOString` writes it (UTC, milliseconds), or the number when it is no time. */
export function stamp(at: number): string {
  const ms = Math.floor(at);
  const second = Math.floor(ms / 1000);
  if (lastSecond[0] !== second) {
    const start = new Date(second * 1000);
    const iso = Number.isNaN(start.getTime()) ? "" : start.toISOString();
    lastSecond = [second, iso.length === 24 ? iso.slice(0, 20) : ""];
  }
  return lastSecond[1] === "" ? whole(at) : `${lastSecond[1]}${String(ms - second * 1000).padStart(3, "0")}Z`;
}

function whole(at: number): string {
  const time = new Date(at);
  return Number.isNaN(time.getTime()) ? String(at) : time.toISOString();
}

function schemeOf(request: ParsedRequest): RequestScheme | null {
  try {
    return requestScheme(request);
  } catch {
    return null;
  }
}

/** Checks batches of answered requests, in order, remembering recent signatures across them. */
export class Checker {
  private readonly seen: Seen;

  constructor(
    private readonly setup: CheckSetup,
    private readonly verify: Verify = checkRequest,
  ) {
    this.seen = new Seen((setup.verify.maxSkew ?? DEFAULT_MAX_SKEW) * 1000, setup.seenCap ?? 10_000);
  }

  /** How many signatures are remembered now. */
  get remembered(): number {
    return this.seen.size;
  }

  check(batch: Answered[]): Checked {
    let lines = "";
    let json = "";
    for (const one of batch) {
      let line: string;
      let object: string;
      try {
        [line, object] = one.refused === undefined ? this.checkOne(one) : this.refusal(one, one.refused);
      } catch (error) {
        [line, object] = this.failure(one, error);
      }
      lines += line;
      json += object;
    }
    return { lines, json };
  }

  /** The start of every line: time, method, path (escaped: they came from outside). */
  private head({ request, at }: Answered): string {
    return `${stamp(at)} ${escapeForTerminal(request.method || "-")} ${escapeForTerminal(request.path || "-")}`;
  }

  private tail({ status, note }: Answered): string {
    return ` → ${status ?? "no answer"}${note ? ` (${escapeForTerminal(note)})` : ""}\n`;
  }

  private object(fields: Record<string, unknown>, { status, note }: Answered): string {
    if (!this.setup.json) return "";
    return `${JSON.stringify({ ...fields, status, ...(note ? { note } : {}) })}\n`;
  }

  private refusal(one: Answered, reason: string): [string, string] {
    const line = `${this.head(one)} - - refused: ${escapeForTerminal(reason)}${this.tail(one)}`;
    return [line, this.object({ event: "-", valid: false, code: "refused", scheme: null, ...EMPTY, reason }, one)];
  }

  private failure(one: Answered, error: unknown): [string, string] {
    const reason = `checking failed: ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`;
    const scheme = schemeOf(one.request);
    const line = `${this.head(one)} - ${scheme ?? "unsigned"} ✗ ${escapeForTerminal(reason)}${this.tail(one)}`;
    return [line, this.object({ event: "-", valid: false, code: "error", scheme, ...EMPTY, reason }, one)];
  }

  private checkOne(one: Answered): [string, string] {
    const { request, status, at } = one;
    const scheme = requestScheme(request);
    let verdict: RequestVerifyResult | null = null;
    let shown: string;
    // Warnings are for the JSON lines only: a log line says what matters in a word.
    const { json } = this.setup;
    const warnings: string[] = [];
    let notes: string[] = [];
    const outcome = this.verify(request, this.setup.credentials, { ...this.setup.verify, now: new Date(at) });
    if ("missing" in outcome) shown = `unchecked: no ${outcome.missing} secret`;
    else if ("problem" in outcome) shown = `unchecked: ${escapeForTerminal(outcome.problem)}`;
    else {
      verdict = outcome.result;
      notes = outcome.notes;
      shown = verdict.valid ? "valid" : `✗ ${verdictLine(verdict)}`;
      const ids = verdict.diagnosis.map((d) => d.mistake);
      const prefix = this.setup.pathPrefix ?? "";
      if (prefix !== "" && verdict.valid && (status === 401 || status === 403)) {
        ids.push("path-prefix");
        if (json) {
          warnings.push(
            `path-prefix: the backend answered ${status}; it was called at ${prefix}${request.path}, the signature covers ${request.path}`,
          );
        }
      }
      if (ids.length > 0) shown += ` [${ids.join(", ")}]`;
      // Profiles chosen by the request's key: the line names the one whose secret matched.
      if (outcome.profile !== null && this.setup.credentials.keyring?.fixed === null) {
        shown += ` (profile '${escapeForTerminal(outcome.profile)}')`;
      }
    }
    // Basic carries no signature: the same credentials on every request are no replay.
    if (scheme !== null && scheme !== "basic" && verdict?.valid) {
      const first = this.seen.check(signatureKey(request, scheme), at);
      if (first !== null) {
        if (json)
          warnings.push(`seen before: the same signature and body came at ${stamp(first)} (a replay or a retry)`);
        shown += ", seen before";
      }
    }
    const event = callbackEventName(request.body, scheme);
    const line = `${this.head(one)} ${escapeForTerminal(event)} ${scheme ?? "unsigned"} ${shown}${this.tail(one)}`;
    if (!json) return [line, ""];
    const fields = verdict
      ? { event, ...requestJson(verdict), notes: [...notes, ...verdict.notes] }
      : { event, valid: false, code: "unverified", scheme, ...EMPTY };
    return [line, this.object({ ...fields, warnings: [...fields.warnings, ...warnings] }, one)];
  }
}

/** One batch checked by a checker made for it (no memory across batches). */
export function checkAll(batch: Answered[], setup: CheckSetup, verify?: Verify): Checked {
  return new Checker(setup, verify).check(batch);
}

/**
 * A batch as one string for the worker thread: a string crosses threads as one copy, where
 * the structured clone of the requests' objects, arrays and buffers costs the receiver
 * more than twice as much. The body's bytes travel as Latin-1 text (one character a byte).
 */
export function encodeBatch(batch: Answered[]): string {
  return JSON.stringify(
    batch.map(({ request: r, status, note, refused, at }) => [
      r.kind,
      r.method,
      r.path,
      r.query,
      r.headers,
      Buffer.from(r.body.buffer, r.body.byteOffset, r.body.byteLength).toString("latin1"),
      r.notes,
      status,
      note ?? null,
      refused ?? null,
      at,
    ]),
  );
}

type Encoded = [
  ParsedRequest["kind"],
  string,
  string,
  string | null,
  [string, string][],
  string,
  string[],
  number | null,
  string | null,
  string | null,
  number,
];

export function decodeBatch(text: string): Answered[] {
  return (JSON.parse(text) as Encoded[]).map(
    ([kind, method, path, query, headers, body, notes, status, note, refused, at]) => ({
      request: { kind, method, path, query, headers, body: Buffer.from(body, "latin1"), notes },
      status,
      ...(note === null ? {} : { note }),
      ...(refused === null ? {} : { refused }),
      at,
    }),
  );
}
