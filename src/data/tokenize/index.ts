// Tokenization: documents × tokenizer × context length → streamed chunks of token windows, with statistics.
export { TokenizeError } from './errors';
export { tokenizerFromJson, type TextTokenizer } from './text-tokenizer';
export { allocTokens, bytesPerToken, dtypeForVocab, type TokenArray, type TokenDtype } from './token-dtype';
export { tokenSpans, previewTokens, type TokenPreview, type TokenSpan } from './token-preview';
export { TokenStatsCollector, type DocumentTokenStats, type TokenCount } from './token-stats';
export { tokenizeDocuments, type TokenizationStats, type TokenizeOptions, type TokenWindowStream } from './tokenize-documents';
export { WindowBuilder, type WindowChunk, type WindowCounts } from './window-builder';
export { resolveWindowLayout, type BosPlacement, type WindowLayout, type WindowMode, type WindowOptions } from './window-layout';
