// The Hub dataset fixture mistudio/tiny-parquet: parquet shards laid out as on the Hub's converted branch
// ({config}/{split}/{n}.parquet), served by scripts/hub-server.mjs through the parquet listing API.
// Regenerate with `UPDATE_FIXTURES=1 npx vitest run test/unit/datasets/hub-import.test.ts` (the test
// checks the committed bytes still match).
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { parquetWriteBuffer } from 'hyparquet-writer';
import { tinyCorpus } from '../../../scripts/lib/tiny-corpus';

export const HUB_PARQUET_REPO = 'mistudio/tiny-parquet';
export const HUB_PARQUET_DIR = resolve(import.meta.dirname, '../../fixtures/hub/datasets/mistudio/tiny-parquet');

export interface HubParquetRow {
  id: number;
  text: string;
  topic: string;
}

/** 500 rows: train = rows 0–399 in two shards of 200 (row groups of 64), test = rows 400–499. */
export function hubParquetRows(): HubParquetRow[] {
  return tinyCorpus(500, 23).map((line, id) => ({ id, text: id % 41 === 0 ? `${line.text} Ça va — ünïcödé ✓` : line.text, topic: line.topic }));
}

export const HUB_PARQUET_SHARDS: { path: string; from: number; to: number }[] = [
  { path: 'default/train/0000.parquet', from: 0, to: 200 },
  { path: 'default/train/0001.parquet', from: 200, to: 400 },
  { path: 'default/test/0000.parquet', from: 400, to: 500 },
];

export function shardBytes(rows: HubParquetRow[]): Uint8Array {
  return new Uint8Array(
    parquetWriteBuffer({
      columnData: [
        { name: 'id', data: rows.map((r) => r.id), type: 'INT32', nullable: false },
        { name: 'text', data: rows.map((r) => r.text), type: 'STRING', nullable: false },
        { name: 'topic', data: rows.map((r) => r.topic), type: 'STRING', nullable: false },
      ],
      rowGroupSize: 64,
    }),
  );
}

export function buildHubParquetFixture(): Map<string, Uint8Array> {
  const rows = hubParquetRows();
  return new Map(HUB_PARQUET_SHARDS.map((s) => [s.path, shardBytes(rows.slice(s.from, s.to))]));
}

/** Writes the shards into test/fixtures/hub (run the unit test with UPDATE_FIXTURES=1). */
export function writeHubParquetFixture(): void {
  for (const [path, bytes] of buildHubParquetFixture()) {
    const full = resolve(HUB_PARQUET_DIR, path);
    mkdirSync(dirname(full), { recursive: true });
    writeFileSync(full, bytes);
  }
}
