// Sampling settings for a run: length, temperature, top-k, top-p, repetition penalty, seed, stop sequences
// and samples per variant. Values are kept as typed; the run's checks name any that are wrong.
import { For } from 'solid-js';
import { GENERATION_LIMITS } from '../../lm/generate';
import type { GenerationFields } from './form';

const FIELDS: readonly { key: Exclude<keyof GenerationFields, 'stopSequences'>; label: string; help: string; step: string }[] = [
  { key: 'maxNewTokens', label: 'Max new tokens', help: `Tokens to generate (${GENERATION_LIMITS.maxNewTokens.min}–${GENERATION_LIMITS.maxNewTokens.max}); EOS, a stop sequence or the context length end it sooner.`, step: '1' },
  { key: 'temperature', label: 'Temperature', help: '0 always takes the most likely token; higher values sample more freely.', step: '0.05' },
  { key: 'topK', label: 'Top-k', help: 'Sample only among the k most likely tokens (0: all).', step: '1' },
  { key: 'topP', label: 'Top-p', help: 'Sample only among the most likely tokens whose probabilities add up to p (1: all).', step: '0.01' },
  { key: 'repetitionPenalty', label: 'Repetition penalty', help: '1 is none; above 1, tokens already in the text become less likely.', step: '0.05' },
  { key: 'seed', label: 'Seed', help: 'Sample i uses seed + i, the same for every variant, so differences come from steering.', step: '1' },
  { key: 'samples', label: 'Samples', help: `Outputs per variant (${GENERATION_LIMITS.samples.min}–${GENERATION_LIMITS.samples.max}).`, step: '1' },
];

export function GenerationSettings(props: { values: GenerationFields; onChange: (key: keyof GenerationFields, value: string) => void }) {
  return (
    <fieldset class="form-group generation-settings" data-testid="generation-settings">
      <legend>Generation</legend>
      <div class="settings-grid">
        <For each={FIELDS}>
          {(field) => (
            <label class="field" title={field.help}>
              <span>{field.label}</span>
              <input
                type="number"
                step={field.step}
                data-testid={`gen-${field.key}`}
                value={props.values[field.key]}
                onInput={(e) => props.onChange(field.key, e.currentTarget.value)}
              />
            </label>
          )}
        </For>
      </div>
      <label class="field">
        <span>Stop sequences</span>
        <textarea
          rows="2"
          placeholder="one per line; write a newline as \n"
          data-testid="gen-stopSequences"
          value={props.values.stopSequences}
          onInput={(e) => props.onChange('stopSequences', e.currentTarget.value)}
        />
      </label>
    </fieldset>
  );
}
