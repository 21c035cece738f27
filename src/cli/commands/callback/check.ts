/**
 * The checks of `callback listen`: each request received is verified and described by a
 * log line (and with --json an NDJSON line). Pure, so that it runs as well on the
 * receiver's worker thread as on its main thread.
 */
import { callbackEventName } from "../../../core/request/callbacks.js";
import { checkRequest, type RequestCheckOptions, type RequestCredentials } from "../../../core/request/check.js";
import type { ParsedRequest } from "../../../core/request/parse.js";
import { type RequestVerifyResult, requestScheme } from "../../../core/request/verify.js";
import { requestJson, verdictLine } from "../../views/request-verdict.js";

export interface CheckSetup {
  /** The credentials each request chooses from (the profile by the key it names). */
  credentials: RequestCredentials;
  verify: RequestCheckOptions;
  /** Print an NDJSON line per request too. */
  json: boolean;
}

/** One request as answered: the backend's status (null: unreachable, with why) and when. */
export interface Answered {
  request: ParsedRequest;
  status: number | null;
  error?: string;
  /** Milliseconds since the epoch. */
  at: number;
}

/** The log lines (stderr) and NDJSON lines (stdout) of requests, in their order. */
export interface Checked {
  lines: string;
  json: string;
}

function checkOne({ request, status, error, at }: Answered, setup: CheckSetup): [string, string] {
  const now = new Date(at);
  const scheme = requestScheme(request);
  let verdict: RequestVerifyResult | null = null;
  let shown: string;
  const outcome = checkRequest(request, setup.credentials, { ...setup.verify, now });
  if ("missing" in outcome) shown = `unchecked: no ${outcome.missing} secret`;
  else if ("problem" in outcome) shown = `unchecked: ${outcome.problem}`;
  else {
    verdict = outcome.result;
    shown = verdict.valid ? "valid" : `✗ ${verdictLine(verdict)}`;
    if (verdict.diagnosis.length > 0) shown += ` [${verdict.diagnosis.map((d) => d.mistake).join(", ")}]`;
    if (outcome.profile !== null && setup.credentials.keyring?.fixed === null)
      shown += ` (profile '${outcome.profile}')`;
  }
  const event = callbackEventName(request.body, scheme);
  const answered = status === null ? `backend unreachable (${error})` : String(status);
  const line = `${now.toISOString()} ${request.method} ${request.path} ${event} ${scheme ?? "unsigned"} ${shown} → ${answered}\n`;
  if (!setup.json) return [line, ""];
  const object = verdict
    ? {
        event,
        ...requestJson(verdict),
        ...("notes" in outcome ? { notes: [...outcome.notes, ...verdict.notes] } : {}),
        status,
      }
    : {
        event,
        valid: false,
        code: "unverified",
        scheme,
        checks: [],
        stringToSign: null,
        notes: [],
        warnings: [],
        diagnosis: [],
        status,
      };
  return [line, `${JSON.stringify(object)}\n`];
}

/**
 * A batch as one string for the worker thread: a string crosses threads as one copy, where
 * the structured clone of the requests' objects, arrays and buffers costs the receiver
 * more than twice as much. The body's bytes travel as Latin-1 text (one character a byte).
 */
export function encodeBatch(batch: Answered[]): string {
  return JSON.stringify(
    batch.map(({ request: r, status, error, at }) => [
      r.kind,
      r.method,
      r.path,
      r.query,
      r.headers,
      Buffer.from(r.body.buffer, r.body.byteOffset, r.body.byteLength).toString("latin1"),
      r.notes,
      status,
      error ?? null,
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
  number,
];

export function decodeBatch(text: string): Answered[] {
  return (JSON.parse(text) as Encoded[]).map(
    ([kind, method, path, query, headers, body, notes, status, error, at]) => ({
      request: { kind, method, path, query, headers, body: Buffer.from(body, "latin1"), notes },
      status,
      ...(error === null ? {} : { error }),
      at,
    }),
  );
}

export function checkAll(batch: Answered[], setup: CheckSetup): Checked {
  let lines = "";
  let json = "";
  for (const one of batch) {
    const [line, object] = checkOne(one, setup);
    lines += line;
    json += object;
  }
  return { lines, json };
}
