// Tokens shaded by a latent's activation (background alpha ∝ act / max, warm for positive, cool for negative),
// with the value on hover. Dataset text is rendered strictly as text nodes, never as HTML, so markup in a
// sample shows as characters; whitespace and control characters are made visible (see token-shading.ts).
import { For } from 'solid-js';
import { activationScale, shadeColor, tokenTitle, visibleToken } from './token-shading';

export interface TokenTextProps {
  tokens: readonly string[];
  /** one per token */
  activations: readonly number[];
  /** the activation shown at full colour; default: the largest |activation| of this row */
  max?: number;
  /** index of the example's own token, outlined */
  focus?: number;
  class?: string;
}

export function TokenText(props: TokenTextProps) {
  const max = () => props.max ?? activationScale(props.activations);
  return (
    <span class={props.class ? `token-text ${props.class}` : 'token-text'} style={{ 'font-family': 'var(--mono)', 'white-space': 'pre-wrap', 'line-height': '1.9' }}>
      <For each={props.tokens}>
        {(token, i) => {
          const act = () => props.activations[i()] ?? 0;
          return (
            <span
              class="token"
              title={tokenTitle(token, act())}
              style={{
                'background-color': shadeColor(act(), max()),
                'border-radius': '3px',
                padding: '1px 0',
                outline: i() === props.focus ? '1px solid var(--accent)' : undefined,
              }}
            >
              {visibleToken(token)}
            </span>
          );
        }}
      </For>
    </span>
  );
}
