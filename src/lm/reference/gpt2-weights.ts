// GPT-2 parameters in Hugging Face's layout (Conv1D weights stored [in, out]) and their initializer names.
import { OnnxGraphError, type ModelProto } from '../graph/onnx-proto';
import { readFloatTensor, tensorDims, type ExternalDataFiles } from '../graph/tensor-data';

export interface Gpt2Dims {
  nLayer: number;
  nEmbd: number;
  nHead: number;
  nInner: number;
  nPositions: number;
  vocabSize: number;
  layerNormEpsilon: number;
}

export interface LayerNormWeights {
  weight: Float32Array;
  bias: Float32Array;
}

export interface Gpt2BlockWeights {
  ln1: LayerNormWeights;
  /** [nEmbd, 3·nEmbd]: query, key, value projections side by side. */
  attnQkvWeight: Float32Array;
  attnQkvBias: Float32Array;
  /** [nEmbd, nEmbd] */
  attnProjWeight: Float32Array;
  attnProjBias: Float32Array;
  ln2: LayerNormWeights;
  /** [nEmbd, nInner] */
  mlpFcWeight: Float32Array;
  mlpFcBias: Float32Array;
  /** [nInner, nEmbd] */
  mlpProjWeight: Float32Array;
  mlpProjBias: Float32Array;
}

export interface Gpt2Weights {
  dims: Gpt2Dims;
  /** [vocabSize, nEmbd]; also the (tied) unembedding, transposed. */
  wte: Float32Array;
  /** [nPositions, nEmbd] */
  wpe: Float32Array;
  blocks: Gpt2BlockWeights[];
  lnF: LayerNormWeights;
}

/** Hugging Face parameter names, which torch/Optimum exports keep for initializers used as-is. */
export const GPT2_NAMES = {
  wte: 'transformer.wte.weight',
  wpe: 'transformer.wpe.weight',
  lnF: 'transformer.ln_f',
  block: (layer: number) => ({
    ln1: `transformer.h.${layer}.ln_1`,
    attnQkv: `transformer.h.${layer}.attn.c_attn`,
    attnProj: `transformer.h.${layer}.attn.c_proj`,
    ln2: `transformer.h.${layer}.ln_2`,
    mlpFc: `transformer.h.${layer}.mlp.c_fc`,
    mlpProj: `transformer.h.${layer}.mlp.c_proj`,
  }),
} as const;

/**
 * Reads GPT-2 weights from a model's initializers by their Hugging Face names.
 * nHead and ε are not recoverable from shapes, so they come from config.json.
 */
export function gpt2WeightsFromModel(
  model: ModelProto,
  config: { nHead: number; layerNormEpsilon: number },
  external?: ExternalDataFiles,
): Gpt2Weights {
  const initializers = new Map((model.graph?.initializer ?? []).map((t) => [t.name ?? '', t]));
  const read = (name: string, expected?: number[]): Float32Array => {
    const tensor = initializers.get(name);
    if (!tensor) throw new OnnxGraphError(`This model has no initializer "${name}": it is not a GPT-2 export with Hugging Face names.`);
    const dims = tensorDims(tensor);
    if (expected && (dims.length !== expected.length || dims.some((d, i) => d !== expected[i]))) {
      throw new OnnxGraphError(`Initializer "${name}" has shape [${dims}], expected [${expected}].`);
    }
    return readFloatTensor(tensor, external);
  };
  const wteDims = tensorDims(initializers.get(GPT2_NAMES.wte) ?? {});
  const wpeDims = tensorDims(initializers.get(GPT2_NAMES.wpe) ?? {});
  const [vocabSize = 0, nEmbd = 0] = wteDims;
  let nLayer = 0;
  while (initializers.has(`${GPT2_NAMES.block(nLayer).ln1}.weight`)) nLayer++;
  const nInner = tensorDims(initializers.get(`${GPT2_NAMES.block(0).mlpFc}.weight`) ?? {})[1] ?? 4 * nEmbd;
  const dims: Gpt2Dims = {
    nLayer,
    nEmbd,
    nHead: config.nHead,
    nInner,
    nPositions: wpeDims[0] ?? 0,
    vocabSize,
    layerNormEpsilon: config.layerNormEpsilon,
  };
  const ln = (prefix: string): LayerNormWeights => ({
    weight: read(`${prefix}.weight`, [nEmbd]),
    bias: read(`${prefix}.bias`, [nEmbd]),
  });
  const blocks = Array.from({ length: nLayer }, (_, layer): Gpt2BlockWeights => {
    const names = GPT2_NAMES.block(layer);
    return {
      ln1: ln(names.ln1),
      attnQkvWeight: read(`${names.attnQkv}.weight`, [nEmbd, 3 * nEmbd]),
      attnQkvBias: read(`${names.attnQkv}.bias`, [3 * nEmbd]),
      attnProjWeight: read(`${names.attnProj}.weight`, [nEmbd, nEmbd]),
      attnProjBias: read(`${names.attnProj}.bias`, [nEmbd]),
      ln2: ln(names.ln2),
      mlpFcWeight: read(`${names.mlpFc}.weight`, [nEmbd, nInner]),
      mlpFcBias: read(`${names.mlpFc}.bias`, [nInner]),
      mlpProjWeight: read(`${names.mlpProj}.weight`, [nInner, nEmbd]),
      mlpProjBias: read(`${names.mlpProj}.bias`, [nEmbd]),
    };
  });
  return { dims, wte: read(GPT2_NAMES.wte), wpe: read(GPT2_NAMES.wpe), blocks, lnF: ln(GPT2_NAMES.lnF) };
}
