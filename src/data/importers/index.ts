// Dataset importers: byte sources → streams of text documents, with sniffing, statistics and typed errors.
export { asyncBufferFromBlob, byteChunks, type AsyncBuffer, type ByteSource } from './byte-source';
export { importCsv, sniffCsv, type CsvImportOptions, type CsvSniff } from './csv';
export { csvRecords, detectCsvDelimiter, type CsvRecord } from './csv-records';
export { type Document, type DocumentStream, type ImportStats } from './document-stream';
export { DatasetImportError, type DatasetImportErrorCode, type ImportIssue, type MalformedPolicy } from './errors';
export { suggestTextField, type FieldInfo } from './field-sniff';
export { httpRangeBuffer, type FetchLike, type HttpRangeBuffer, type HttpRangeBufferOptions } from './http-range-buffer';
export {
  HUB_ENDPOINT,
  hubParquetListUrl,
  hubResolveUrl,
  importHubParquet,
  listHubParquetFiles,
  listHubParquetSplits,
  validateHubRepo,
  type HubAccess,
  type HubParquetImportOptions,
} from './hub';
export { detectFormat, importFile, sniffFile, type DatasetFormat, type FileSniff, type ImportSpec, type TxtSniff } from './import-file';
export { importJson, sniffJson, type JsonImportOptions, type JsonSniff } from './jsonl';
export { type LengthHistogram } from './length-histogram';
export { importParquet, readParquetMetadata, sniffParquet, type ParquetColumnInfo, type ParquetImportOptions, type ParquetSniff, type ParquetSource } from './parquet';
export { importTxt, type TxtImportOptions, type TxtSplit } from './txt';
