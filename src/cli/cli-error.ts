// Headless entries report bad input as one readable line on stderr and exit 2 (1 for anything unexpected).
import { readFileSync } from 'node:fs';

export class CliUsageError extends Error {
  override name = 'CliUsageError';
}

/** Errors whose message is meant for the user (bad config, bad file), by the typed-error classes' names. */
const USER_ERRORS = new Set([
  'CliUsageError',
  'ConfigError',
  'FixtureError',
  'NpyError',
  'SafetensorsError',
  'SaeLensFormatError',
  'InitError',
  'InputScaleError',
  'GpuUnavailableError',
  'GpuCapacityError',
  'GpuTrainerInputError',
  'TrainingDivergedError',
]);

export async function runCli(main: () => Promise<void>): Promise<void> {
  try {
    await main();
    process.exit(0);
  } catch (err) {
    const e = err instanceof Error ? err : new Error(String(err));
    const action = (e as { action?: unknown }).action;
    process.stderr.write(`error: ${e.message}${typeof action === 'string' ? `\n${action}` : ''}\n`);
    process.exit(USER_ERRORS.has(e.name) ? 2 : 1);
  }
}

export function readJsonFile(path: string, what: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new CliUsageError(`Cannot read ${what} ${path}: ${(err as NodeJS.ErrnoException).code ?? String(err)}.`);
  }
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new CliUsageError(`${what} ${path} is not valid JSON: ${(err as Error).message}.`);
  }
}

export function readBinaryFile(path: string, what: string): Uint8Array {
  try {
    return new Uint8Array(readFileSync(path));
  } catch (err) {
    throw new CliUsageError(`Cannot read ${what} ${path}: ${(err as NodeJS.ErrnoException).code ?? String(err)}.`);
  }
}
