const UNITS = [
  ["y", "year", 365 * 86400],
  ["d", "day", 86400],
  ["h", "hour", 3600],
  ["m", "minute", 60],
  ["s", "second", 1],
] as const;

/**
 * The one rounding rule for spans of time in every message and view: whole seconds,
 * rounded, then at most the two largest units, each whole. "2h" and "in 2 hours" always
 * come from the same parts.
 */
function spanParts(ms: number): { count: number; unit: (typeof UNITS)[number] }[] {
  let seconds = Math.round(Math.abs(ms) / 1000);
  const parts: { count: number; unit: (typeof UNITS)[number] }[] = [];
  for (const unit of UNITS) {
    if (seconds >= unit[2]) {
      parts.push({ count: Math.floor(seconds / unit[2]), unit });
      seconds %= unit[2];
    }
    if (parts.length === 2) break;
  }
  return parts;
}

/** "2h 5m", "45s", "3d 4h", "10y 187d" (a year is 365 days): a compact span for messages (milliseconds in). */
export function describeSpan(ms: number): string {
  const parts = spanParts(ms);
  return parts.length === 0 ? "0s" : parts.map((p) => `${p.count}${p.unit[0]}`).join(" ");
}

/**
 * "3 hours ago", "in 1 hour 30 minutes", "now": the instant `at` as seen from `now`
 * (both in milliseconds), by the same rounding as `describeSpan`. (Written out rather
 * than with Intl.RelativeTimeFormat, whose locale data costs milliseconds on every run.)
 */
export function describeFromNow(at: number, now: number): string {
  const parts = spanParts(at - now);
  if (parts.length === 0) return "now";
  const phrase = parts.map((p) => `${p.count} ${p.unit[1]}${p.count === 1 ? "" : "s"}`).join(" ");
  return at < now ? `${phrase} ago` : `in ${phrase}`;
}
