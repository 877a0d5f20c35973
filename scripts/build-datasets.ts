// `npx vite-node scripts/build-datasets.ts`: writes test/fixtures/datasets/tiny.parquet, the parquet twin of
// the tiny text datasets: simple English lines in a `text` column and an `id` column, in 3 row groups of
// 200 rows so streaming row group by row group is exercised. Deterministic: same bytes on every run.
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { parquetWriteFile } from 'hyparquet-writer';
import { tinyCorpus } from './lib/tiny-corpus';

export const TINY_PARQUET_ROWS = 600;
export const TINY_PARQUET_ROW_GROUP = 200;

/** The rows of tiny.parquet; every 97th line gains non-ASCII text so multi-byte UTF-8 is covered. */
export function tinyParquetRows(): { id: number; text: string }[] {
  return tinyCorpus(TINY_PARQUET_ROWS, 11).map((line, id) => ({
    id,
    text: id % 97 === 0 ? `${line.text} Café naïve — ☕` : line.text,
  }));
}

const root = resolve(import.meta.dirname, '..');
const dir = resolve(root, 'test/fixtures/datasets');
mkdirSync(dir, { recursive: true });
const rows = tinyParquetRows();
parquetWriteFile({
  filename: resolve(dir, 'tiny.parquet'),
  columnData: [
    { name: 'id', data: rows.map((r) => r.id), type: 'INT32', nullable: false },
    { name: 'text', data: rows.map((r) => r.text), type: 'STRING', nullable: false },
  ],
  rowGroupSize: TINY_PARQUET_ROW_GROUP,
  createdBy: 'miStudio scripts/build-datasets',
});
console.log(`wrote test/fixtures/datasets/tiny.parquet (${rows.length} rows, ${Math.ceil(rows.length / TINY_PARQUET_ROW_GROUP)} row groups)`);
