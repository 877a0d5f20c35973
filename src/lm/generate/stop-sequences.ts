// Stop sequences in streamed text: where the text must end, and how much of its tail to hold back while a
// stop sequence may still be forming (so a half-written stop sequence never flashes on screen).

/** Index of the earliest occurrence of any stop sequence, or -1. */
export function findStop(text: string, stops: readonly string[]): number {
  let earliest = -1;
  for (const stop of stops) {
    if (stop.length === 0) continue;
    const at = text.indexOf(stop);
    if (at >= 0 && (earliest < 0 || at < earliest)) earliest = at;
  }
  return earliest;
}

/** Length of the longest suffix of `text` that is a proper prefix of some stop sequence. */
export function pendingStopLength(text: string, stops: readonly string[]): number {
  let longest = 0;
  for (const stop of stops) {
    for (let n = Math.min(stop.length - 1, text.length); n > longest; n--) {
      if (text.endsWith(stop.slice(0, n))) {
        longest = n;
        break;
      }
    }
  }
  return longest;
}

/** The text that can be shown while generation continues. */
export function visibleText(text: string, stops: readonly string[]): string {
  return text.slice(0, text.length - pendingStopLength(text, stops));
}
