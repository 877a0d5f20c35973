// Key/value settings. Values are stored as given; readers check their shape with a guard, so a value
// written by an older version never flows into the app unchecked.
import { db } from '../db';

export async function getSetting<T>(key: string, fallback: T, isValid: (value: unknown) => value is T): Promise<T> {
  const row = await db().settings.get(key);
  return row !== undefined && isValid(row.value) ? row.value : fallback;
}

export async function setSetting(key: string, value: unknown): Promise<void> {
  await db().settings.put({ key, value });
}

export async function deleteSetting(key: string): Promise<void> {
  await db().settings.delete(key);
}

export async function allSettings(): Promise<Record<string, unknown>> {
  const rows = await db().settings.toArray();
  return Object.fromEntries(rows.map((r) => [r.key, r.value]));
}
