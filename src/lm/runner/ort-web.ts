// onnxruntime-web for the app's workers: the WebGPU build (its WebAssembly binary also runs the CPU
// fallback). The binary and its loader are imported as URLs so Vite emits them into the build, where the
// service worker precaches them with everything else: models run offline once the studio is installed.
// Naming the loader also keeps ORT from starting its WebAssembly threads from our own worker script.
import * as ort from 'onnxruntime-web/webgpu';
import glueUrl from 'onnxruntime-web/ort-wasm-simd-threaded.asyncify.mjs?url';
import wasmUrl from 'onnxruntime-web/ort-wasm-simd-threaded.asyncify.wasm?url';
import type { Ort } from './lm-session';

let configured = false;

/** ORT, configured on first use: binaries from the build, threads where the page is cross-origin isolated. */
export function webOrt(): Ort {
  if (!configured) {
    const base = self.location.href;
    ort.env.wasm.wasmPaths = { wasm: new URL(wasmUrl, base).href, mjs: new URL(glueUrl, base).href };
    ort.env.wasm.numThreads = self.crossOriginIsolated ? Math.max(1, Math.min(4, (navigator.hardwareConcurrency || 2) - 1)) : 1;
    ort.env.logLevel = 'error';
    configured = true;
  }
  return ort;
}
