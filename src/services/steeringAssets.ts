// What steering and evaluation jobs load before they run: the model's graph (and external data), the SAE's
// weights in the form the splice graph takes, the hook tensor the SAE reads, the tokenizer and the context
// length. Every gap (an SAE not attached to a model, a hook the model lacks, damaged weights) is a typed
// error that says what to do.
import type { ModelRecord, SaeRecord } from '../domain/entities';
import { equivalentHook } from '../interop/sae-compatibility';
import { decodeModel, type ModelProto } from '../lm/graph';
import type { ExternalDataFile } from '../lm/runner/lm-session';
import type { SpliceSae } from '../lm/steering/sae-graph';
import { readSaeLensFolder, SaeLensFormatError } from '../sae/formats/saelens';
import type { BlobStore } from '../store/blob-store';
import { modelRepo } from '../store/repos/models';
import { saeRepo } from '../store/repos/saes';
import { hookTensor, HookNotFoundError } from './models/model-analysis';
import { readModelAnalysis, readModelBytes } from './models/model-files';

export class SteeringAssetError extends Error {
  override readonly name = 'SteeringAssetError';
  constructor(
    message: string,
    readonly action: string,
  ) {
    super(message);
  }
}

/** The model an SAE reads and its hook: set on import, or the model activations it was trained on. */
export function saeAttachment(sae: Pick<SaeRecord, 'modelId' | 'hook' | 'source'>): { modelId?: string; hook?: string } {
  const fromSource = sae.source?.kind === 'model' ? sae.source : undefined;
  const modelId = sae.modelId ?? fromSource?.modelId;
  const hook = sae.hook ?? fromSource?.hook;
  return { ...(modelId ? { modelId } : {}), ...(hook ? { hook } : {}) };
}

export interface SpliceTarget {
  model: ModelRecord;
  sae: SaeRecord;
  /** the hook's name (TransformerLens style) and the graph tensor behind it */
  hook: string;
  hookTensor: string;
  spliceSae: SpliceSae;
  graph: ModelProto;
  externalData: ExternalDataFile[];
  /** longest sequence the model reads; undefined when its config does not say */
  contextLength: number | undefined;
  vocabSize: number | undefined;
}

/** The SAE's weights as the splice graph takes them. */
export async function loadSpliceSae(sae: SaeRecord, blobs: BlobStore): Promise<SpliceSae> {
  const weights = new Uint8Array(await (await blobs.read(sae.blobKey)).arrayBuffer());
  try {
    const imported = readSaeLensFolder(JSON.stringify(sae.cfg), weights);
    const spliceSae: SpliceSae = { architecture: imported.architecture, dIn: imported.d_in, dSae: imported.d_sae, applyBDecToInput: imported.apply_b_dec_to_input, params: imported.params };
    if (imported.k !== undefined) spliceSae.k = imported.k;
    return spliceSae;
  } catch (cause) {
    if (!(cause instanceof SaeLensFormatError)) throw cause;
    throw new SteeringAssetError(`The stored weights of the SAE "${sae.name}" cannot be read: ${cause.message}`, 'Delete the SAE and import or train it again.');
  }
}

export async function loadSpliceTarget(modelId: string, saeId: string, blobs: BlobStore): Promise<SpliceTarget> {
  const sae = await saeRepo.get(saeId);
  if (!sae) throw new SteeringAssetError('The SAE no longer exists.', 'Choose another SAE.');
  const model = await modelRepo.get(modelId);
  if (!model) throw new SteeringAssetError('The model no longer exists.', 'Choose another model.');
  if (model.status !== 'ready') throw new SteeringAssetError(`The model "${model.name}" is not ready (${model.status}).`, 'Wait for its download to finish, or add it again.');
  const attached = saeAttachment(sae);
  if (!attached.hook) throw new SteeringAssetError(`The SAE "${sae.name}" does not say which hook point of a model it reads.`, 'Import it again and choose the model and hook it belongs to.');
  if (attached.modelId && attached.modelId !== model.id) {
    throw new SteeringAssetError(`The SAE "${sae.name}" belongs to another model.`, 'Choose the model the SAE was trained on.');
  }
  const analysis = await readModelAnalysis(model, blobs);
  if (!analysis) throw new SteeringAssetError(`The model "${model.name}" has no stored analysis.`, 'Delete the model and add it again.');
  let tensor: string;
  let hook = attached.hook;
  try {
    tensor = hookTensor(analysis, hook);
  } catch (err) {
    const other = equivalentHook(hook);
    if (!(err instanceof HookNotFoundError) || other === null) throw hookError(err, hook, model);
    try {
      tensor = hookTensor(analysis, other);
      hook = other;
    } catch (second) {
      throw hookError(second, attached.hook, model);
    }
  }
  const spliceSae = await loadSpliceSae(sae, blobs);
  // detected hook points all carry d_model-wide vectors (a hand-picked tensor may not)
  const isHookPoint = analysis.hooks.ok && analysis.hooks.points.some((p) => p.name === hook);
  if (isHookPoint && model.info?.dModel !== undefined && spliceSae.dIn !== model.info.dModel) {
    throw new SteeringAssetError(`The SAE reads vectors of size ${spliceSae.dIn}, but the model's d_model is ${model.info.dModel}.`, 'Choose an SAE trained on this model.');
  }
  const bytes = await readModelBytes(model, blobs);
  const shapes = analysis.shapes.ok ? analysis.shapes.value : undefined;
  return {
    model,
    sae,
    hook,
    hookTensor: tensor,
    spliceSae,
    graph: decodeModel(bytes.graph),
    externalData: bytes.externalData,
    contextLength: model.info?.contextLength ?? shapes?.nCtx,
    vocabSize: model.info?.vocab ?? shapes?.vocabSize,
  };
}

function hookError(err: unknown, hook: string, model: ModelRecord): unknown {
  if (!(err instanceof HookNotFoundError)) return err;
  return new SteeringAssetError(`The model "${model.name}" has no hook point ${hook}, which the SAE reads.`, 'Choose the model the SAE was trained on, or import the SAE again for a hook this model has.');
}
