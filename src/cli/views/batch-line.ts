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
): string {
  const id = identity
    ? `{"type":${JSON.stringify(identity.type)},"endpoint":${JSON.stringify(identity.endpoint)}}`
    : "null";
  const causes = diagnosis.length === 0 ? "[]" : JSON.stringify(diagnosis);
  return `{"line":${number},"valid":${code === "valid"},"code":"${code}","identity":${id},"diagnosis":${causes}}\n`;
}
