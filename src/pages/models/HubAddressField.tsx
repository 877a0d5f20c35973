import { createResource, createSignal, Show } from 'solid-js';
import { hubEndpoint, setHubEndpoint } from '../../services/datasets/hub';
import { ErrorNotice } from './ErrorNotice';
import { shownError, type ShownError } from './shownError';

/** The Hub address setting (shared with dataset imports): huggingface.co, a mirror, or a local server. */
export function HubAddressField() {
  const [stored, { mutate }] = createResource(hubEndpoint);
  const [draft, setDraft] = createSignal<string | null>(null);
  const [error, setError] = createSignal<ShownError | null>(null);
  const [saved, setSaved] = createSignal(false);
  const value = () => draft() ?? stored() ?? '';
  const save = async () => {
    setError(null);
    setSaved(false);
    try {
      const endpoint = await setHubEndpoint(value());
      mutate(endpoint);
      setDraft(null);
      setSaved(true);
    } catch (err) {
      setError(shownError(err));
    }
  };
  return (
    <form
      class="row"
      style={{ 'align-items': 'flex-end' }}
      onSubmit={(e) => {
        e.preventDefault();
        void save();
      }}
    >
      <label class="field" style={{ flex: 1 }}>
        <span>Hub address (huggingface.co or a mirror)</span>
        <input
          value={value()}
          onInput={(e) => {
            setDraft(e.currentTarget.value);
            setSaved(false);
          }}
          data-testid="models-hub-endpoint"
        />
      </label>
      <button type="submit" disabled={draft() === null} data-testid="models-hub-endpoint-save">
        Save
      </button>
      <Show when={saved()}>
        <span class="muted small" data-testid="models-hub-endpoint-saved">
          Saved
        </span>
      </Show>
      <ErrorNotice error={error()} testId="models-hub-endpoint-error" />
    </form>
  );
}
