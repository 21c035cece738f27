/**
 * How much longer `work` takes each time its input doubles: the best of several runs at
 * `size` and at four times `size`, each size in turn so that drift in the machine hits
 * both alike, and the ratio spread over the two doublings. About 2 for linear work (a
 * little more where memory gets slower as it grows), about 4 for quadratic. A ratio, never a wall-clock limit: machines differ. Two
 * doublings, not one, so that a pause of the garbage collector cannot tip it; `size`
 * small enough (tens of kilobytes) that both inputs stay in the processor's caches,
 * whose edge would add a step of its own.
 */
export function growthPerDoubling(
  make: (size: number) => string,
  work: (input: string) => unknown,
  size: number,
): number {
  const small = make(size);
  const large = make(4 * size);
  let bestSmall = Number.POSITIVE_INFINITY;
  let bestLarge = Number.POSITIVE_INFINITY;
  for (let round = 0; round < 15; round++) {
    bestSmall = Math.min(
      bestSmall,
      timed(() => work(small)),
    );
    bestLarge = Math.min(
      bestLarge,
      timed(() => work(large)),
    );
  }
  return Math.sqrt(bestLarge / bestSmall);
}

function timed(work: () => unknown): number {
  const started = performance.now();
  work();
  return performance.now() - started;
}

/** `length` base64 characters (no ':'), the same on every machine for the same seed. */
export function base64Run(length: number, seed = 1): string {
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  let state = seed >>> 0 || 1;
  const out: string[] = [];
  for (let i = 0; i < length; i++) {
    // xorshift32
    state ^= state << 13;
    state >>>= 0;
    state ^= state >>> 17;
    state ^= state << 5;
    state >>>= 0;
    out.push(alphabet[state & 63] as string);
  }
  return out.join("");
}
