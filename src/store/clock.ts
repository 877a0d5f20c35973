// Timestamps for stored rows. Strictly increasing within one thread so that "oldest first" is a total
// order even when rows are created within the same millisecond.
let last = 0;

export function monotonicNow(): number {
  const now = Date.now();
  last = now > last ? now : last + 1;
  return last;
}
