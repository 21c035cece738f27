/**
 * The per-chunk work of batch mode, shared by the main thread and the worker thread: pure
 * functions from a chunk of input lines to its output text, errors and counts.
 */

import type { VerifyTicketOptions } from "../../core/checks.js";
import { csvField, parseCsvLine } from "../../core/csv.js";
import type { IdentityType } from "../../core/endpoint.js";
import { TicketError } from "../../core/errors.js";
import { examine, verdict } from "../../core/judge.js";
import {
  type Candidate,
  type Choice,
  chooseCandidates,
  judgeWithCandidates,
  type Keyring,
} from "../../core/keyring.js";
import { describeAmbiguity, readInput } from "../../core/read.js";
import type { TicketStyle } from "../../core/ticket/layout.js";
import { TicketSigner } from "../../core/ticket/signer.js";
import type { PreciseTime } from "../../core/time.js";
import { TokenSigner } from "../../core/token/signer.js";
import { batchLine } from "../views/batch-line.js";
import { type Chunk, eachLine, MAX_LINE_LENGTH } from "./lines.js";

export interface ChunkResult {
  /** The output lines, in pieces to write one after the other. */
  out: string[];
  /** One-line messages for bad input lines, in order. */
  errors: string[];
  /** Per outcome: "signed"/"failed" for sign, verification codes for verify. */
  counts: Record<string, number>;
  /** The secret values in `out` (tickets, tokens), when the job was asked to list them. */
  secrets?: string[];
}

export type BatchInputFormat =
  | { kind: "ndjson" }
  | { kind: "csv"; header: number; endpoint: number; type: number | null }
  | { kind: "plain" };

/** The first non-empty line decides: `{` is NDJSON, a header naming `endpoint` is CSV, else plain. */
export function detectKind(first: { number: number; text: string }): BatchInputFormat {
  if (first.text.trimStart().startsWith("{")) return { kind: "ndjson" };
  const header = parseCsvLine(first.text);
  if (Array.isArray(header)) {
    const names = header.map((h) => h.trim().toLowerCase());
    const endpoint = names.indexOf("endpoint");
    if (endpoint !== -1) {
      const type = names.indexOf("type");
      return { kind: "csv", header: first.number, endpoint, type: type === -1 ? null : type };
    }
  }
  return { kind: "plain" };
}

/**
 * A CSV header naming a `userTicket` or `token` column (what `sign --output-format csv` prints)
 * starts CSV input for verify: that line is skipped and each row's ticket is read from
 * that column. Anything else is one ticket per line.
 */
export function detectTicketColumn(first: { number: number; text: string }): { header: number; column: number } | null {
  if (first.text.trimStart().startsWith("{")) return null;
  const header = parseCsvLine(first.text);
  if (!Array.isArray(header) || header.length < 2) return null;
  // `userTicket` from `sign --batch`, `token` from `sign --format jwt --batch`.
  const column = header.findIndex((h) => ["userticket", "token"].includes(h.trim().toLowerCase()));
  return column === -1 ? null : { header: first.number, column };
}

type Identity = { type: string; endpoint: string } | { error: string };

function readIdentity(kind: BatchInputFormat, text: string, defaultType: string): Identity {
  switch (kind.kind) {
    case "plain":
      return { type: defaultType, endpoint: text.trim() };
    case "ndjson": {
      let value: unknown;
      try {
        value = JSON.parse(text);
      } catch {
        return { error: "not a JSON object" };
      }
      if (value === null || typeof value !== "object" || Array.isArray(value)) return { error: "not a JSON object" };
      const record = value as Record<string, unknown>;
      if (typeof record.endpoint !== "string") return { error: "no string 'endpoint' field" };
      if (record.type !== undefined && typeof record.type !== "string") return { error: "'type' must be a string" };
      return { type: (record.type as string | undefined) ?? defaultType, endpoint: record.endpoint };
    }
    case "csv": {
      const fields = parseCsvLine(text);
      if (!Array.isArray(fields)) return { error: `not CSV: ${fields.error}` };
      const endpoint = fields[kind.endpoint];
      if (endpoint === undefined) return { error: "no endpoint column" };
      const type = kind.type === null ? defaultType : (fields[kind.type] ?? "").trim() || defaultType;
      return { type, endpoint };
    }
  }
}

function tooLong(line: { number: number }): string {
  return `line ${line.number}: longer than ${MAX_LINE_LENGTH / 1024 / 1024} MiB; skipped`;
}

export interface SignJobOptions {
  job: "sign";
  applicationKey: string;
  applicationSecret: string;
  style: TicketStyle;
  created: PreciseTime;
  expiresIn?: number;
  type: string;
  kind: BatchInputFormat;
  outputFormat: "ndjson" | "csv";
  /** List each ticket in the result's `secrets` (for masking in GitHub Actions). */
  listSecrets?: boolean;
}

export type BatchUserIdFormat =
  | { kind: "ndjson" }
  | { kind: "csv"; header: number; userId: number }
  | { kind: "plain" };

/** Registration tokens: `{` is NDJSON, a CSV header naming `userId` is CSV, else one user id per line. */
export function detectUserKind(first: { number: number; text: string }): BatchUserIdFormat {
  if (first.text.trimStart().startsWith("{")) return { kind: "ndjson" };
  const header = parseCsvLine(first.text);
  if (Array.isArray(header)) {
    const userId = header.findIndex((h) => h.trim().toLowerCase() === "userid");
    if (userId !== -1) return { kind: "csv", header: first.number, userId };
  }
  return { kind: "plain" };
}

export interface TokenJobOptions {
  job: "token";
  applicationKey: string;
  applicationSecret: string;
  /** The `iat` of every token, in milliseconds. */
  now: number;
  ttl: number;
  instanceExpiresIn?: number;
  kind: BatchUserIdFormat;
  outputFormat: "ndjson" | "csv";
  /** List each token in the result's `secrets` (for masking in GitHub Actions). */
  listSecrets?: boolean;
}

export interface VerifyJobOptions {
  job: "verify";
  /** The credentials each line chooses from by its application key. */
  keyring: Keyring;
  now: number;
  clockSkew?: number;
  maxAge?: number;
  ignoreTime: boolean;
  /** CSV input: the header's line number and the ticket's column. */
  csv?: { header: number; column: number } | null;
}

export type JobOptions = SignJobOptions | TokenJobOptions | VerifyJobOptions;

/**
 * Collects output lines in pieces of about 32 K characters. Pieces stay small enough for
 * the young generation (large strings go straight to the old one and linger until a full
 * GC), which keeps memory flat however long the run.
 */
class Output {
  private text = "";
  private readonly parts: string[] = [];
  add(line: string): void {
    this.text += line;
    if (this.text.length >= 32768) {
      this.parts.push(this.text);
      this.text = "";
    }
  }
  done(): string[] {
    if (this.text) this.parts.push(this.text);
    return this.parts;
  }
}
export type Job = (chunk: Chunk) => ChunkResult;

function signJob(o: SignJobOptions): Job {
  const signer = new TicketSigner({
    applicationKey: o.applicationKey,
    applicationSecret: o.applicationSecret,
    style: o.style,
    created: o.created,
    ...(o.expiresIn !== undefined ? { expiresIn: o.expiresIn } : {}),
  });
  const csv = o.outputFormat === "csv";
  const header = o.kind.kind === "csv" ? o.kind.header : -1;
  const plain = o.kind.kind === "plain";
  return (chunk) => {
    const out = new Output();
    const errors: string[] = [];
    const secrets: string[] | undefined = o.listSecrets ? [] : undefined;
    let signed = 0;
    eachLine(chunk, (text, number, long) => {
      if (long) {
        errors.push(tooLong({ number }));
        return;
      }
      if (number === header) return;
      let type = o.type;
      let endpoint = text.trim();
      if (endpoint === "") return;
      if (!plain) {
        const identity = readIdentity(o.kind, text, o.type);
        if ("error" in identity) {
          errors.push(`line ${number}: ${identity.error}`);
          return;
        }
        type = identity.type;
        endpoint = identity.endpoint;
      }
      try {
        endpoint = TicketSigner.check(type, endpoint);
      } catch (error) {
        if (!(error instanceof TicketError)) throw error;
        errors.push(`line ${number}: ${error.message}`);
        return;
      }
      const userTicket = signer.signChecked(type as IdentityType, endpoint);
      secrets?.push(userTicket);
      out.add(
        csv
          ? `${type},${csvField(endpoint)},${userTicket}\n`
          : `{"type":"${type}","endpoint":${JSON.stringify(endpoint)},"userTicket":"${userTicket}"}\n`,
      );
      signed++;
    });
    return { out: out.done(), errors, counts: { signed, failed: errors.length }, ...(secrets ? { secrets } : {}) };
  };
}

function readUserId(kind: BatchUserIdFormat, text: string): string | { error: string } {
  switch (kind.kind) {
    case "plain":
      return text.trim();
    case "ndjson": {
      let value: unknown;
      try {
        value = JSON.parse(text);
      } catch {
        return { error: "not a JSON object" };
      }
      if (value === null || typeof value !== "object" || Array.isArray(value)) return { error: "not a JSON object" };
      const userId = (value as Record<string, unknown>).userId;
      return typeof userId === "string" ? userId : { error: "no string 'userId' field" };
    }
    case "csv": {
      const fields = parseCsvLine(text);
      if (!Array.isArray(fields)) return { error: `not CSV: ${fields.error}` };
      return fields[kind.userId] ?? { error: "no userId column" };
    }
  }
}

function tokenJob(o: TokenJobOptions): Job {
  const signer = new TokenSigner({
    applicationKey: o.applicationKey,
    applicationSecret: o.applicationSecret,
    now: new Date(o.now),
    ttl: o.ttl,
    ...(o.instanceExpiresIn !== undefined ? { instanceExpiresIn: o.instanceExpiresIn } : {}),
  });
  const csv = o.outputFormat === "csv";
  const header = o.kind.kind === "csv" ? o.kind.header : -1;
  return (chunk) => {
    const out = new Output();
    const errors: string[] = [];
    const secrets: string[] | undefined = o.listSecrets ? [] : undefined;
    let signed = 0;
    eachLine(chunk, (text, number, long) => {
      if (long) {
        errors.push(tooLong({ number }));
        return;
      }
      if (number === header || text.trim() === "") return;
      const userId = readUserId(o.kind, text);
      if (typeof userId !== "string") {
        errors.push(`line ${number}: ${userId.error}`);
        return;
      }
      try {
        TokenSigner.check(userId);
      } catch (error) {
        if (!(error instanceof TicketError)) throw error;
        errors.push(`line ${number}: ${error.message}`);
        return;
      }
      const token = signer.signChecked(userId);
      secrets?.push(token);
      out.add(csv ? `${csvField(userId)},${token}\n` : `{"userId":${JSON.stringify(userId)},"token":"${token}"}\n`);
      signed++;
    });
    return { out: out.done(), errors, counts: { signed, failed: errors.length }, ...(secrets ? { secrets } : {}) };
  };
}

function verifyJob(o: VerifyJobOptions): Job {
  const now = new Date(o.now);
  const common = {
    now,
    ...(o.clockSkew !== undefined ? { clockSkew: o.clockSkew } : {}),
    ...(o.maxAge !== undefined ? { maxAge: o.maxAge } : {}),
    ignoreTime: o.ignoreTime,
  };
  // Each candidate's options are made once for the run, not once a line.
  const options = new WeakMap<Candidate, VerifyTicketOptions>();
  const optionsOf = (c: Candidate): VerifyTicketOptions => {
    let made = options.get(c);
    if (made === undefined) {
      made = { ...common, applicationSecret: c.secret, applicationKey: c.key };
      options.set(c, made);
    }
    return made;
  };
  // The choice depends on the key alone: made once per application key of the run.
  const choices = new Map<string | null, Choice>();
  const choiceFor = (key: string | null): Choice => {
    let choice = choices.get(key);
    if (choice === undefined) {
      choice = chooseCandidates(o.keyring, key);
      if (choices.size < 1000) choices.set(key, choice);
    }
    return choice;
  };
  return (chunk) => {
    const out = new Output();
    const errors: string[] = [];
    const counts: Record<string, number> = {};
    const count = (code: string) => {
      counts[code] = (counts[code] ?? 0) + 1;
    };
    eachLine(chunk, (line, number, long) => {
      if (!long && line.trim() === "") return;
      if (o.csv && number === o.csv.header) return;
      const text = o.csv && !long ? csvColumn(line, o.csv.column) : line;
      if (long) {
        errors.push(tooLong({ number }));
        count("malformed");
        out.add(batchLine(number, "malformed", null, []));
        return;
      }
      const input = readInput(text);
      if (input.kind === "ambiguous") {
        // What verify says of the same text, never a verdict on one of the tickets.
        const message = `found ${describeAmbiguity(input.found)}: one per line`;
        errors.push(`line ${number}: ${message}`);
        count("error");
        out.add(batchLine(number, "error", null, [], message));
        return;
      }
      const examined = examine(input);
      const identity =
        examined.format === "jwt"
          ? examined.inspection.userId === null
            ? null
            : { type: "userId", endpoint: examined.inspection.userId }
          : (examined.inspection.content?.identity ?? null);
      const choice = choiceFor(examined.applicationKey);
      const chosen = judgeWithCandidates(choice, (c) => verdict(examined, optionsOf(c)));
      if (chosen === null) {
        const message = choice.problem ?? "no credentials to verify with";
        errors.push(`line ${number}: ${message}`);
        // A key no profile holds is a key mismatch; a profile that holds it but cannot be
        // read leaves the line unjudged.
        const code = examined.inspection.problems.length > 0 ? "malformed" : choice.byKey ? "error" : "key_mismatch";
        count(code);
        out.add(batchLine(number, code, identity, [], code === "error" ? message : undefined));
        return;
      }
      count(chosen.result.code);
      out.add(batchLine(number, chosen.result.code, identity, chosen.result.diagnosis));
    });
    return { out: out.done(), errors, counts };
  };
}

/** A row's field in that column; the row as it is when it is no CSV row with that many fields. */
function csvColumn(line: string, column: number): string {
  const fields = parseCsvLine(line);
  return Array.isArray(fields) && fields[column] !== undefined ? fields[column] : line;
}

export function makeJob(options: JobOptions): Job {
  if (options.job === "sign") return signJob(options);
  return options.job === "token" ? tokenJob(options) : verifyJob(options);
}
