import type { Identity } from "../endpoint.js";
import { MalformedTicketError } from "../errors.js";
import { findJsonError } from "../json-error.js";
import { type DuplicateKey, duplicateKeys } from "../json-keys.js";
import { type IsoParts, instantProblem, parseIsoParts } from "../time.js";

/** The fields of a ticket's JSON object, read without re-serialising anything. */
export interface TicketContent {
  payload: Record<string, unknown>;
  applicationKey: string;
  /** The field name as written: `applicationKey`, `applicationkey`, or another casing. */
  applicationKeyField: string;
  identity: Identity;
  created: string;
  createdParts: IsoParts;
  /** Milliseconds since the epoch; a `created` without a zone is read as UTC. */
  createdAt: number;
  expiresIn: number | null;
  /**
   * Set when `created`, or `created` + `expiresIn`, is outside the years 0001-9999: the
   * ticket is malformed, the rest of it still reads.
   */
  timeProblem: string | null;
  /**
   * Keys an object holds more than once, compared without case as Sinch's reader does:
   * the path (`identity.endpoint`), the spellings in the order written, the value read
   * (the last).
   */
  repeatedKeys: RepeatedKey[];
}

export interface RepeatedKey {
  key: string;
  names: string[];
  value: unknown;
}

function typeName(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  const t = typeof value;
  return t === "object" ? "an object" : `a ${t}`;
}

function jsonProblem(text: string): string {
  if (text.trim() === "") return "ticket data is empty, not JSON";
  const error = findJsonError(text);
  if (!error) return "ticket data is not valid JSON";
  if (error.offset === 0 || !text.trimStart().startsWith("{")) {
    return `ticket data is not JSON: it starts with ${JSON.stringify(text.trimStart().slice(0, 16))}`;
  }
  return `ticket data is not valid JSON at character ${error.offset + 1}: ${error.message}`;
}

/**
 * Parses a ticket's JSON text and checks the fields every ticket has: `identity`
 * (`type`, `endpoint`), the application key (field name in any casing), `created` (an
 * ISO 8601 time), and `expiresIn` when present (whole seconds).
 */
/** A field that must be there, with this type; the message names the field's path. */
function need(value: unknown, path: string, want: "string" | "object"): void {
  if (value === undefined) throw new MalformedTicketError(`ticket data has no '${path}' field`);
  const ok =
    want === "object" ? value !== null && typeof value === "object" && !Array.isArray(value) : typeof value === want;
  if (!ok) {
    throw new MalformedTicketError(
      `ticket field '${path}' must be ${want === "object" ? "an object" : "a string"}, found ${typeName(value)}`,
    );
  }
}

interface CreatedTime {
  text: string;
  parts: IsoParts | null;
  /** `parts` in milliseconds since the epoch (the fraction cut to milliseconds). */
  ms: number;
}

/** The last `created` value read: tickets of one batch share their times. */
let lastCreated: CreatedTime = { text: "", parts: null, ms: 0 };

function createdTimeOf(created: string): CreatedTime {
  if (created !== lastCreated.text) {
    const parts = parseIsoParts(created);
    const ms = parts ? parts.seconds * 1000 + Number(parts.fraction.slice(0, 3).padEnd(3, "0")) : 0;
    lastCreated = { text: created, parts, ms };
  }
  return lastCreated;
}

const ROOT: readonly string[] = [];
/** Shared by every ticket without repeated keys: never added to. */
const NO_REPEATS: RepeatedKey[] = [];

/**
 * The spelling of `name` Sinch reads in the object at `path` (keys from the root): the
 * last of a key written more than once, compared without case; `name` when it is not.
 */
function lastSpelling(repeated: readonly DuplicateKey[], path: readonly string[], name: string): string {
  if (repeated.length === 0) return name;
  const folded = name.toLowerCase();
  const group = repeated.find(
    (d) =>
      d.path.length === path.length && d.path.every((p, i) => p === path[i]) && d.names[0]?.toLowerCase() === folded,
  );
  return group ? (group.names[group.names.length - 1] as string) : name;
}

export function readPayload(json: string): TicketContent {
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch (error) {
    throw new MalformedTicketError(jsonProblem(json), { cause: error });
  }
  if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) {
    throw new MalformedTicketError(`ticket data is JSON but ${typeName(parsed)}, not an object`);
  }
  const payload = parsed as Record<string, unknown>;
  const repeated = duplicateKeys(json, payload);
  const identityField = lastSpelling(repeated, ROOT, "identity");
  need(payload[identityField], identityField, "object");
  const identity = payload[identityField] as Record<string, unknown>;
  const inIdentity = repeated.length === 0 ? ROOT : [identityField];
  const typeField = lastSpelling(repeated, inIdentity, "type");
  const endpointField = lastSpelling(repeated, inIdentity, "endpoint");
  need(identity[typeField], typeField === "type" ? "identity.type" : `${identityField}.${typeField}`, "string");
  need(
    identity[endpointField],
    endpointField === "endpoint" ? "identity.endpoint" : `${identityField}.${endpointField}`,
    "string",
  );

  let applicationKeyField = lastSpelling(repeated, ROOT, "applicationKey");
  if (applicationKeyField === "applicationKey" && payload.applicationKey === undefined) {
    for (const k in payload) {
      // The length test first: batch runs read every ticket's keys.
      if (k.length === 14 && k.toLowerCase() === "applicationkey") applicationKeyField = k;
    }
  }
  if (payload[applicationKeyField] === undefined)
    throw new MalformedTicketError("ticket data has no 'applicationKey' field");
  need(payload[applicationKeyField], applicationKeyField, "string");

  const createdField = lastSpelling(repeated, ROOT, "created");
  need(payload[createdField], createdField, "string");
  const created = payload[createdField] as string;
  const createdTime = createdTimeOf(created);
  const createdParts = createdTime.parts;
  if (!createdParts) {
    throw new MalformedTicketError(`ticket field 'created' is not an ISO 8601 time: ${JSON.stringify(created)}`);
  }

  let expiresIn: number | null = null;
  if (payload.expiresIn !== undefined) {
    const value = payload.expiresIn;
    if (typeof value !== "number" || !Number.isSafeInteger(value) || value < 0) {
      throw new MalformedTicketError(
        `ticket field 'expiresIn' must be a whole number of seconds, found ${typeof value === "number" ? value : typeName(value)}`,
      );
    }
    expiresIn = value;
  }
  const timeProblem =
    instantProblem("created", createdTime.ms, created) ??
    (expiresIn === null
      ? null
      : instantProblem("expiresIn", createdTime.ms + expiresIn * 1000, `${expiresIn}: created + expiresIn`));

  return {
    payload,
    applicationKey: payload[applicationKeyField] as string,
    applicationKeyField,
    identity: { type: identity[typeField] as string, endpoint: identity[endpointField] as string },
    created,
    createdParts,
    createdAt: createdTime.ms,
    expiresIn,
    timeProblem: timeProblem === null ? null : `ticket field ${timeProblem}`,
    repeatedKeys:
      repeated.length === 0
        ? NO_REPEATS
        : repeated.map((d) => {
            const last = d.names[d.names.length - 1] as string;
            let holder: unknown = payload;
            for (const step of d.path) holder = (holder as Record<string, unknown> | undefined)?.[step];
            const value =
              holder !== null && typeof holder === "object" ? (holder as Record<string, unknown>)[last] : undefined;
            return { key: [...d.path, last].join("."), names: d.names, value };
          }),
  };
}
