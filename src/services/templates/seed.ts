// Seeding the built-in templates: once per database per page load, and safe to repeat (stable ids; rows are
// rewritten only when a definition changed). Call ensureBuiltInTemplates() at start-up and before showing
// templates; never from inside a liveQuery (it writes).
import { db, type MiStudioDatabase } from '../../store/db';
import { promptTemplates } from '../steeringTemplates';
import { extractionTemplates } from './extraction';
import { trainingTemplates } from './training';

const seeded = new WeakMap<MiStudioDatabase, Promise<void>>();

export function ensureBuiltInTemplates(): Promise<void> {
  const d = db();
  let done = seeded.get(d);
  if (!done) {
    done = Promise.all([trainingTemplates.seedBuiltIns(), extractionTemplates.seedBuiltIns(), promptTemplates.seedBuiltIns()]).then(() => undefined);
    // a failed attempt (e.g. storage unavailable) is retried on the next call
    done.catch(() => seeded.delete(d));
    seeded.set(d, done);
  }
  return done;
}
