import { InvalidInputError } from "../errors.js";

/** One `--set <path>=<value>`: the dotted path, and the value (JSON when it parses, else the text). */
export interface FieldSet {
  path: string[];
  value: unknown;
}

const FORBIDDEN = new Set(["__proto__", "prototype", "constructor"]);

function setError(message: string): InvalidInputError {
  return new InvalidInputError("invalid_option", message);
}

/** Reads `path=value`: the path is split at dots; the value is JSON when it parses as JSON, else a string. */
export function parseFieldSet(text: string): FieldSet {
  const at = text.indexOf("=");
  if (at <= 0) throw setError(`'${text}' is not <path>=<value> (e.g. callid=abc, to.endpoint=+46700000001)`);
  const path = text.slice(0, at).split(".");
  if (path.some((p) => p === "")) throw setError(`'${text.slice(0, at)}' has an empty part: write fields as a.b.c`);
  const bad = path.find((p) => FORBIDDEN.has(p));
  if (bad) throw setError(`'${bad}' cannot be set`);
  const raw = text.slice(at + 1);
  let value: unknown = raw;
  try {
    value = JSON.parse(raw);
  } catch {
    value = raw;
  }
  return { path, value };
}

/**
 * The JSON text of a body object with each field set, in order: a missing object on the
 * path is made, an array element is reached by its index, and reaching through anything
 * else (a string, a number) is refused, naming the path.
 */
export function applyFieldSets(json: string, sets: FieldSet[]): string {
  const body = JSON.parse(json) as unknown;
  if (body === null || typeof body !== "object" || Array.isArray(body)) throw setError("the body is not a JSON object");
  for (const { path, value } of sets) {
    let node = body as Record<string, unknown>;
    for (const [i, part] of path.entries()) {
      const last = i === path.length - 1;
      if (Array.isArray(node) && !/^(0|[1-9]\d*)$/.test(part)) {
        throw setError(
          `${path.slice(0, i).join(".")} is an array: reach into it by index (${path.slice(0, i).join(".")}.0)`,
        );
      }
      if (last) {
        node[part] = value;
        break;
      }
      const next = Object.hasOwn(node, part) ? node[part] : undefined;
      if (next === undefined) {
        const made: Record<string, unknown> = {};
        node[part] = made;
        node = made;
      } else if (next !== null && typeof next === "object") {
        node = next as Record<string, unknown>;
      } else {
        throw setError(
          `${path.slice(0, i + 1).join(".")} is ${JSON.stringify(next)}, not an object: cannot set ${path.join(".")}`,
        );
      }
    }
  }
  return JSON.stringify(body);
}
