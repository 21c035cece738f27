import type { Diagnosis } from "../../core/checks.js";

/**
 * One NDJSON line of `verify --batch`: `{"line", "valid", "code", "identity", "diagnosis"}`,
 * the diagnosis as `verify --json` gives it. Written by hand: it runs for every line.
 */
export function batchLine(
  number: number,
  code: string,
  identity: { type: string; endpoint: string } | null,
  diagnosis: readonly Diagnosis[],
  /** Why a line could not be judged (code "error"). */
  error?: string,
): string {
  const id = identity
    ? `{"type":${JSON.stringify(identity.type)},"endpoint":${JSON.stringify(identity.endpoint)}}`
    : "null";
  const causes = diagnosis.length === 0 ? "[]" : JSON.stringify(diagnosis);
  const why = error === undefined ? "" : `,"error":${JSON.stringify(error)}`;
  return `{"line":${number},"valid":${code === "valid"},"code":"${code}"${why},"identity":${id},"diagnosis":${causes}}\n`;
}
