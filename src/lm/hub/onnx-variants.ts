// Groups a repository's ONNX files into loadable variants: precision from the file name (the transformers.js
// conventions: model.onnx, model_fp16.onnx, model_quantized.onnx, model_q4.onnx, …) and external data files.

export type OnnxDtype = 'fp32' | 'fp16' | 'q8' | 'int8' | 'uint8' | 'q4' | 'q4f16' | 'bnb4';

export interface RepoFileSize {
  path: string;
  size: number;
}

export interface OnnxVariant {
  /** The graph file, e.g. onnx/model_q4.onnx. */
  path: string;
  /** File name without folder, precision tag and extension, e.g. model, decoder_model_merged, model_fused_ln. */
  stem: string;
  dtype: OnnxDtype;
  /** 'name' when the file name says the precision; 'default' when it says nothing and fp32 is assumed. */
  dtypeSource: 'name' | 'default';
  quantized: boolean;
  /** Whether the graph takes a KV cache (decoder_with_past, merged decoders). */
  kvCache: boolean;
  size: number;
  /** Weight files stored beside the graph (model.onnx_data, model.onnx.data, model.onnx_data_1, …). */
  externalData: RepoFileSize[];
  /** Graph plus external data: what a download costs. */
  totalSize: number;
}

const DTYPE_SUFFIXES: [string, OnnxDtype][] = [
  ['_q4f16', 'q4f16'],
  ['_quantized', 'q8'],
  ['_fp16', 'fp16'],
  ['_fp32', 'fp32'],
  ['_uint8', 'uint8'],
  ['_int8', 'int8'],
  ['_bnb4', 'bnb4'],
  ['_q8', 'q8'],
  ['_q4', 'q4'],
];

const QUANTIZED: ReadonlySet<OnnxDtype> = new Set(['q8', 'int8', 'uint8', 'q4', 'q4f16', 'bnb4']);

function isExternalDataOf(graphPath: string, candidate: string): boolean {
  if (!candidate.startsWith(graphPath)) return false;
  const rest = candidate.slice(graphPath.length);
  return rest === '.data' || rest === '_data' || /^_data_\d+$/.test(rest);
}

export function classifyOnnxFiles(files: readonly RepoFileSize[]): OnnxVariant[] {
  const graphs = files.filter((f) => f.path.endsWith('.onnx'));
  return graphs
    .map((graph): OnnxVariant => {
      const fileName = graph.path.slice(graph.path.lastIndexOf('/') + 1, -'.onnx'.length);
      const match = DTYPE_SUFFIXES.find(([suffix]) => fileName.endsWith(suffix));
      const stem = match ? fileName.slice(0, -match[0].length) : fileName;
      const dtype = match?.[1] ?? 'fp32';
      const externalData = files
        .filter((f) => isExternalDataOf(graph.path, f.path))
        .sort((a, b) => a.path.localeCompare(b.path, 'en', { numeric: true }));
      return {
        path: graph.path,
        stem,
        dtype,
        dtypeSource: match ? 'name' : 'default',
        quantized: QUANTIZED.has(dtype),
        kvCache: /with_past|merged/.test(stem),
        size: graph.size,
        externalData,
        totalSize: graph.size + externalData.reduce((sum, f) => sum + f.size, 0),
      };
    })
    .sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}
