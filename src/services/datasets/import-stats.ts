// Import statistics summed over several sources (the shards of a Hub split, or the files read before a
// resume), kept as plain data so they can be saved in a job checkpoint.
import type { ImportIssue, ImportStats } from '../../data/importers';
import type { DatasetIssue, DatasetStats, LengthHistogramData } from '../../domain/entities';

/** issues kept on the dataset record */
export const MAX_STORED_ISSUES = 100;

export function emptyImportStats(): ImportStats {
  return { rows: 0, chars: 0, bytes: 0, empty: 0, malformed: 0, minChars: 0, maxChars: 0, meanChars: 0, lengthHistogram: { edges: [0], counts: [] } };
}

function addHistograms(a: LengthHistogramData, b: LengthHistogramData): LengthHistogramData {
  // both use the same power-of-two edges, so bucket i means the same range in each
  const longer = a.edges.length >= b.edges.length ? a : b;
  const counts = longer.counts.map((_, i) => (a.counts[i] ?? 0) + (b.counts[i] ?? 0));
  return { edges: [...longer.edges], counts };
}

export function mergeImportStats(a: ImportStats, b: ImportStats): ImportStats {
  const rows = a.rows + b.rows;
  const chars = a.chars + b.chars;
  const minChars = a.rows === 0 ? b.minChars : b.rows === 0 ? a.minChars : Math.min(a.minChars, b.minChars);
  return {
    rows,
    chars,
    bytes: a.bytes + b.bytes,
    empty: a.empty + b.empty,
    malformed: a.malformed + b.malformed,
    minChars,
    maxChars: Math.max(a.maxChars, b.maxChars),
    meanChars: rows === 0 ? 0 : chars / rows,
    lengthHistogram: addHistograms(a.lengthHistogram, b.lengthHistogram),
  };
}

export function datasetStatsOf(stats: ImportStats): DatasetStats {
  return {
    empty: stats.empty,
    malformed: stats.malformed,
    minChars: stats.minChars,
    maxChars: stats.maxChars,
    meanChars: stats.meanChars,
    lengthHistogram: { edges: [...stats.lengthHistogram.edges], counts: [...stats.lengthHistogram.counts] },
    sourceBytes: stats.bytes,
  };
}

/** Issues of several sources, the first MAX_STORED_ISSUES; `file` numbers a shard's issues in the message. */
export function collectIssues(into: DatasetIssue[], issues: readonly ImportIssue[], file?: number): DatasetIssue[] {
  for (const issue of issues) {
    if (into.length >= MAX_STORED_ISSUES) break;
    const stored: DatasetIssue = { row: issue.row, message: file === undefined ? issue.message : `shard ${file + 1}: ${issue.message}` };
    if (issue.line !== undefined) stored.line = issue.line;
    into.push(stored);
  }
  return into;
}
