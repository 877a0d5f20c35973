/// <reference types="vite-plugin-pwa/client" />
// Service worker registration. The worker precaches the whole build (app, wasm, shaders), so after one online
// visit the studio opens offline. A new version waits until the user accepts the "reload" prompt, so a
// running job is never cut off by a surprise reload.
import { registerSW } from 'virtual:pwa-register';
import { createSignal } from 'solid-js';

const [waiting, setUpdateWaiting] = createSignal(false);
const [ready, setOfflineReady] = createSignal(false);
let applyUpdate: ((reloadPage?: boolean) => Promise<void>) | undefined;

/** true while a new version of the app is installed and waiting to take over */
export const updateWaiting = waiting;
/** true once the build is precached, so the studio opens without a network */
export const offlineReady = ready;

export function registerServiceWorker(): void {
  if (!('serviceWorker' in navigator)) return;
  applyUpdate = registerSW({
    immediate: true,
    onNeedRefresh: () => setUpdateWaiting(true),
    // reloadToUpdate reloads on controllerchange, which also covers a tab opened before the first install
    onNeedReload: () => {},
    onOfflineReady: () => setOfflineReady(true),
    onRegisterError: (error: unknown) => {
      console.warn('miStudio: the service worker could not be registered; offline use is unavailable.', error);
    },
  });
}

/** Activates the waiting service worker; the page reloads once it has taken control. */
export async function reloadToUpdate(): Promise<void> {
  if (!applyUpdate || !navigator.serviceWorker) {
    location.reload();
    return;
  }
  navigator.serviceWorker.addEventListener('controllerchange', () => location.reload(), { once: true });
  await applyUpdate(true);
}

export function dismissUpdate(): void {
  setUpdateWaiting(false);
}
