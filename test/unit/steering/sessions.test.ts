// Model sessions kept between steering jobs: reused for the same model and hook, replaced for another,
// released after an idle minute.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { IDLE_RELEASE_MS, releaseModelSessions, sessionsIdle, splicedModel, steeredModel } from '../../../src/jobs/handlers/generateSessions';
import { D, hookTensor, model, ort } from './helpers';

const request = (hook: string, modelKey = 'tiny@1') => ({ modelKey, graph: model(), externalData: [], hookTensor: hookTensor(hook), width: D });
const source = { ort, device: undefined };

afterEach(async () => {
  vi.useRealTimers();
  await releaseModelSessions();
});

describe('steering sessions', () => {
  it('reuses sessions for the same model and hook, and loads again for another', async () => {
    const a = await steeredModel(source, request('blocks.0.hook_resid_post'));
    expect(a.backend).toBe('wasm');
    expect((await steeredModel(source, request('blocks.0.hook_resid_post'))).lm).toBe(a.lm);
    const spliced = await splicedModel(source, request('blocks.0.hook_resid_post'));
    expect((await splicedModel(source, request('blocks.0.hook_resid_post'))).lm).toBe(spliced.lm);
    expect((await steeredModel(source, request('blocks.1.hook_resid_post'))).lm).not.toBe(a.lm);
    expect((await steeredModel(source, request('blocks.1.hook_resid_post', 'tiny@2'))).lm).not.toBe(a.lm);
  });

  it('releases them after an idle minute unless another job takes them first', async () => {
    vi.useFakeTimers();
    const first = await steeredModel(source, request('blocks.0.hook_resid_post'));
    sessionsIdle();
    vi.advanceTimersByTime(IDLE_RELEASE_MS / 2);
    expect((await steeredModel(source, request('blocks.0.hook_resid_post'))).lm).toBe(first.lm);
    sessionsIdle();
    await vi.advanceTimersByTimeAsync(IDLE_RELEASE_MS + 1);
    expect((await steeredModel(source, request('blocks.0.hook_resid_post'))).lm).not.toBe(first.lm);
  });
});
