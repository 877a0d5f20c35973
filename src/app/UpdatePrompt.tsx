import { Show } from 'solid-js';
import { dismissUpdate, reloadToUpdate, updateWaiting } from './pwa';

export function UpdatePrompt() {
  return (
    <Show when={updateWaiting()}>
      <div class="toast" role="status" data-testid="update-prompt">
        <span>Update available</span>
        <button class="primary" onClick={() => void reloadToUpdate()}>
          Reload
        </button>
        <button onClick={dismissUpdate}>Later</button>
      </div>
    </Show>
  );
}
