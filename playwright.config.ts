import { defineConfig, devices } from '@playwright/test';

// Real-browser tests: Debian's Chromium with WebGPU. Headless Chromium here gets SwiftShader (a CPU Vulkan),
// so GPU work is slow: timeouts are generous and specs keep their shapes small. `npm test` builds first.
// Ports can be moved (E2E_PORT, E2E_HUB_PORT) so a second checkout or a running studio does not collide.
const PORT = Number(process.env.E2E_PORT ?? 4173);
export const HUB_PORT = Number(process.env.E2E_HUB_PORT ?? 5183);

export default defineConfig({
  testDir: 'test/e2e',
  fullyParallel: false,
  workers: 1,
  retries: 0,
  forbidOnly: true,
  timeout: 90_000,
  expect: { timeout: 30_000 },
  reporter: process.env.CI ? [['list'], ['html', { open: 'never' }]] : 'list',
  use: {
    baseURL: `http://127.0.0.1:${PORT}`,
    trace: 'retain-on-failure',
    serviceWorkers: 'allow',
  },
  webServer: [
    {
      command: `npx vite preview --host 127.0.0.1 --port ${PORT} --strictPort`,
      url: `http://127.0.0.1:${PORT}`,
      reuseExistingServer: !process.env.CI,
      timeout: 60_000,
    },
    {
      // a local stand-in for the Hugging Face Hub serving test/fixtures/hub (the Models page adds the tiny model from it)
      command: `node scripts/hub-server.mjs --port ${HUB_PORT}`,
      url: `http://127.0.0.1:${HUB_PORT}/api/whoami-v2`,
      reuseExistingServer: !process.env.CI,
      timeout: 30_000,
    },
  ],
  projects: [
    {
      name: 'chromium',
      use: {
        ...devices['Desktop Chrome'],
        launchOptions: {
          executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
          // --enable-unsafe-webgpu is what exposes WebGPU on Linux; SwiftShader's Vulkan serves the adapter
          // when there is no GPU. The Vulkan/ANGLE switches change nothing there but let a real GPU be used.
          args: [
            '--no-sandbox',
            '--disable-background-networking',
            '--disable-component-update',
            '--disable-sync',
            '--enable-unsafe-webgpu',
            '--enable-features=Vulkan',
            '--use-angle=swiftshader',
          ],
        },
      },
    },
  ],
});
