// "Try it" on the model card: queue a prompt for the GPU worker and read back the model's last answer.
import type { JobRecord } from '../../domain/job';
import type { PromptResult } from '../../lm/runner/prompt';
import { getSetting } from '../../store/repos/settings';
import { enqueueJob } from '../jobs';

export function lastPromptKey(modelId: string): string {
  return `model-prompt:${modelId}`;
}

function isPromptResult(value: unknown): value is PromptResult {
  return typeof value === 'object' && value !== null && 'prompt' in value && 'tokens' in value && 'next' in value && Array.isArray(value.tokens) && Array.isArray(value.next);
}

export function lastPromptResult(modelId: string): Promise<PromptResult | undefined> {
  return getSetting<PromptResult | undefined>(lastPromptKey(modelId), undefined, (v): v is PromptResult | undefined => v === undefined || isPromptResult(v));
}

export function runPrompt(modelId: string, prompt: string, topK = 10): Promise<JobRecord> {
  return enqueueJob('try-prompt', `Try a prompt`, { modelId, prompt, topK }, { resumable: false, subjectId: modelId });
}
