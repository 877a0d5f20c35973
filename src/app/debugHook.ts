// A tiny handle for end-to-end tests (window.__mistudio): checks that need no UI of their own.
import { loseGpuDevice } from '../services/system';

export interface DebugHook {
  /** destroys the GPU worker's device as a driver reset would */
  loseGpuDevice(): Promise<boolean>;
}

declare global {
  interface Window {
    __mistudio?: DebugHook;
  }
}

export function installDebugHook(): void {
  window.__mistudio = { loseGpuDevice };
}
