/**
 * The ways a JSON body is commonly written again after it was parsed: compact, Python's
 * `json.dumps` default (`", "` and `": "`), two and four spaces of indentation, each with
 * and without `\uXXXX` escapes of non-ASCII characters.
 */
export interface Reserialized {
  /** How the body was written, in words. */
  label: string;
  bytes: Uint8Array;
}

function pythonDumps(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(pythonDumps).join(", ")}]`;
  if (value !== null && typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>);
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}: ${pythonDumps(v)}`).join(", ")}}`;
  }
  return JSON.stringify(value) ?? "null";
}

/** Non-ASCII characters as `\uXXXX` (UTF-16 units, lower-case hex, as Python writes them). */
export function escapeNonAscii(text: string): string {
  return text.replace(/[\u0080-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
}

const FORMS: [string, (value: unknown) => string][] = [
  ["compact (JSON.stringify)", (v) => JSON.stringify(v)],
  ["with Python's json.dumps separators ', ' and ': '", pythonDumps],
  ["with two-space indentation", (v) => JSON.stringify(v, null, 2)],
  ["with four-space indentation", (v) => JSON.stringify(v, null, 4)],
];

/**
 * The body re-written in each common way, other than the bytes given; empty when the body
 * is not a JSON object or array in UTF-8.
 */
export function reserializations(body: Uint8Array): Reserialized[] {
  if (body.length === 0 || body.length > 256 * 1024) return [];
  const text = Buffer.from(body).toString("utf8");
  if (!Buffer.from(text, "utf8").equals(Buffer.from(body))) return [];
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return [];
  }
  if (value === null || typeof value !== "object") return [];
  const seen = new Set<string>([text]);
  const found: Reserialized[] = [];
  for (const [label, write] of FORMS) {
    const plain = write(value);
    for (const [written, how] of [
      [plain, label],
      [escapeNonAscii(plain), `${label}, non-ASCII as \\uXXXX`],
    ] as const) {
      if (seen.has(written)) continue;
      seen.add(written);
      found.push({ label: how, bytes: Buffer.from(written, "utf8") });
    }
  }
  return found;
}
