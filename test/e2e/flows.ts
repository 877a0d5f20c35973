// User flows several specs start from: pointing the studio at the local Hub server, adding the tiny GPT-2
// from it, and importing tiny.txt and tokenizing it with that model.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Page } from '@playwright/test';
import { HUB_PORT } from '../../playwright.config';
import { expect } from './fixtures';

export const FIXTURES = resolve(import.meta.dirname, '../fixtures');
export const HUB = `http://127.0.0.1:${HUB_PORT}`;

/** Models page → Add → Hub address: saves the local Hub server as the studio's Hub. */
export async function useLocalHub(page: Page): Promise<void> {
  await page.goto('/models');
  await page.getByTestId('add-model').getByText('Hub address', { exact: true }).click();
  await page.getByTestId('models-hub-endpoint').fill(HUB);
  await page.getByTestId('models-hub-endpoint-save').click();
  await expect(page.getByTestId('models-hub-endpoint-saved')).toBeVisible();
}

/** Models page: mistudio/tiny-gpt2's ONNX variants listed from the local Hub. */
export async function listTinyModelOnHub(page: Page): Promise<void> {
  await useLocalHub(page);
  await page.getByTestId('hub-model-repo').fill('mistudio/tiny-gpt2');
  await page.getByTestId('hub-model-list').click();
}

/** Chooses a listed variant, downloads it and waits until the model is ready; returns its id. */
export async function downloadVariant(page: Page, variant: string): Promise<string> {
  await page.locator(`[data-testid="hub-variant-row"][data-path="${variant}"]`).getByTestId('hub-variant-choose').check();
  await page.getByTestId('hub-model-download').click();
  await expect(page).toHaveURL(/\/models\?model=[\w-]+/);
  const id = new URL(page.url()).searchParams.get('model')!;
  await expect(page.locator(`[data-testid="model-row"][data-model-id="${id}"]`)).toHaveAttribute('data-status', 'ready', { timeout: 60_000 });
  return id;
}

export async function addTinyModelFromHub(page: Page, variant = 'onnx/model.onnx'): Promise<string> {
  await listTinyModelOnHub(page);
  return downloadVariant(page, variant);
}

/** Datasets page: tiny.txt dropped on the drop zone and recognised as plain text (not imported yet). */
export async function dropTinyText(page: Page): Promise<void> {
  await page.goto('/datasets');
  const txt = readFileSync(resolve(FIXTURES, 'datasets/tiny.txt'), 'utf8');
  const dataTransfer = await page.evaluateHandle((text) => {
    const dt = new DataTransfer();
    dt.items.add(new File([text], 'tiny.txt', { type: 'text/plain' }));
    return dt;
  }, txt);
  await page.getByTestId('drop-zone').dispatchEvent('drop', { dataTransfer });
  await expect(page.getByTestId('detected-format')).toHaveText('Plain text');
}

/** Imports tiny.txt and tokenizes it with the (only) model. */
export async function tokenizeTinyText(page: Page, contextLength: number): Promise<void> {
  await dropTinyText(page);
  await page.getByTestId('start-import').click();
  await expect(page).toHaveURL(/\/datasets\/[\w-]+$/);
  await expect(page.getByTestId('dataset-card')).toHaveAttribute('data-status', 'ready', { timeout: 60_000 });
  await page.getByTestId('tokenize-context').fill(String(contextLength));
  await page.getByTestId('tokenize-start').click();
  await expect(page.getByTestId('tokenization')).toHaveAttribute('data-status', 'ready', { timeout: 60_000 });
}
