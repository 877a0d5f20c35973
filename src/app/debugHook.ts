// A tiny handle for end-to-end tests (window.__mistudio): checks that need no UI of their own.
import { loseGpuDevice } from '../services/system';
import { selfTestBlobStore, type BlobSelfTestReport } from '../store/blob-self-test';
import { openBlobStore } from '../store/open-blob-store';

export interface DebugHook {
  /** writes, reads, lists and deletes a 3 MiB blob in the page's real BlobStore (OPFS where it works) */
  blobSelfTest(): Promise<BlobSelfTestReport>;
  /** destroys the GPU worker's device as a driver reset would */
  loseGpuDevice(): Promise<boolean>;
}

declare global {
  interface Window {
    __mistudio?: DebugHook;
  }
}

export function installDebugHook(): void {
  window.__mistudio = {
    blobSelfTest: async () => selfTestBlobStore(await openBlobStore()),
    loseGpuDevice,
  };
}
