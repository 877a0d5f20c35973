// Template names are unique per kind, compared without case or surrounding spaces ("GPT-2 TopK" and
// "gpt-2 topk " are the same name). A clash is resolved by numbering: "Name (2)", "Name (3)", ...

/** The form of a name used to compare names. */
export function nameKey(name: string): string {
  return name.trim().toLocaleLowerCase();
}

const NUMBERED = /^(.*\S)\s+\((\d+)\)$/;

/** The name without a trailing " (n)", so copies of "Name (2)" are "Name (3)", not "Name (2) (2)". */
export function baseName(name: string): string {
  const trimmed = name.trim();
  return NUMBERED.exec(trimmed)?.[1] ?? trimmed;
}

/** The first of "Base (2)", "Base (3)", ... whose key is not taken; the base is shortened to keep within maxLength. */
export function nextFreeName(name: string, taken: ReadonlySet<string>, maxLength = Number.POSITIVE_INFINITY): string {
  const base = baseName(name);
  for (let n = 2; ; n++) {
    const suffix = ` (${n})`;
    const candidate = `${base.slice(0, Math.max(1, maxLength - suffix.length)).trimEnd()}${suffix}`;
    if (!taken.has(nameKey(candidate))) return candidate;
  }
}
