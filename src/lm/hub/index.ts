// Hugging Face Hub access: client, repository references, ONNX variant classification.
export {
  createHubClient,
  DEFAULT_HUB_ENDPOINT,
  type DownloadOptions,
  type FileDownload,
  type HubClient,
  type HubClientOptions,
  type RepoFile,
  type RepoInfo,
} from './hub-client';
export { HubError, type HubErrorKind } from './hub-error';
export { isValidRepoId, parseRepoRef, type RepoRef, type RepoType } from './repo-ref';
export { classifyOnnxFiles, type OnnxDtype, type OnnxVariant, type RepoFileSize } from './onnx-variants';
