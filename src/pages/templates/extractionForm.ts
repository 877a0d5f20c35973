// The extraction template form: fields, help text and the values a new template starts from.
import type { FormField, FormValues } from './formFields';

export const EXTRACTION_FORM_GROUPS = [
  { id: 'template', title: 'Template' },
  { id: 'budget', title: 'Budget' },
  { id: 'examples', title: 'Examples' },
  { id: 'filters', title: 'Token filters' },
] as const;

export const EXTRACTION_FORM_FIELDS: readonly FormField[] = [
  { group: 'template', path: 'name', kind: 'text', label: 'Name', help: 'A name unique among your extraction templates.' },
  { group: 'template', path: 'description', kind: 'textarea', optional: true, label: 'Description', help: 'When to use these settings.' },
  { group: 'budget', path: 'maxTokens', kind: 'integer', label: 'Tokens', help: 'How many dataset tokens run through the model and SAE. More tokens: rarer features found, longer run.' },
  { group: 'budget', path: 'batchSize', kind: 'integer', label: 'Batch size', help: 'Token windows per model run. Larger is faster until GPU memory runs out.' },
  { group: 'examples', path: 'topK', kind: 'integer', label: 'Top examples', help: 'Highest-activating examples kept per feature (at most the token budget).' },
  { group: 'examples', path: 'contextPrefix', kind: 'integer', label: 'Tokens before', help: 'Context shown before the activating token (0–512).' },
  { group: 'examples', path: 'contextSuffix', kind: 'integer', label: 'Tokens after', help: 'Context shown after the activating token (0–512).' },
  {
    group: 'examples',
    path: 'quantileExamples',
    kind: 'integer',
    label: 'Quantile examples',
    help: 'Examples drawn across the activation range (not only the top), so weak activations are seen too. 0: none.',
  },
  { group: 'filters', path: 'tokenFilters.skipSpecialTokens', kind: 'checkbox', label: 'Skip special tokens', help: 'BOS, EOS and padding never count as an example’s activating token.' },
  { group: 'filters', path: 'tokenFilters.skipWhitespace', kind: 'checkbox', label: 'Skip whitespace tokens', help: 'Tokens made only of spaces or newlines are skipped.' },
  { group: 'filters', path: 'tokenFilters.skipPunctuation', kind: 'checkbox', label: 'Skip punctuation tokens', help: 'Tokens made only of punctuation are skipped.' },
  {
    group: 'filters',
    path: 'tokenFilters.skipTokens',
    kind: 'tokens',
    label: 'Skip these tokens',
    help: 'One token per line, exactly as the tokenizer writes it (a leading space counts). Write a newline inside a token as \\n, a tab as \\t.',
  },
];

export const NEW_EXTRACTION_VALUES: FormValues = {
  name: '',
  description: '',
  maxTokens: '100000',
  batchSize: '16',
  topK: '20',
  contextPrefix: '8',
  contextSuffix: '4',
  quantileExamples: '0',
  'tokenFilters.skipSpecialTokens': true,
  'tokenFilters.skipWhitespace': false,
  'tokenFilters.skipPunctuation': false,
  'tokenFilters.skipTokens': '',
};
