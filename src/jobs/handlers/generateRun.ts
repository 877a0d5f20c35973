// The 'generate' job's work: steered generation (the variants of a compare, sweep or combined run, several
// samples each) streamed token by token into the job's checkpoint, where the Steering page reads it; or an
// ablation at the prompt. A stopped or interrupted run keeps what it generated and continues from there
// (each output's tokens and sampler state are in the checkpoint). Independent of the browser: ORT, the
// device and the stores are passed in.
import { generate, type GenerationState } from '../../lm/generate';
import { ablationEffect } from '../../lm/steering/ablation';
import { planSteeringVariants, type SteeringVariant } from '../../lm/steering/plan';
import {
  parseSteeringRunParams,
  steeringRunResult,
  type AblateRunParams,
  type AblateRunResult,
  type GenerateRunParams,
  type GenerateRunResult,
  type SteeringOutput,
} from '../../lm/steering/run-params';
import { steeringVector } from '../../lm/steering/steering-vector';
import type { TextTokenizer } from '../../data/tokenize';
import { loadModelTokenizer } from '../../services/tokenization/model-tokenizer';
import { loadSpliceTarget, SteeringAssetError, type SpliceTarget } from '../../services/steeringAssets';
import type { BlobStore } from '../../store/blob-store';
import type { JobContext, JobOutcome } from '../handlers';
import { sessionsIdle, splicedModel, steeredModel, type ModelSessionRequest, type SessionSource } from './generateSessions';

export interface SteeringDeps extends SessionSource {
  blobs: BlobStore;
  /** milliseconds; checkpoints while streaming are written at most every `streamIntervalMs` */
  now?: () => number;
  streamIntervalMs?: number;
}

export function sessionRequest(target: SpliceTarget): ModelSessionRequest {
  return {
    modelKey: `${target.model.id}@${target.model.updatedAt}`,
    graph: target.graph,
    externalData: target.externalData,
    hookTensor: target.hookTensor,
    width: target.spliceSae.dIn,
  };
}

export function promptIds(tokenizer: TextTokenizer, prompt: string, prependBos: boolean): number[] {
  const ids = tokenizer.encode(prompt);
  return prependBos && tokenizer.bosId !== null ? [tokenizer.bosId, ...ids] : ids;
}

export async function runSteering(ctx: JobContext<unknown>, deps: SteeringDeps): Promise<JobOutcome> {
  const params = parseSteeringRunParams(ctx.job.params);
  await ctx.reportProgress({ phase: 'loading', done: 0, total: 0, message: 'Loading the model and SAE' });
  const target = await loadSpliceTarget(params.modelId, params.saeId, deps.blobs);
  const tokenizer = await loadModelTokenizer(target.model, deps.blobs);
  const ids = promptIds(tokenizer, params.prompt, params.prependBos);
  if (ids.length === 0) throw new SteeringAssetError('The prompt is empty.', 'Write a prompt to continue.');
  try {
    return await (params.kind === 'generate' ? runGeneration(ctx, deps, params, target, tokenizer, ids) : runAblation(ctx, deps, params, target, tokenizer, ids));
  } finally {
    sessionsIdle();
  }
}

function outputsFor(variants: SteeringVariant[], samples: number, earlier: GenerateRunResult | null): SteeringOutput[] {
  const outputs: SteeringOutput[] = [];
  for (let v = 0; v < variants.length; v++) {
    for (let s = 0; s < samples; s++) {
      const before = earlier?.outputs.find((o) => o.variant === v && o.sample === s);
      outputs.push(before ?? { variant: v, sample: s, text: '', tokens: [], prngState: [], done: false });
    }
  }
  return outputs;
}

async function runGeneration(
  ctx: JobContext<unknown>,
  deps: SteeringDeps,
  params: GenerateRunParams,
  target: SpliceTarget,
  tokenizer: TextTokenizer,
  ids: number[],
): Promise<JobOutcome> {
  const { spliceSae } = target;
  const variants = planSteeringVariants({ mode: params.mode, features: params.features, ...(params.strengths ? { strengths: params.strengths } : {}) }, spliceSae.dSae);
  const { lm, backend } = await steeredModel(deps, sessionRequest(target));
  const earlier = steeringRunResult(ctx.job.checkpoint);
  const gen = params.generation;
  const result: GenerateRunResult = {
    kind: 'generate',
    variants,
    outputs: outputsFor(variants, gen.samples, earlier?.kind === 'generate' && earlier.variants.length === variants.length ? earlier : null),
    promptTokens: ids.length,
    backend,
    kvCache: lm.usesKvCache,
  };
  const total = result.outputs.length * gen.maxNewTokens;
  const tokensDone = () => result.outputs.reduce((n, o) => n + (o.done ? gen.maxNewTokens : o.tokens.length), 0);
  const now = deps.now ?? (() => performance.now());
  const interval = deps.streamIntervalMs ?? 120;
  let lastWrite = Number.NEGATIVE_INFINITY;
  const save = async (force: boolean) => {
    if (!force && now() - lastWrite < interval) return;
    lastWrite = now();
    await ctx.checkpoint(result);
    const finished = result.outputs.filter((o) => o.done).length;
    await ctx.reportProgress({ phase: 'generating', done: tokensDone(), total, message: `${finished} of ${result.outputs.length} outputs` });
  };
  await save(true);

  const eosId = tokenizer.eosId ?? undefined;
  for (const output of result.outputs) {
    if (output.done) continue;
    if (ctx.shouldStop()) return { status: 'stopped' };
    const variant = variants[output.variant];
    lm.setSteering(variant.features.length > 0 ? steeringVector(spliceSae.params.W_dec, spliceSae.dIn, variant.features) : null);
    const apply = (state: GenerationState) => {
      output.text = state.text;
      output.tokens = state.tokens;
      output.prngState = state.prngState;
      output.done = state.done && state.stopReason !== 'stopped';
      if (state.stopReason) output.stopReason = state.stopReason;
    };
    const final = await generate({
      model: lm,
      promptIds: ids,
      params: gen,
      sample: output.sample,
      decode: (tokens) => tokenizer.decode(tokens),
      ...(eosId !== undefined ? { eosId } : {}),
      ...(target.contextLength ? { contextLength: target.contextLength } : {}),
      ...(output.tokens.length > 0 ? { resume: { tokens: output.tokens, prngState: output.prngState } } : {}),
      onUpdate: async (state) => {
        apply(state);
        await save(false);
      },
      shouldStop: () => ctx.shouldStop() !== null,
    });
    apply(final);
    await save(true);
    if (final.stopReason === 'stopped') return { status: 'stopped' };
  }
  const count = result.outputs.length;
  return { status: 'completed', message: `Generated ${count} output${count === 1 ? '' : 's'} (${backend}${lm.usesKvCache ? ', KV cache' : ''}).` };
}

async function runAblation(
  ctx: JobContext<unknown>,
  deps: SteeringDeps,
  params: AblateRunParams,
  target: SpliceTarget,
  tokenizer: TextTokenizer,
  ids: number[],
): Promise<JobOutcome> {
  const { lm, factory } = await splicedModel(deps, sessionRequest(target));
  await ctx.reportProgress({ phase: 'ablating', done: 0, total: 1, message: 'Comparing next-token distributions' });
  const effect = await ablationEffect(lm, factory, target.spliceSae, ids, { ablate: params.ablate, clamp: params.clamp, keepError: params.keepError, topK: params.topK });
  const text = (id: number) => tokenizer.decode([id]);
  const tokenText: Record<number, string> = {};
  for (const change of effect.changes) tokenText[change.id] = text(change.id);
  const result: AblateRunResult = {
    ...effect,
    kind: 'ablate',
    before: effect.before.map((t) => ({ ...t, text: text(t.id) })),
    after: effect.after.map((t) => ({ ...t, text: text(t.id) })),
    tokenText,
    lastToken: text(ids[ids.length - 1]),
  };
  await ctx.checkpoint(result);
  await ctx.reportProgress({ phase: 'done', done: 1, total: 1 });
  return { status: 'completed', message: `KL(before ‖ after) = ${effect.kl.toPrecision(3)} nats` };
}
