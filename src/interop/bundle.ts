// Project bundles ("mistudio-bundle/1"): one zip carrying templates, SAEs with their weights, feature
// results, labels and examples, and optionally model files and datasets, to move work between studios.
// Layout:
//   rows/<table>/<000000>.json   JSON arrays of rows (deflated shards of a few MiB)
//   blobs/<000000>.bin           stored binaries (stored, not compressed), one per BlobStore key
//   bundle.json                  the manifest, written last: format, created, generator, parts
// Writing streams (writeBundle); reading checks everything first (openBundle), then planBundleImport
// works out new ids and keys for what the target studio already has.
export { BUNDLE_FORMAT, BUNDLE_MANIFEST_PATH, type BlobPart, type BundleManifest, type BundlePart, type RowsPart } from './bundle-manifest';
export { BUNDLE_TABLES, checkRow, type BundleRows, type BundleTable } from './bundle-rows';
export { writeBundle, type BundleBlobReader, type BundleSource, type BundleWriteOptions } from './bundle-writer';
export { openBundle, type BundleBlob, type BundleReadOptions, type OpenedBundle } from './bundle-reader';
export { planBundleImport, readBundleForImport, type ImportPlan, type ImportPlanOptions, type ImportTarget, type PlannedBlob } from './bundle-import-plan';
