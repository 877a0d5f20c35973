// 'extract-features', the work itself: an SAE over a tokenized dataset's activations (the model run on the
// fly, cut down to the SAE's hook) → per-latent statistics, histograms, top-k and quantile-sampled examples
// with their contexts, logit effects, dead/dense flags; stored per SAE (feature rows keep their labels).
//
// Passes (src/analysis/extraction/plan.ts): statistics over every batch; sampling over every batch again
// when quantile examples are asked for; then per chunk of latents a context pass over just the windows
// holding their examples. The engine (GPU in the app, CPU in tests) keeps its accumulators across
// batches; memory is bounded by d_sae, k and the context budget, never by the dataset.
//
// Stopping: checked between model runs. A cancel marks the extraction failed ("cancelled"); a pause puts
// it back to pending. Where it stands — pass and batch, or context chunk, with the accumulators — is saved
// on pause and every RESUME_EVERY_MS (a closed tab loses at most that much), and a resumed job goes on from
// there (resume-codec.ts); results are only ever written complete per context chunk.
import { ContextPlan } from '../../analysis/context';
import {
  checkExtractionSettings,
  contextPassDone,
  contextPassLatents,
  contiguousRuns,
  dataPassDone,
  decodeExtractionResume,
  DENSE_THRESHOLD,
  encodeDetailsHeader,
  encodeExtractionResume,
  encodeLatentRecord,
  exampleRecordOf,
  exampleRefsOf,
  extractionSummary,
  featureRowStats,
  initialWork,
  LOGIT_EFFECT_TOKENS,
  planExtraction,
  requestsByWindow,
  runRows,
  sliceRows,
  topTokensOf,
  totalWork,
  windowBatches,
  WindowLengths,
  type ExtractionPlan,
  type ExtractionResume,
  type ExtractionWork,
  type FeatureDetailsHeader,
  type FeatureEngine,
  type FeatureEngineOptions,
  type NewExampleRecord,
  type ResumePosition,
  type RunRows,
} from '../../analysis/extraction';
import { deadAndDense, featureStatsOf } from '../../analysis/feature-stats';
import type { FeatureStatsState } from '../../analysis/feature-accumulator';
import type { LogitEffects } from '../../analysis/logit-effects';
import { bandEdgesFromHistogram, type QuantileSamplerState } from '../../analysis/quantile-sampler';
import { excludedVocabulary } from '../../analysis/token-filter';
import { allocTokens, tokenSpans, type TextTokenizer, type TokenArray } from '../../data/tokenize';
import type { FeatureExtractionRecord, ModelRecord, SaeRecord, TokenizationRecord } from '../../domain/entities';
import { decodeModel, findHookPoints, OnnxGraphError, unembedding, type ModelProto } from '../../lm/graph';
import type { HookRunnerModel } from '../../lm/runner/hook-runner';
import { readSaeLensFolder, type ImportedSae } from '../../sae/formats/saelens';
import { hookTensor } from '../../services/models/model-analysis';
import { readModelBytes, type ModelBytes } from '../../services/models/model-files';
import { loadModelTokenizer } from '../../services/tokenization/model-tokenizer';
import { openStoredWindows, type StoredTokenWindows } from '../../services/tokenization/window-parts';
import type { BlobStore } from '../../store/blob-store';
import { blobKey } from '../../store/blob-key';
import { deleteExamplesOf, putExamples } from '../../store/repos/featureExamples';
import { extractionsOf, featureExtractionRepo, setFeatureExtractionStatus } from '../../store/repos/featureExtractions';
import { saveFeatureStats } from '../../store/repos/features';
import { modelRepo } from '../../store/repos/models';
import { activationCacheRepo } from '../../store/repos/activationCaches';
import { saeRepo } from '../../store/repos/saes';
import { tokenizationRepo } from '../../store/repos/tokenizations';
import type { JobContext, JobOutcome, StopRequest } from '../handlers';
import { cacheActivationRunner, ExtractionSourceError, type ActivationRunner } from './extractFeaturesActivations';
import { AssetGoneError, enterRunning, formatCount, ProgressThrottle, recordFailure, type AssetStatusAccess } from './importDatasetShared';

export interface ExtractFeaturesParams {
  extractionId: string;
}

export function parseExtractFeaturesParams(value: unknown): ExtractFeaturesParams {
  if (typeof value === 'object' && value !== null && 'extractionId' in value && typeof value.extractionId === 'string') return { extractionId: value.extractionId };
  throw new Error('The feature extraction job has unreadable parameters; start the extraction again.');
}

export interface ExtractFeaturesDeps {
  blobs: BlobStore;
  /** the SAE's engine: GPU in the app, CPU in tests */
  engine(opts: FeatureEngineOptions): FeatureEngine;
  /** the most activation rows one encode may hold */
  maxEncodeRows(dSae: number, dIn: number): number;
  /** the model run cut down to a graph tensor (a hook's) */
  modelRunner(model: HookRunnerModel, tensor: string): Promise<ActivationRunner>;
  progressIntervalMs?: number;
  /** context activations held at once (floats); small in tests to exercise several context passes */
  contextBudget?: number;
}

/** Seed of the quantile sampling: fixed, so a run over the same data picks the same examples. */
const QUANTILE_SEED = 0x5eed_f00d;
/** example rows written to the store at once */
const EXAMPLE_WRITE_BATCH = 2000;
/** latents per details-blob chunk and per feature-row write */
const LATENT_CHUNK = 1024;

/** How often a running extraction saves where it stands (a closed tab loses at most this much work). */
const RESUME_EVERY_MS = 60_000;

/** Where an extraction's per-latent details blob lives. */
export function detailsKeyOf(extractionId: string): string {
  return blobKey('features', 'extractions', extractionId, 'details.bin');
}

/** Where a paused or interrupted extraction's saved progress lives (removed when the run ends). */
export function resumeKeyOf(extractionId: string): string {
  return blobKey('features', 'extractions', extractionId, 'resume.bin');
}

/** The saved progress of this extraction when there is one for the same plan; otherwise it starts over. */
async function savedProgress(blobs: BlobStore, key: string, plan: ExtractionResume['plan']): Promise<ExtractionResume | null> {
  if (!(await blobs.has(key))) return null;
  try {
    const saved = decodeExtractionResume(new Uint8Array(await (await blobs.read(key)).arrayBuffer()));
    const same = saved.plan.windows === plan.windows && saved.plan.batches === plan.batches && saved.plan.passes === plan.passes && saved.plan.dSae === plan.dSae;
    return same ? saved : null;
  } catch (error) {
    console.warn('miStudio: saved extraction progress is unreadable; starting over', error);
    return null;
  }
}

function access(id: string): AssetStatusAccess {
  return { get: () => featureExtractionRepo.get(id), set: (to, patch) => setFeatureExtractionStatus(id, to, patch) };
}

class Stopped {
  constructor(readonly request: StopRequest) {}
}

interface Inputs {
  record: FeatureExtractionRecord;
  sae: SaeRecord;
  imported: ImportedSae;
  tokenization: TokenizationRecord;
  model: ModelRecord;
  windows: StoredTokenWindows;
  tokenizer: TextTokenizer;
  bytes: ModelBytes;
  graph: ModelProto;
}

async function loadInputs(extractionId: string, blobs: BlobStore): Promise<Inputs> {
  const record = await featureExtractionRepo.get(extractionId);
  if (!record) throw new AssetGoneError('The feature extraction no longer exists.');
  const sae = await saeRepo.get(record.saeId);
  if (!sae) throw new AssetGoneError('The SAE of this extraction no longer exists.');
  const tokenization = await tokenizationRepo.get(record.tokenizationId);
  if (!tokenization) throw new ExtractionSourceError('The tokenized dataset of this extraction no longer exists.', 'Start a new extraction with another tokenized dataset.');
  const model = await modelRepo.get(record.modelId ?? tokenization.modelId);
  if (!model) throw new ExtractionSourceError('The model of this extraction no longer exists.', 'Import the model again, tokenize the dataset with it, and start a new extraction.');
  let imported: ImportedSae;
  try {
    const weights = new Uint8Array(await (await blobs.read(sae.blobKey)).arrayBuffer());
    imported = readSaeLensFolder(JSON.stringify(sae.cfg), weights);
  } catch (cause) {
    throw new ExtractionSourceError(`The SAE "${sae.name}" cannot be read: ${cause instanceof Error ? cause.message : String(cause)}`, 'Import the SAE again.');
  }
  const windows = await openStoredWindows(tokenization, blobs);
  const tokenizer = await loadModelTokenizer(model, blobs);
  const bytes = await readModelBytes(model, blobs);
  return { record, sae, imported, tokenization, model, windows, tokenizer, bytes, graph: decodeModel(bytes.graph) };
}

/** Token windows `ids` (sorted) read with as few range reads as possible. */
async function readWindowList(windows: StoredTokenWindows, ids: readonly number[]) {
  const tokens = allocTokens(windows.dtype, ids.length * windows.contextLength);
  const lengths = windows.hasLengths ? new Uint32Array(ids.length) : null;
  let at = 0;
  for (const run of contiguousRuns(ids)) {
    const range = await windows.read(run.start, run.end);
    tokens.set(range.tokens, at * windows.contextLength);
    if (lengths && range.lengths) lengths.set(range.lengths, at);
    at += run.end - run.start;
  }
  return { tokens, lengths };
}

/** Display text of each real token of a window, decoded with its left context. */
function windowPieces(tokenizer: TextTokenizer, ids: ArrayLike<number>): string[] {
  return tokenSpans(Array.from(ids), tokenizer).spans.map((s) => s.piece);
}

/** The logit effects of every latent, or null (and why) when the model's unembedding does not fit the SAE. */
async function computeLogitEffects(engine: FeatureEngine, inputs: Inputs): Promise<{ effects: LogitEffects[] | null; note: string }> {
  const { imported, graph, bytes } = inputs;
  let u;
  try {
    u = unembedding(graph, new Map(bytes.externalData.map((f) => [f.path, f.data])));
  } catch (error) {
    if (error instanceof OnnxGraphError) return { effects: null, note: `no logit effects (${error.message})` };
    throw error;
  }
  if (u.dModel !== imported.d_in) return { effects: null, note: `no logit effects (the SAE reads ${imported.d_in} values per token; the unembedding takes ${u.dModel})` };
  const input = { W_dec: imported.params.W_dec, W_U: u.weight, dSae: imported.d_sae, dIn: imported.d_in, vocab: u.vocabSize, ...(u.finalNorm.scale ? { gamma: u.finalNorm.scale } : {}) };
  return { effects: await engine.logitEffects(input, LOGIT_EFFECT_TOKENS), note: '' };
}

async function* detailsChunks(header: FeatureDetailsHeader, stats: FeatureStatsState, effects: LogitEffects[] | null): AsyncGenerator<Uint8Array> {
  yield encodeDetailsHeader(header);
  const bins = stats.histogramBins.bins;
  for (let start = 0; start < stats.dSae; start += LATENT_CHUNK) {
    const parts: Uint8Array[] = [];
    for (let j = start; j < Math.min(stats.dSae, start + LATENT_CHUNK); j++) {
      const histogram = [stats.tokens - stats.fired[j]!];
      for (let b = 0; b < bins; b++) histogram.push(stats.histogram[j * bins + b]!);
      const e = effects?.[j];
      parts.push(encodeLatentRecord(header, { histogram, promoted: e?.promoted ?? [], suppressed: e?.suppressed ?? [] }));
    }
    const out = new Uint8Array(parts.reduce((n, p) => n + p.byteLength, 0));
    let at = 0;
    for (const p of parts) {
      out.set(p, at);
      at += p.byteLength;
    }
    yield out;
  }
}

export async function runExtractFeatures(ctx: JobContext<unknown>, deps: ExtractFeaturesDeps): Promise<JobOutcome> {
  const { extractionId } = parseExtractFeaturesParams(ctx.job.params);
  const { blobs } = deps;
  const asset = access(extractionId);
  let engine: FeatureEngine | null = null;
  let runner: ActivationRunner | null = null;
  try {
    await enterRunning(asset, 'feature extraction');
    await ctx.reportProgress({ phase: 'loading', done: 0, total: 0, message: 'Loading the SAE, the model and the tokenized dataset' });
    const inputs = await loadInputs(extractionId, blobs);
    const { record, imported, windows, tokenizer } = inputs;
    if (!record.settings) throw new ExtractionSourceError('This extraction has no settings.', 'Start a new extraction from a template.');
    const settings = checkExtractionSettings(record.settings);
    const hook = record.hook ?? inputs.sae.hook;
    if (!hook) throw new ExtractionSourceError('It is not known which hook of the model this SAE reads.', 'Start the extraction again and choose the hook.');
    runner = await openRunner(inputs, hook, deps);
    const dSae = imported.d_sae;
    const dIn = imported.d_in;
    const plan: ExtractionPlan = planExtraction({
      windowCount: runner.coveredWindows ?? windows.count,
      contextLength: windows.contextLength,
      settings,
      dSae,
      maxEncodeRows: deps.maxEncodeRows(dSae, dIn),
      ...(deps.contextBudget !== undefined ? { contextBudget: deps.contextBudget } : {}),
    });
    const cfg = { architecture: imported.architecture, apply_b_dec_to_input: imported.apply_b_dec_to_input, d_in: dIn, d_sae: dSae, ...(imported.k !== undefined ? { k: imported.k } : {}) };
    engine = deps.engine({ cfg, params: imported.params, maxRows: plan.rowsPerEncode, topK: settings.topK });
    const filters = settings.tokenFilters;
    const excludedIds = filters
      ? excludedVocabulary(
          tokenizer.vocabSize,
          (id) => tokenizer.decode([id]),
          [tokenizer.bosId, tokenizer.eosId, tokenizer.padId].filter((id): id is number => id !== null),
          filters,
        )
      : undefined;

    const work: ExtractionWork = initialWork(plan, dSae);
    const throttle = new ProgressThrottle((u) => ctx.reportProgress(u), deps.progressIntervalMs ?? 250);
    const lengths = new WindowLengths(plan.batches, windows.contextLength);
    const activeEngine = engine;
    const activeRunner = runner;

    // saved progress of a paused or interrupted run of this extraction
    const resumeKey = resumeKeyOf(extractionId);
    const planSignature = { windows: plan.windows, batches: plan.batches.length, passes: plan.passes.length, dSae };
    const saved = await savedProgress(blobs, resumeKey, planSignature);
    const from: ResumePosition = saved?.position ?? { phase: 'data', pass: 0, batch: 0 };
    let stats: FeatureStatsState | null = null;
    let samples: QuantileSamplerState | null = saved?.samples ?? null;
    if (saved) {
      // the first pass records the windows' lengths; the batches it already ran are read again for them
      const recorded = from.phase === 'data' && from.pass === 0 ? from.batch : plan.batches.length;
      if (windows.hasLengths) {
        for (const batch of plan.batches.slice(0, recorded)) {
          const range = await windows.read(batch.start, batch.end);
          if (range.lengths) lengths.record(batch.start, range.lengths);
        }
      }
      if (from.phase === 'data' && from.pass === 0) activeEngine.loadStats(saved.stats);
      else stats = saved.stats;
    }
    let lastSaved = Date.now();
    const saveProgress = async (position: ResumePosition) => {
      const inFirstPass = position.phase === 'data' && position.pass === 0;
      const inSampling = position.phase === 'data' && plan.passes[position.pass] === 'sampling';
      const now: ExtractionResume = { plan: planSignature, position, stats: inFirstPass ? await activeEngine.readStats() : stats! };
      const drawn = inSampling ? await activeEngine.readSamples() : samples;
      if (drawn) now.samples = drawn;
      await blobs.write(resumeKey, encodeExtractionResume(now));
      lastSaved = Date.now();
    };
    /** Between model runs: stop when asked (saving where the run stands on pause), and save now and then. */
    const checkStop = async (position: ResumePosition) => {
      const stop = ctx.shouldStop();
      if (stop !== null) {
        if (stop === 'pause') await saveProgress(position);
        throw new Stopped(stop);
      }
      if (Date.now() - lastSaved >= RESUME_EVERY_MS) await saveProgress(position);
    };

    /** Runs windows through the model and hands each encoded slice to `use`. */
    const encodeWindows = async (ids: readonly number[], tokens: TokenArray, lens: Uint32Array | null, use: (rows: number, slice: RunRows) => Promise<void> | void) => {
      const rows = runRows(ids, tokens, windows.contextLength, lens, excludedIds);
      const { x, dIn: width } = await activeRunner.run({ ids, tokens, lengths: lens, contextLength: windows.contextLength });
      if (width !== dIn) {
        throw new ExtractionSourceError(`The hook "${hook}" gives ${width} values per token; the SAE reads ${dIn}.`, 'Choose the hook (and model) the SAE was trained on.');
      }
      for (let from = 0; from < rows.windows.length; from += plan.rowsPerEncode) {
        const to = Math.min(rows.windows.length, from + plan.rowsPerEncode);
        activeEngine.encode(x.subarray(from * dIn, to * dIn), to - from);
        const slice = sliceRows(rows, from, to);
        await use(to - from, { ...slice, tokenIds: rows.tokenIds.subarray(from, to) });
      }
    };

    // passes over the data: statistics, then (with quantile examples) sampling
    const firstPass = from.phase === 'data' ? from.pass : plan.passes.length;
    for (let pass = firstPass; pass < plan.passes.length; pass++) {
      const kind = plan.passes[pass]!;
      const firstBatch = from.phase === 'data' && pass === from.pass ? from.batch : 0;
      if (kind === 'sampling') {
        const edges = bandEdgesFromHistogram(stats!.histogram, stats!.histogramBins, plan.quantile!.bands);
        activeEngine.beginSampling(edges, plan.quantile!.perBand, QUANTILE_SEED);
        if (firstBatch > 0 && samples) activeEngine.loadSamples(samples);
      }
      let windowsDone = plan.batches.slice(0, firstBatch).reduce((n, b) => n + b.end - b.start, 0);
      for (let b = firstBatch; b < plan.batches.length; b++) {
        const batch = plan.batches[b]!;
        await checkStop({ phase: 'data', pass, batch: b });
        const range = await windows.read(batch.start, batch.end);
        if (pass === 0 && range.lengths) lengths.record(batch.start, range.lengths);
        const ids = Array.from({ length: batch.end - batch.start }, (_, i) => batch.start + i);
        await encodeWindows(ids, range.tokens, range.lengths, (rows, slice) => (kind === 'statistics' ? activeEngine.addStats(rows, slice) : activeEngine.addSamples(rows, slice)));
        windowsDone += batch.end - batch.start;
        await throttle.maybe(() => ({
          phase: kind,
          done: dataPassDone(plan, pass, windowsDone),
          total: totalWork(work),
          message: `Pass ${pass + 1} of ${plan.passes.length + 1}: ${kind === 'statistics' ? 'statistics and top examples' : 'quantile examples'} · ${formatCount(windowsDone)} of ${formatCount(plan.windows)} windows`,
        }));
      }
      if (kind === 'statistics') stats = await activeEngine.readStats();
      else samples = await activeEngine.readSamples();
    }
    if (!stats) throw new ExtractionSourceError('The statistics pass produced nothing.', 'Start the extraction again.');

    // logit effects, then the details blob (histograms and logit effects per latent)
    await throttle.flush({ phase: 'logit effects', done: work.dataWindows, total: totalWork(work), message: 'Logit effects through the unembedding' });
    const logit = await computeLogitEffects(activeEngine, inputs);
    const header: FeatureDetailsHeader = { dSae, bins: stats.histogramBins.bins, topN: LOGIT_EFFECT_TOKENS, histogram: stats.histogramBins.spec };
    const detailsKey = detailsKeyOf(extractionId);
    await blobs.write(detailsKey, detailsChunks(header, stats, logit.effects));
    // recorded now: feature rows rewritten by the context passes point at this run and show its details,
    // even if the run stops before the last pass
    await featureExtractionRepo.update(extractionId, { detailsKey });

    // context passes: per chunk of latents, re-encode just the windows holding their examples (a resumed run
    // keeps the chunks it finished; example ids are fixed, so a chunk done again replaces its own rows)
    const firstChunk = from.phase === 'contexts' ? from.chunk : 0;
    if (firstChunk === 0) await deleteExamplesOf(record.saeId);
    const spec = { prefix: settings.contextPrefix, suffix: settings.contextSuffix };
    const quantile = plan.quantile ? { bands: plan.quantile.bands, wanted: settings.quantileExamples } : null;
    const reportOpts = { denseThreshold: DENSE_THRESHOLD, ...(samples ? { samples } : {}) };
    const chunks = contextPassLatents(plan, dSae);
    for (let c = 0; c < chunks.length; c++) {
      const chunk = chunks[c]!;
      if (c >= firstChunk) await checkStop({ phase: 'contexts', chunk: c });
      const latentStats = [];
      for (let j = chunk.start; j < chunk.end; j++) latentStats.push(featureStatsOf(stats, j, reportOpts));
      const contextPlan = new ContextPlan(
        latentStats.flatMap((s) => exampleRefsOf(s, quantile)),
        (w) => lengths.get(w),
        spec,
      );
      work.contextWindows[c] = contextPlan.windows.length;
      if (c < firstChunk) continue;
      const byWindow = requestsByWindow(contextPlan);
      const tops = new Map<number, NewExampleRecord[]>();
      let pending: NewExampleRecord[] = [];
      let windowsDone = 0;
      for (const ids of windowBatches(contextPlan.windows, settings.batchSize)) {
        await checkStop({ phase: 'contexts', chunk: c });
        const { tokens, lengths: lens } = await readWindowList(windows, ids);
        await encodeWindows(ids, tokens, lens, async (_rows, slice) => {
          const list = contextPlan.gatherList(slice);
          if (list.latents.length > 0) contextPlan.fill(list.targets, await activeEngine.gather(list));
        });
        ids.forEach((w, i) => {
          const length = lens ? Math.min(windows.contextLength, lens[i]!) : windows.contextLength;
          const pieces = windowPieces(tokenizer, tokens.subarray(i * windows.contextLength, i * windows.contextLength + length));
          for (const request of byWindow.get(w) ?? []) {
            const example = exampleRecordOf(record.saeId, contextPlan, request, pieces);
            pending.push(example);
            if (example.kind === 'top') {
              const list = tops.get(example.featureIndex);
              if (list) list.push(example);
              else tops.set(example.featureIndex, [example]);
            }
          }
        });
        if (pending.length >= EXAMPLE_WRITE_BATCH) {
          await putExamples(pending);
          pending = [];
        }
        windowsDone += ids.length;
        await throttle.maybe(() => ({
          phase: 'contexts',
          done: contextPassDone(work, c, windowsDone),
          total: totalWork(work),
          message: `Pass ${plan.passes.length + 1} of ${plan.passes.length + 1}: example contexts${chunks.length > 1 ? ` (part ${c + 1} of ${chunks.length})` : ''} · ${formatCount(windowsDone)} of ${formatCount(contextPlan.windows.length)} windows`,
        }));
      }
      await putExamples(pending);
      const rows = latentStats.map((s) => featureRowStats(s, topTokensOf(tops.get(s.index) ?? []), extractionId));
      for (let i = 0; i < rows.length; i += LATENT_CHUNK) await saveFeatureStats(record.saeId, rows.slice(i, i + LATENT_CHUNK));
    }

    const flags = deadAndDense(stats, DENSE_THRESHOLD);
    const summary = extractionSummary(dSae, flags, DENSE_THRESHOLD);
    await forgetOlderDetails(record, blobs);
    await setFeatureExtractionStatus(extractionId, 'ready', { tokens: stats.tokens, windows: plan.windows, detailsKey, summary, finishedAt: Date.now() });
    await blobs.delete(resumeKey);
    const note = logit.note ? ` · ${logit.note}` : '';
    return {
      status: 'completed',
      message: `${formatCount(dSae)} features over ${formatCount(stats.tokens)} tokens: ${formatCount(summary.dead)} dead, ${formatCount(summary.dense)} dense${note}.`,
    };
  } catch (error) {
    if (error instanceof Stopped) {
      await settleStopped(extractionId, error.request);
      if (error.request !== 'pause') await blobs.delete(resumeKeyOf(extractionId));
      return { status: 'stopped' };
    }
    if (error instanceof AssetGoneError) return { status: 'stopped' };
    await blobs.delete(resumeKeyOf(extractionId)).catch(() => undefined);
    await recordFailure(asset, error);
    throw error;
  } finally {
    engine?.destroy();
    await runner?.release().catch(() => undefined);
  }
}

/** The activations: the extraction's activation cache, or the model run on the fly. */
async function openRunner(inputs: Inputs, hook: string, deps: ExtractFeaturesDeps): Promise<ActivationRunner> {
  const { record, windows } = inputs;
  if (record.cacheId) {
    const cache = await activationCacheRepo.get(record.cacheId);
    if (!cache) throw new ExtractionSourceError('The activation cache of this extraction was deleted.', 'Start a new extraction that runs the model instead.');
    if (cache.hook !== hook || cache.tokenizationId !== record.tokenizationId) {
      throw new ExtractionSourceError(`The activation cache holds ${cache.hook} of another tokenized dataset or hook than this extraction reads.`, 'Pick a cache of the SAE’s hook over the same tokenized dataset.');
    }
    return cacheActivationRunner(cache, windows, deps.blobs);
  }
  // the hooks found from the graph's structure, as the model's stored analysis has them
  const found = findHookPoints(inputs.graph);
  const hooks = found.ok ? { ok: true as const, layers: found.layers, points: found.hookPoints } : { ok: false as const, reason: found.reason };
  return deps.modelRunner(inputs.bytes, hookTensor({ hooks, tensors: found.tensors }, hook));
}

async function settleStopped(extractionId: string, request: StopRequest): Promise<void> {
  const row = await featureExtractionRepo.get(extractionId);
  if (!row || row.status !== 'running') return;
  if (request === 'pause') await setFeatureExtractionStatus(extractionId, 'pending');
  else await setFeatureExtractionStatus(extractionId, 'failed', { error: 'The extraction was cancelled.', errorAction: 'Start a new extraction when you want one.' });
}

/** Earlier runs' details blobs of the same SAE: their feature rows are replaced, so their details go too. */
async function forgetOlderDetails(record: FeatureExtractionRecord, blobs: BlobStore): Promise<void> {
  for (const older of await extractionsOf(record.saeId)) {
    if (older.id === record.id || !older.detailsKey) continue;
    await blobs.delete(older.detailsKey);
    await featureExtractionRepo.update(older.id, { detailsKey: undefined });
  }
}
