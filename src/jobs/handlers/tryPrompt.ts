// 'try-prompt' in the GPU worker: one forward pass of a stored model on a prompt (WebGPU on the worker's
// device, or WebAssembly without WebGPU). The result is kept as the model's last prompt (a setting) for
// the model card to show.
import { LmSession } from '../../lm/runner/lm-session';
import { webOrt } from '../../lm/runner/ort-web';
import { tryPrompt } from '../../lm/runner/prompt';
import { lastPromptKey } from '../../services/models/prompt-results';
import { readModelBytes } from '../../services/models/model-files';
import { loadModelTokenizer } from '../../services/tokenization/model-tokenizer';
import { openBlobStore } from '../../store/open-blob-store';
import { modelRepo } from '../../store/repos/models';
import { setSetting } from '../../store/repos/settings';
import type { JobHandler } from '../handlers';
import type { GpuLaneEnv } from '../gpuLane';
import { deviceOrCpu } from './extractActivations';

export interface TryPromptParams {
  modelId: string;
  prompt: string;
  topK: number;
}

export class TryPromptParamsError extends Error {
  override readonly name = 'TryPromptParamsError';
  readonly action = 'Type the prompt again on the model card.';
}

export function parseTryPromptParams(value: unknown): TryPromptParams {
  if (typeof value === 'object' && value !== null && 'modelId' in value && 'prompt' in value && typeof value.modelId === 'string' && typeof value.prompt === 'string') {
    const topK = 'topK' in value && typeof value.topK === 'number' && value.topK >= 1 ? Math.min(50, Math.floor(value.topK)) : 10;
    return { modelId: value.modelId, prompt: value.prompt, topK };
  }
  throw new TryPromptParamsError('This prompt job has no model or prompt.');
}

export const tryPromptHandler: JobHandler<GpuLaneEnv> = async (ctx) => {
  const params = parseTryPromptParams(ctx.job.params);
  const blobs = await openBlobStore();
  const model = await modelRepo.require(params.modelId);
  await ctx.reportProgress({ phase: 'loading', done: 0, total: 2, message: 'Loading the model' });
  const tokenizer = await loadModelTokenizer(model, blobs);
  const { graph, externalData } = await readModelBytes(model, blobs);
  const device = await deviceOrCpu(ctx.env);
  const session = await LmSession.create(webOrt(), graph, { ...(device ? { device } : {}), externalData });
  try {
    await ctx.reportProgress({ phase: 'running', done: 1, total: 2, message: 'Running the prompt' });
    const result = await tryPrompt(session, tokenizer, params.prompt, { topK: params.topK, ...(model.info?.contextLength ? { contextLength: model.info.contextLength } : {}) });
    await setSetting(lastPromptKey(params.modelId), result);
    const best = result.next[0];
    const where = result.backend === 'wasm' ? ' on the CPU (WebGPU not available)' : '';
    return { status: 'completed', message: `${result.tokens.length} tokens; most likely next: ${JSON.stringify(best?.text ?? '')} (${((best?.probability ?? 0) * 100).toFixed(1)}%)${where}` };
  } finally {
    await session.release();
  }
};
