import { describe, expect, it } from 'vitest';
import {
  applyRepetitionPenalty,
  DEFAULT_GENERATION_PARAMS,
  drawToken,
  findStop,
  generate,
  GenerationParamsError,
  parseGenerationParams,
  parseStopSequences,
  pendingStopLength,
  PromptTooLongError,
  sampleToken,
  samplingDistribution,
  visibleText,
  type GenerationParams,
  type GenerationState,
  type NextTokenLogits,
} from '../../../src/lm/generate';
import { Prng } from '../../../src/sae/prng';

const params = (over: Partial<GenerationParams> = {}): GenerationParams => ({ ...DEFAULT_GENERATION_PARAMS, ...over });
const NO_PENALTY = { temperature: 1, topK: 0, topP: 1, repetitionPenalty: 1 };

describe('sampling', () => {
  it('repetition penalty makes seen tokens less likely whatever the sign of their logit', () => {
    const out = applyRepetitionPenalty([2, -2, 1, 3], [0, 1, 1], 2);
    expect(Array.from(out)).toEqual([1, -4, 1, 3]);
    expect(Array.from(applyRepetitionPenalty([2, -2], [0, 1], 1))).toEqual([2, -2]);
  });

  it('temperature 1 without filters is the softmax, most likely first', () => {
    const logits = [0, Math.log(3), Math.log(6)];
    const dist = samplingDistribution(logits, [], NO_PENALTY);
    expect(dist.ids).toEqual([2, 1, 0]);
    dist.probs.forEach((p, i) => expect(p).toBeCloseTo([0.6, 0.3, 0.1][i] ?? 0, 12));
  });

  it('temperature sharpens, top-k and top-p cut the tail and renormalise', () => {
    const logits = [0, Math.log(3), Math.log(6)];
    const cold = samplingDistribution(logits, [], { ...NO_PENALTY, temperature: 0.5 });
    expect(cold.probs[0]).toBeCloseTo(36 / 46, 12);
    const topK = samplingDistribution(logits, [], { ...NO_PENALTY, topK: 2 });
    expect(topK.ids).toEqual([2, 1]);
    expect(topK.probs[0]).toBeCloseTo(2 / 3, 12);
    // 0.6 < 0.8 ≤ 0.9: the first two tokens reach p
    const topP = samplingDistribution(logits, [], { ...NO_PENALTY, topP: 0.8 });
    expect(topP.ids).toEqual([2, 1]);
    expect(samplingDistribution(logits, [], { ...NO_PENALTY, topP: 0.5 }).ids).toEqual([2]);
  });

  it('temperature 0 is greedy and draws nothing from the generator', () => {
    const prng = new Prng(1);
    const before = prng.getState();
    expect(sampleToken([0.1, 5, 0.2, 4.9], [], { ...NO_PENALTY, temperature: 0 }, prng)).toBe(1);
    expect(prng.getState()).toEqual(before);
    // the penalty applies before the greedy pick
    expect(sampleToken([0.1, 5, 0.2, 4.9], [1], { ...NO_PENALTY, temperature: 0, repetitionPenalty: 1.5 }, prng)).toBe(3);
  });

  it('draws follow the distribution', () => {
    const dist = { ids: [7, 3, 9], probs: [0.5, 0.3, 0.2] };
    const prng = new Prng(5);
    const counts = new Map<number, number>();
    const n = 20_000;
    for (let i = 0; i < n; i++) {
      const id = drawToken(dist, prng.uniform());
      counts.set(id, (counts.get(id) ?? 0) + 1);
    }
    dist.ids.forEach((id, i) => expect(Math.abs((counts.get(id) ?? 0) / n - (dist.probs[i] ?? 0))).toBeLessThan(0.015));
    expect(drawToken(dist, 0.9999999999)).toBe(9);
  });
});

describe('stop sequences', () => {
  it('finds the earliest stop and holds back a stop still forming', () => {
    expect(findStop('hello\n\nworld END', ['END', '\n\n'])).toBe(5);
    expect(findStop('hello', ['x', ''])).toBe(-1);
    expect(pendingStopLength('the EN', ['END'])).toBe(2);
    expect(pendingStopLength('the E', ['END', 'Eve'])).toBe(1);
    expect(visibleText('the EN', ['END'])).toBe('the ');
    expect(visibleText('the', [])).toBe('the');
  });

  it('reads one stop sequence per line with escapes', () => {
    expect(parseStopSequences('END\n\\n\\n\n\nfoo')).toEqual(['END', '\n\n', 'foo']);
  });
});

describe('parseGenerationParams', () => {
  it('fills defaults and keeps what is given', () => {
    expect(parseGenerationParams({})).toEqual(DEFAULT_GENERATION_PARAMS);
    expect(parseGenerationParams({ temperature: 0, samples: 3, stopSequences: ['', '.'] })).toMatchObject({ temperature: 0, samples: 3, stopSequences: ['.'] });
  });

  it('lists every problem by field', () => {
    try {
      parseGenerationParams({ maxNewTokens: 0, topP: 2, seed: -1, topK: 1.5, stopSequences: 'x' });
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(GenerationParamsError);
      expect((e as GenerationParamsError).problems.map((p) => p.field)).toEqual(['maxNewTokens', 'topK', 'topP', 'seed', 'stopSequences']);
    }
  });
});

/** A toy model over letters a–e (ids 0–4, EOS 5): likes the letter after the last one. */
function toyModel(calls: number[][] = []): NextTokenLogits {
  return {
    async next(ids) {
      calls.push([...ids]);
      const logits = new Float32Array(6).fill(0);
      logits[((ids[ids.length - 1] ?? 0) + 1) % 6] = 4;
      return logits;
    },
  };
}
const letters = (ids: readonly number[]) => ids.map((i) => 'abcde'[i] ?? '?').join('');

describe('generate', () => {
  it('streams tokens greedily and stops at EOS', async () => {
    const updates: GenerationState[] = [];
    const result = await generate({
      model: toyModel(),
      promptIds: [1],
      params: params({ temperature: 0 }),
      sample: 0,
      decode: letters,
      eosId: 5,
      onUpdate: (s) => void updates.push(s),
    });
    expect(result).toMatchObject({ tokens: [2, 3, 4], text: 'cde', done: true, stopReason: 'eos' });
    expect(updates.map((u) => u.text)).toEqual(['c', 'cd', 'cde', 'cde']);
    expect(updates.map((u) => u.done)).toEqual([false, false, false, true]);
  });

  it('stops at the token budget, the context length, a stop sequence, or a stop request', async () => {
    const base = { model: toyModel(), promptIds: [0], sample: 0, decode: letters };
    expect(await generate({ ...base, params: params({ temperature: 0, maxNewTokens: 2 }) })).toMatchObject({ text: 'bc', stopReason: 'length' });
    expect(await generate({ ...base, params: params({ temperature: 0 }), contextLength: 3 })).toMatchObject({ text: 'bc', stopReason: 'context' });
    const shown: string[] = [];
    const stopped = await generate({ ...base, params: params({ temperature: 0, stopSequences: ['cd'] }), onUpdate: (s) => void shown.push(s.text) });
    expect(stopped).toMatchObject({ text: 'b', tokens: [1, 2, 3], stopReason: 'stop-sequence' });
    // "c" might start "cd": it is held back, never shown
    expect(shown).toEqual(['b', 'b', 'b']);
    let n = 0;
    expect(await generate({ ...base, params: params({ temperature: 0 }), shouldStop: () => n++ === 2 })).toMatchObject({ text: 'bc', stopReason: 'stopped' });
  });

  it('feeds the whole sequence, and sampling is reproducible by seed and resumable', async () => {
    const calls: number[][] = [];
    const sampled = params({ temperature: 1.5, topK: 0, topP: 1, repetitionPenalty: 1, maxNewTokens: 12 });
    const run = (sample: number, resume?: { tokens: number[]; prngState: number[] }) =>
      generate({ model: toyModel(calls), promptIds: [0, 1], params: sampled, sample, decode: letters, ...(resume ? { resume } : {}) });
    const a = await run(0);
    expect(calls[0]).toEqual([0, 1]);
    expect(calls[1]).toEqual([0, 1, ...a.tokens.slice(0, 1)]);
    expect((await run(0)).tokens).toEqual(a.tokens);
    const b = await run(1);
    expect(b.tokens).not.toEqual(a.tokens);
    // stop after 4 tokens, then continue from the saved state
    let partial: GenerationState | undefined;
    let count = 0;
    await generate({
      model: toyModel(),
      promptIds: [0, 1],
      params: sampled,
      sample: 0,
      decode: letters,
      onUpdate: (s) => {
        if (!s.done) partial = s;
      },
      shouldStop: () => count++ === 4,
    });
    expect(partial?.tokens.length).toBe(4);
    const resumed = await run(0, { tokens: partial?.tokens ?? [], prngState: partial?.prngState ?? [] });
    expect(resumed.tokens).toEqual(a.tokens);
  });

  it('refuses an empty prompt or one that fills the context', async () => {
    const base = { model: toyModel(), params: params(), sample: 0, decode: letters };
    await expect(generate({ ...base, promptIds: [] })).rejects.toThrow(PromptTooLongError);
    await expect(generate({ ...base, promptIds: [1, 2, 3], contextLength: 3 })).rejects.toThrow(/reads at most 3/);
  });
});
