// Test support: an SAE with many feature rows and no weights, written straight to the store, so the
// browser's behaviour with a full-size dictionary (32k+ rows) can be checked without training one.
import type { FeatureRecord } from '../../domain/entities';
import { monotonicNow } from '../../store/clock';
import { db } from '../../store/db';
import { featureId } from '../../store/repos/features';
import { saeRepo } from '../../store/repos/saes';

/** Creates the SAE and `count` feature rows with varied statistics; returns the SAE's id. */
export async function seedFeatureRows(count: number, name = `Browser test SAE (${count} features)`): Promise<string> {
  if (!Number.isInteger(count) || count < 1 || count > 1 << 20) throw new RangeError(`Seed between 1 and ${1 << 20} rows, not ${count}.`);
  const sae = await saeRepo.create({
    name,
    architecture: 'relu',
    dIn: 64,
    dSae: count,
    origin: { kind: 'import', fileName: 'seeded' },
    blobKey: 'seeded/none',
    cfg: {},
  });
  const now = monotonicNow();
  const rows: FeatureRecord[] = Array.from({ length: count }, (_, index) => {
    const density = ((index * 2654435761) % 100_000) / 1_000_000;
    return {
      id: featureId(sae.id, index),
      saeId: sae.id,
      index,
      label: index % 97 === 0 ? `seeded label ${index}` : '',
      category: '',
      notes: '',
      favourite: 0,
      density,
      maxActivation: 1 + (index % 13),
      meanActivation: 0.5,
      topTokens: [` tok${index % 50}`],
      dead: density === 0 ? 1 : 0,
      dense: 0,
      updatedAt: now,
    };
  });
  for (let i = 0; i < rows.length; i += 4096) await db().features.bulkPut(rows.slice(i, i + 4096));
  return sae.id;
}
