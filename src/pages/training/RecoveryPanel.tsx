// Synthetic runs: how well the decoder matches the true feature directions — MMCS, the share recovered, and
// the learned-vs-true cosine heat map (features down, latents across, best matches on the diagonal).
import { Show } from 'solid-js';
import { Heatmap } from '../../components/Heatmap';
import type { RecoverySnapshot } from '../../domain/entities';

export function RecoveryPanel(props: { snapshot: RecoverySnapshot | undefined; totalFeatures: number; dSae: number }) {
  return (
    <section class="card" data-testid="recovery">
      <h2>Recovered features</h2>
      <Show
        when={props.snapshot}
        fallback={<p class="muted small">The comparison with the true features appears after the first evaluation.</p>}
      >
        {(s) => (
          <>
            <p class="small">
              At step {s().step.toLocaleString('en')}: MMCS <strong data-testid="recovery-mmcs">{s().mmcs.toFixed(3)}</strong> ·{' '}
              <strong>{Math.round(s().recovered * 100)}%</strong> of {props.totalFeatures} true features have a latent with cosine ≥ 0.9.
            </p>
            <Heatmap
              rows={s().features}
              cols={s().latents}
              values={s().cosines}
              min={-1}
              max={1}
              rowLabel="feature"
              colLabel="latent"
              testId="recovery-heatmap"
              cellSize={Math.max(4, Math.min(28, Math.floor(640 / Math.max(1, s().latents))))}
              describe={(row, col, v) => `true feature ${row} · latent ${s().columnLatents[col]} · cosine ${v.toFixed(3)}`}
            />
            <p class="muted small">
              Rows: true features{s().features < props.totalFeatures ? ` (first ${s().features})` : ''}. Columns: latents
              {s().latents < props.dSae ? ` (${s().latents} of ${props.dSae})` : ''}, each feature’s best match first; the rest follow.
            </p>
          </>
        )}
      </Show>
    </section>
  );
}
