// What a sniff reports about each field / column, and which one holds the text most likely.

export interface FieldInfo {
  name: string;
  /** sniffed records where the value is non-empty text */
  textCount: number;
  /** sniffed records where the value is something else (number, object, null, missing) */
  otherCount: number;
  /** mean length of the text values */
  meanChars: number;
  /** the first text value, cut to 120 characters */
  sample: string;
}

const PREFERRED_NAMES = ['text', 'content', 'document', 'body', 'story', 'article', 'passage', 'sentence', 'prompt'];

/** Picks the field to preselect: a conventional name that holds text, else the one with the most text. */
export function suggestTextField(fields: readonly FieldInfo[]): string | null {
  const withText = fields.filter((f) => f.textCount > 0);
  for (const preferred of PREFERRED_NAMES) {
    const hit = withText.find((f) => f.name.toLowerCase() === preferred);
    if (hit) return hit.name;
  }
  let best: FieldInfo | null = null;
  for (const f of withText) {
    if (!best || f.textCount * f.meanChars > best.textCount * best.meanChars) best = f;
  }
  return best?.name ?? null;
}

/** Accumulates FieldInfo over sniffed records, keeping first-seen order. */
export class FieldTally {
  private readonly byName = new Map<string, { textCount: number; otherCount: number; chars: number; sample: string }>();
  private records = 0;

  /** one record's values; names absent from this record count as 'other' */
  add(values: ReadonlyMap<string, unknown> | Readonly<Record<string, unknown>>): void {
    this.records++;
    const entries = values instanceof Map ? [...values.entries()] : Object.entries(values);
    for (const [name, value] of entries) {
      let tally = this.byName.get(name);
      if (!tally) {
        // earlier records lacked this name
        tally = { textCount: 0, otherCount: this.records - 1, chars: 0, sample: '' };
        this.byName.set(name, tally);
      }
      if (typeof value === 'string' && value.trim().length > 0) {
        tally.textCount++;
        tally.chars += value.length;
        if (tally.sample === '') tally.sample = value.slice(0, 120);
      } else {
        tally.otherCount++;
      }
    }
    for (const tally of this.byName.values()) {
      if (tally.textCount + tally.otherCount < this.records) tally.otherCount++;
    }
  }

  fields(): FieldInfo[] {
    return [...this.byName.entries()].map(([name, t]) => ({
      name,
      textCount: t.textCount,
      otherCount: t.otherCount,
      meanChars: t.textCount === 0 ? 0 : t.chars / t.textCount,
      sample: t.sample,
    }));
  }
}
