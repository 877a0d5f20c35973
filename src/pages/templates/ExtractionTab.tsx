// The Extraction tab: feature-extraction templates with their token budget, examples and filters.
import type { TokenFilters } from '../../domain/entities';
import { extractionTemplates, type ExtractionTemplateRow } from '../../services/templates';
import { EXTRACTION_FORM_FIELDS, EXTRACTION_FORM_GROUPS, NEW_EXTRACTION_VALUES } from './extractionForm';
import { formatCount } from './format';
import { NameCell } from './NameCell';
import { TemplatesTab, type Column } from './TemplatesTab';

const COLUMNS: readonly Column<ExtractionTemplateRow>[] = [
  { id: 'name', label: 'Name', sortField: 'name', cell: (r) => <NameCell row={r} /> },
  { id: 'tokens', label: 'Tokens', sortField: 'maxTokens', numeric: true, cell: (r) => formatCount(r.maxTokens) },
  { id: 'topk', label: 'Top examples', sortField: 'topK', numeric: true, cell: (r) => formatCount(r.topK) },
  { id: 'context', label: 'Context', sortField: 'contextPrefix', cell: (r) => `${r.contextPrefix} before, ${r.contextSuffix} after` },
  { id: 'quantile', label: 'Quantile examples', sortField: 'quantileExamples', numeric: true, cell: (r) => formatCount(r.quantileExamples) },
  { id: 'batch', label: 'Batch', sortField: 'batchSize', numeric: true, cell: (r) => formatCount(r.batchSize) },
  { id: 'filters', label: 'Skips', cell: (r) => describeFilters(r.tokenFilters) },
];

function describeFilters(f: TokenFilters | undefined): string {
  if (!f) return 'nothing';
  const parts = [f.skipSpecialTokens && 'special', f.skipWhitespace && 'whitespace', f.skipPunctuation && 'punctuation', f.skipTokens.length > 0 && `${f.skipTokens.length} tokens`].filter(
    (p): p is string => typeof p === 'string',
  );
  return parts.length > 0 ? parts.join(', ') : 'nothing';
}

export function ExtractionTab() {
  return (
    <TemplatesTab
      kind="extraction"
      service={extractionTemplates}
      columns={COLUMNS}
      form={{ groups: EXTRACTION_FORM_GROUPS, fields: () => EXTRACTION_FORM_FIELDS, newValues: NEW_EXTRACTION_VALUES }}
    />
  );
}
