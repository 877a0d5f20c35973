// What the new-training form can train on besides synthetic data: the activation caches and the models
// (with their tokenizations and hook points) that exist, as plain data. checkSource says whether a chosen
// source can feed a training and how wide its activations are, with a message a user can act on.
import type { ActivationSourceSpec, AssetStatus } from '../../domain/entities';

export interface CacheChoice {
  id: string;
  modelName: string;
  hook: string;
  rows: number;
  dIn: number;
  status: AssetStatus;
}

export interface TokenizationChoice {
  id: string;
  /** the dataset's name */
  datasetName: string;
  contextLength: number;
  windows: number;
  status: AssetStatus;
}

export interface ModelChoice {
  id: string;
  name: string;
  status: AssetStatus;
  /** the residual width (every hook point's width); undefined when config.json did not say */
  dModel?: number;
  /** hook point names found in the graph (blocks.L.hook_…); undefined before the model is analysed */
  hooks?: string[];
  tokenizations: TokenizationChoice[];
}

export interface SourceChoices {
  caches: CacheChoice[];
  models: ModelChoice[];
}

/** Which form field a source problem belongs beside. */
export type SourceField = 'cacheId' | 'modelId' | 'tokenizationId' | 'hook';

export type SourceCheck = { ok: true; dIn: number } | { ok: false; field: SourceField; message: string };

const bad = (field: SourceField, message: string): SourceCheck => ({ ok: false, field, message });

/** Whether a cache or model source can be trained on, and the width of its activations. */
export function checkSource(source: Exclude<ActivationSourceSpec, { kind: 'synthetic' }>, choices: SourceChoices): SourceCheck {
  if (source.kind === 'cache') {
    if (source.cacheId === '') return bad('cacheId', 'Choose an activation cache (extract one on a model’s page first).');
    const cache = choices.caches.find((c) => c.id === source.cacheId);
    if (!cache) return bad('cacheId', 'That activation cache no longer exists. Choose another.');
    if (cache.status !== 'ready') return bad('cacheId', `The cache of ${cache.hook} is not ready (${cache.status}). Wait for its extraction to finish, or choose another.`);
    if (cache.rows < 1) return bad('cacheId', `The cache of ${cache.hook} holds no activations. Choose another.`);
    return { ok: true, dIn: cache.dIn };
  }
  if (source.modelId === '') return bad('modelId', 'Choose a model.');
  const model = choices.models.find((m) => m.id === source.modelId);
  if (!model) return bad('modelId', 'That model no longer exists. Choose another.');
  if (model.status !== 'ready') return bad('modelId', `${model.name} is not ready (${model.status}). Wait for its download or import to finish.`);
  if (source.tokenizationId === '') {
    return bad('tokenizationId', model.tokenizations.length === 0 ? `${model.name} has no tokenized dataset. Tokenize one for it on the Datasets page.` : 'Choose a tokenized dataset.');
  }
  const tokenization = model.tokenizations.find((t) => t.id === source.tokenizationId);
  if (!tokenization) return bad('tokenizationId', `That tokenized dataset does not belong to ${model.name} (or no longer exists). Choose one of its tokenizations.`);
  if (tokenization.status !== 'ready') return bad('tokenizationId', `The tokenization of ${tokenization.datasetName} is not ready (${tokenization.status}). Wait for it to finish.`);
  if (source.hook === '') return bad('hook', 'Choose a hook point.');
  if (!model.hooks) return bad('hook', `${model.name} has not been analysed yet, so its hook points are unknown. Wait for its analysis to finish.`);
  if (!model.hooks.includes(source.hook)) return bad('hook', `${model.name} has no hook point named ${source.hook}. Choose one from the list.`);
  if (model.dModel === undefined) return bad('modelId', `The width of ${model.name}’s hook points is unknown (its config.json gives no hidden size).`);
  return { ok: true, dIn: model.dModel };
}

/** The message for an SAE whose d_in is not the source's width. */
export function widthMismatch(source: ActivationSourceSpec, sourceDIn: number, dIn: number): string {
  const what = source.kind === 'cache' ? 'The cache holds' : 'The hook gives';
  return `${what} ${sourceDIn}-wide activations, so d_in must be ${sourceDIn} (it is ${dIn}).`;
}
