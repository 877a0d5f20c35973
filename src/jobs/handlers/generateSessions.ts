// The model sessions steering and evaluation jobs run, kept between jobs in the GPU worker: a second
// generation with the same model and hook starts at once instead of loading the graph again. One model is
// kept at a time (a different one releases it), and an idle minute releases it too, so a training that
// follows gets the GPU memory back.
import type { ModelProto } from '../../lm/graph';
import { LmSessionError, type ExternalDataFile, type Ort } from '../../lm/runner/lm-session';
import { sessionFactory, type SessionFactory } from '../../lm/steering/ort-sessions';
import { SplicedLm } from '../../lm/steering/spliced-lm';
import { SteeredLm } from '../../lm/steering/steered-lm';

export interface SessionSource {
  ort: Ort;
  /** run on WebGPU on this device; undefined: on the CPU (WebAssembly) */
  device: GPUDevice | undefined;
}

export interface ModelSessionRequest {
  /** identifies the model version (id and update time) */
  modelKey: string;
  graph: ModelProto;
  externalData: readonly ExternalDataFile[];
  hookTensor: string;
  /** the activation's width (the SAE's d_in) */
  width: number;
}

interface Entry {
  key: string;
  device: GPUDevice | undefined;
  factory: SessionFactory;
  backend: 'webgpu' | 'wasm';
  steered?: SteeredLm;
  spliced?: SplicedLm;
}

let entry: Entry | null = null;
let idleTimer: ReturnType<typeof setTimeout> | undefined;

export const IDLE_RELEASE_MS = 60_000;

/** Called when a job is done with its sessions: they are released unless another job takes them within a minute. */
export function sessionsIdle(): void {
  clearTimeout(idleTimer);
  idleTimer = setTimeout(() => void releaseModelSessions(), IDLE_RELEASE_MS);
  // in Node (tests, CLI) a pending release must not keep the process alive
  if (typeof idleTimer === 'object' && 'unref' in idleTimer) idleTimer.unref();
}

async function entryFor(source: SessionSource, request: ModelSessionRequest): Promise<Entry> {
  clearTimeout(idleTimer);
  const key = `${request.modelKey}\n${request.hookTensor}`;
  if (entry && entry.key === key && entry.device === source.device) return entry;
  await releaseModelSessions();
  const backend = source.device ? 'webgpu' : 'wasm';
  const options = { externalData: request.externalData, ...(source.device ? { device: source.device } : {}) };
  entry = { key, device: source.device, factory: sessionFactory(source.ort, options), backend };
  return entry;
}

/** Creates a session kind on WebGPU, falling back to WebAssembly when the GPU backend cannot run the graph. */
async function withFallback<T>(source: SessionSource, request: ModelSessionRequest, make: (factory: SessionFactory) => Promise<T>): Promise<{ value: T; entry: Entry }> {
  const current = await entryFor(source, request);
  try {
    return { value: await make(current.factory), entry: current };
  } catch (err) {
    if (!(err instanceof LmSessionError) || current.backend === 'wasm') throw err;
    current.factory = sessionFactory(source.ort, { externalData: request.externalData });
    current.backend = 'wasm';
    return { value: await make(current.factory), entry: current };
  }
}

export async function steeredModel(source: SessionSource, request: ModelSessionRequest): Promise<{ lm: SteeredLm; backend: string }> {
  const current = await entryFor(source, request);
  if (current.steered?.width === request.width) return { lm: current.steered, backend: current.backend };
  const { value, entry: e } = await withFallback(source, request, (factory) => SteeredLm.create(factory, request.graph, request.hookTensor, request.width));
  e.steered = value;
  return { lm: value, backend: e.backend };
}

export async function splicedModel(source: SessionSource, request: ModelSessionRequest): Promise<{ lm: SplicedLm; factory: SessionFactory; backend: string }> {
  const current = await entryFor(source, request);
  if (current.spliced) return { lm: current.spliced, factory: current.factory, backend: current.backend };
  const { value, entry: e } = await withFallback(source, request, (factory) => SplicedLm.create(factory, request.graph, request.hookTensor));
  e.spliced = value;
  return { lm: value, factory: e.factory, backend: e.backend };
}

export async function releaseModelSessions(): Promise<void> {
  clearTimeout(idleTimer);
  const old = entry;
  entry = null;
  await old?.steered?.release();
  await old?.spliced?.release();
}
