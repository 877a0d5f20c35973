// Exchange with other tools and other studios. Pure TypeScript (no browser API beyond Blob, fetch and
// ReadableStream), so everything here runs and is tested in Node. Every failure is an InteropError.
export { InteropError, type InteropErrorCode } from './errors';
export { blobSource, bytesSource, type RandomAccessSource } from './random-access';
export { ZipArchive, type ZipEntry } from './zip-reader';
export { collectBytes, toReadableStream, zipStream, type ZipWriteEntry } from './zip-writer';
export { fetchHubFile, hubResolveUrl, type FetchLike, type HubFileRequest } from './hub-fetch';
export { decodeSaeLensFolder, type SaeLensImport } from './saelens-folder';
export {
  filesFromFileList,
  importSaeLensFiles,
  importSaeLensFromHub,
  importSaeLensZip,
  locateSaeLensFolder,
  type HubSaeRequest,
  type ImportFile,
  type SaeLensImportOptions,
} from './saelens-import';
export { checkCompatibility, equivalentHook, type Compatibility, type CompatibilityProblem } from './sae-compatibility';
export { saeLensExportSource, saeLensFolderName, saeLensZip, saeLensZipStream, type SaeLensFolderSource } from './saelens-export-zip';
export { neuronpediaExport, neuronpediaExportFileName, type FeatureSelection, type NeuronpediaExportInput, type NeuronpediaExportOptions } from './neuronpedia-export';
export { toNeuronpediaFeature, type FeatureDetails, type Histogram, type LogitEffect, type NeuronpediaFeature } from './neuronpedia-feature';
export * from './bundle';
export { saeLensTrainingConfig, type SaeLensTrainingConfig, type SaeLensTrainingInput } from './saelens-training-config';
