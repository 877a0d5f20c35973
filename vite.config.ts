/// <reference types="vitest/config" />
import './scripts/node-polyfills.ts';
import { defineConfig } from 'vite';
import solid from 'vite-plugin-solid';
import { VitePWA } from 'vite-plugin-pwa';

// COOP/COEP make the page crossOriginIsolated: SharedArrayBuffer and ORT's wasm threads need it.
const isolationHeaders = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};

export default defineConfig({
  plugins: [
    solid(),
    VitePWA({
      registerType: 'prompt',
      injectRegister: false,
      manifest: {
        name: 'miStudio',
        short_name: 'miStudio',
        description: 'Sparse autoencoders for mechanistic interpretability, in your browser',
        theme_color: '#1d2330',
        background_color: '#12161f',
        display: 'standalone',
        icons: [{ src: 'icon.svg', sizes: 'any', type: 'image/svg+xml', purpose: 'any' }],
      },
      workbox: {
        globPatterns: ['**/*.{js,mjs,css,html,svg,wasm,json,webmanifest}'],
        // onnxruntime-web's wasm binaries are ~25 MB: precache them so models run offline.
        maximumFileSizeToCacheInBytes: 64 * 1024 * 1024,
        navigateFallback: 'index.html',
        // The first install takes control of the open tab at once (so its workers and later fetches are
        // served offline too). Updates still wait for the user's "Reload": no skipWaiting here.
        clientsClaim: true,
      },
    }),
  ],
  worker: { format: 'es' },
  build: { target: 'es2022', sourcemap: true },
  server: { headers: isolationHeaders },
  preview: { headers: isolationHeaders },
  optimizeDeps: { exclude: ['onnxruntime-web'] },
  test: {
    // vite-plugin-solid defaults Vitest to jsdom; our tests run in Node (UI is tested in a real browser).
    environment: 'node',
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: ['test/unit/**/*.test.ts'],
          environment: 'node',
          // ORT (wasm) sessions and tokenizer loads take seconds on a loaded 2-core machine.
          testTimeout: 30_000,
        },
      },
      {
        extends: true,
        test: {
          name: 'gpu',
          include: ['test/gpu/**/*.test.ts'],
          environment: 'node',
          // One Dawn instance per worker; SwiftShader is CPU-bound, so don't oversubscribe 2 cores.
          pool: 'forks',
          fileParallelism: false,
          testTimeout: 120_000,
          hookTimeout: 120_000,
        },
      },
    ],
  },
});
