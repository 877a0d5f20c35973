// ONNX graph tools: pure TypeScript, no browser API, usable in workers and in Node.
export { decodeModel, encodeModel, OnnxGraphError, type ModelProto } from './onnx-proto';
export { inspectModel, type ModelSummary, type NodeSummary, type TensorSummary } from './inspect';
export { findNormalizations, type Normalization } from './normalization';
export {
  findHookPoints,
  type HookDetection,
  type HookKind,
  type HookPoint,
  type LayerHooks,
  type TensorCandidate,
} from './hook-points';
export { exposeOutputs } from './expose';
export { splitAtHook, type SplitModel } from './split';
export { injectAdd, type InjectedModel } from './inject';
export { unembedding, type Unembedding } from './unembedding';
export { hookShape, ModelConfigError, tensorShapesFromConfig, type LmShapes } from './shapes-from-config';
export { readFloatTensor, type ExternalDataFiles } from './tensor-data';
