// "Export ▾" for one SAE: its SAELens folder as a .zip (streamed from storage), or a Neuronpedia-style zip.
import { createSignal, Show } from 'solid-js';
import type { SaeRecord } from '../../domain/entities';
import { downloadExport } from '../../services/interop/download';
import { saeLensExport } from '../../services/interop/sae-export';
import { Dialog } from '../../components/Dialog';
import { ErrorText } from './ErrorText';
import './interop.css';
import { NeuronpediaExportForm } from './NeuronpediaExportDialog';

export function SaeExportMenu(props: { sae: SaeRecord }) {
  const [open, setOpen] = createSignal(false);
  const [neuronpedia, setNeuronpedia] = createSignal(false);
  const [busy, setBusy] = createSignal(false);
  const [error, setError] = createSignal<unknown>();

  const exportSaeLens = async () => {
    setOpen(false);
    setBusy(true);
    setError(undefined);
    try {
      await downloadExport(await saeLensExport(props.sae.id));
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };

  return (
    <div class="interop-menu">
      <button class="small" aria-haspopup="menu" aria-expanded={open()} disabled={busy()} onClick={() => setOpen(!open())} data-testid="sae-export-menu">
        {busy() ? 'Exporting…' : 'Export ▾'}
      </button>
      <Show when={open()}>
        <div role="menu">
          <button role="menuitem" class="small" onClick={() => void exportSaeLens()} data-testid="export-saelens-zip">
            SAELens folder (.zip)
          </button>
          <button role="menuitem" class="small" onClick={() => (setOpen(false), setNeuronpedia(true))} data-testid="export-neuronpedia">
            Neuronpedia (.zip)…
          </button>
        </div>
      </Show>
      <Show when={error() !== undefined}>
        <ErrorText error={error()} />
      </Show>
      <Dialog class="interop-dialog" open={neuronpedia()} title={`Neuronpedia export: ${props.sae.name}`} testid="neuronpedia-dialog" onClose={() => setNeuronpedia(false)}>
        <NeuronpediaExportForm sae={props.sae} onDone={() => setNeuronpedia(false)} />
      </Dialog>
    </div>
  );
}
