import { describe, expect, it } from 'vitest';
import { DEFAULT_GENERATION_PARAMS } from '../../../src/lm/generate';
import { ablationRequest, emptyForm, featuresFromQuery, formFromRequest, generationFields, generationRequest } from '../../../src/pages/steering/form';

describe('the Steering page form', () => {
  it('turns typed text into a generation request, numbers and stop sequences included', () => {
    const form = {
      ...emptyForm(),
      modelId: 'm',
      saeId: 's',
      prompt: 'Hello',
      features: [{ index: 3, coefficient: 40, label: 'cats' }],
      generation: { ...generationFields(), maxNewTokens: '12', temperature: ' 0 ', topK: 'abc', stopSequences: 'END\n\\n\\n' },
    };
    const request = generationRequest(form);
    expect(request).toMatchObject({ modelId: 'm', saeId: 's', prompt: 'Hello', mode: 'compare', features: [{ index: 3, coefficient: 40 }] });
    expect(request.generation).toMatchObject({ maxNewTokens: 12, temperature: 0, topK: 'abc', stopSequences: ['END', '\n\n'] });
    expect(request.strengths).toBeUndefined();
    expect(generationRequest({ ...form, mode: 'sweep', strengths: '−100, 0 100' }).strengths).toEqual([-100, 0, 100]);
  });

  it('refills from a request, escapes stop sequences back', () => {
    const form = formFromRequest(
      { modelId: 'm', saeId: 's', prompt: 'P', prependBos: true, mode: 'sweep', features: [{ index: 1, coefficient: 5 }], strengths: [-10, 10], generation: { stopSequences: ['\n'], seed: 7 } },
      new Map([[1, 'one']]),
    );
    expect(form).toMatchObject({ prependBos: true, mode: 'sweep', strengths: '-10, 10', features: [{ index: 1, coefficient: 5, label: 'one' }] });
    expect(form.generation).toMatchObject({ stopSequences: '\\n', seed: '7', maxNewTokens: String(DEFAULT_GENERATION_PARAMS.maxNewTokens) });
  });

  it('reads features from a link and builds ablation requests', () => {
    expect(featuresFromQuery('12,40:-80,12,x,7:1,8,9')).toEqual([
      { index: 12, coefficient: 50 },
      { index: 40, coefficient: -80 },
      { index: 7, coefficient: 1 },
      { index: 8, coefficient: 50 },
    ]);
    expect(featuresFromQuery(undefined)).toEqual([]);
    const request = ablationRequest({ ...emptyForm(), prompt: 'x' }, [{ index: 1, action: 'ablate', value: 0 }, { index: 2, action: 'clamp', value: 3 }], false);
    expect(request).toMatchObject({ ablate: [1], clamp: [{ index: 2, value: 3 }], keepError: false });
  });
});
