/**
 * The address a client is counted by: an IPv4 address as it is (an IPv4-mapped IPv6
 * address as its IPv4 address), an IPv6 address by its /64. One host, or one customer's
 * network, is usually given a whole /64: counting each of its addresses alone would give
 * one client 2^64 shares.
 */
export function addressKey(ip: string): string {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip);
  if (mapped) return mapped[1] as string;
  if (!ip.includes(":")) return ip;
  const bare = ip.split("%")[0] as string;
  const [head = "", tail] = bare.split("::");
  const groups = (part: string) => (part === "" ? [] : part.split(":"));
  const left = groups(head);
  const right = tail === undefined ? [] : groups(tail);
  // An embedded IPv4 address (::1.2.3.4) is the last 32 bits, never part of the /64
  // unless the address is malformed; it counts as two groups.
  const count = (g: string[]) => g.reduce((n, x) => n + (x.includes(".") ? 2 : 1), 0);
  const missing = Math.max(0, 8 - count(left) - count(right));
  const all = [...left, ...new Array<string>(tail === undefined ? 0 : missing).fill("0"), ...right];
  const prefix = all.slice(0, 4).map((g) => (g.includes(".") ? "0" : Number.parseInt(g || "0", 16).toString(16)));
  return `${prefix.join(":")}::/64`;
}
