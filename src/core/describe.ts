/** "2h 5m", "45s", "3d 4h": a compact span for messages (milliseconds in). */
export function describeSpan(ms: number): string {
  let seconds = Math.round(Math.abs(ms) / 1000);
  if (seconds === 0) return "0s";
  const parts: string[] = [];
  for (const [unit, size] of [
    ["d", 86400],
    ["h", 3600],
    ["m", 60],
    ["s", 1],
  ] as const) {
    if (seconds >= size) {
      parts.push(`${Math.floor(seconds / size)}${unit}`);
      seconds %= size;
    }
    if (parts.length === 2) break;
  }
  return parts.join(" ");
}
