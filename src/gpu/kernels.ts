// Compute kernels from shaders/*.wgsl: source loading (Vite's import.meta.glob works in the app, Vitest and
// vite-node), `const` overrides, explicit bind-group layouts reflected from the source, bind groups by
// binding name, and a per-device pipeline cache.
import { applyDefines, entryBindings, expandIncludes, reflectBindings, type BindingInfo, type Defines } from './wgsl-source';

const files = import.meta.glob('/shaders/*.wgsl', { query: '?raw', import: 'default', eager: true }) as Record<string, string>;

/** shaders/ by file name ("sae_adam.wgsl" → its text). */
export const SHADER_SOURCES: ReadonlyMap<string, string> = new Map(
  Object.entries(files).map(([path, text]) => [path.slice(path.lastIndexOf('/') + 1), text]),
);

export class KernelError extends Error {
  override name = 'KernelError';
}

export interface KernelSpec {
  /** file in shaders/, e.g. "sae_adam.wgsl" */
  shader: string;
  /** entry point; defaults to "main" */
  entry?: string;
  /** values for module-scope `const` declarations (workgroup sizes, tile sizes, variants) */
  defines?: Defines;
}

/** A buffer, or a range of one, for a binding. */
export type BindingResource = GPUBuffer | { buffer: GPUBuffer; offset?: number; size?: number };

export class Kernel {
  constructor(
    readonly label: string,
    readonly pipeline: GPUComputePipeline,
    readonly layout: GPUBindGroupLayout,
    /** the bindings this entry point uses, in binding order */
    readonly bindings: readonly BindingInfo[],
    /** every binding name declared in the module (other entry points may use the rest) */
    private readonly moduleBindings: ReadonlySet<string>,
    private readonly device: GPUDevice,
  ) {}

  /**
   * A bind group from named resources. Every binding the entry uses must be given; names the module declares
   * but this entry does not use are ignored (so one resource table can serve several entries); names the
   * module does not declare are errors (typos).
   */
  bind(resources: Readonly<Record<string, BindingResource | undefined>>, label = this.label): GPUBindGroup {
    const used = new Set(this.bindings.map((b) => b.name));
    const unknown = Object.keys(resources).filter((n) => !this.moduleBindings.has(n));
    if (unknown.length) throw new KernelError(`${this.label}: the shader declares no binding ${unknown.join(', ')}.`);
    const missing = this.bindings.filter((b) => resources[b.name] === undefined).map((b) => b.name);
    if (missing.length) throw new KernelError(`${this.label}: no buffer given for ${missing.join(', ')}.`);
    const entries: GPUBindGroupEntry[] = [];
    for (const [name, res] of Object.entries(resources)) {
      if (!used.has(name) || res === undefined) continue;
      const binding = this.bindings.find((b) => b.name === name)!.binding;
      entries.push({ binding, resource: 'buffer' in res ? res : { buffer: res } });
    }
    return this.device.createBindGroup({ label, layout: this.layout, entries });
  }
}

const caches = new WeakMap<GPUDevice, Map<string, Kernel>>();

/** The WGSL text of a kernel after includes and defines (exposed for tests and error messages). */
export function kernelSource(spec: KernelSpec): string {
  return applyDefines(expandIncludes(spec.shader, SHADER_SOURCES), spec.defines ?? {});
}

function cacheKey(spec: KernelSpec): string {
  const defines = Object.entries(spec.defines ?? {}).sort(([a], [b]) => (a < b ? -1 : 1));
  return `${spec.shader}:${spec.entry ?? 'main'}:${JSON.stringify(defines)}`;
}

/** Compiles (once per device and spec) and returns a kernel. */
export function kernel(device: GPUDevice, spec: KernelSpec): Kernel {
  let cache = caches.get(device);
  if (!cache) caches.set(device, (cache = new Map()));
  const key = cacheKey(spec);
  const hit = cache.get(key);
  if (hit) return hit;
  const entry = spec.entry ?? 'main';
  const code = kernelSource(spec);
  const bindings = entryBindings(code, entry).sort((a, b) => a.binding - b.binding);
  const moduleBindings = new Set(reflectBindings(code).map((b) => b.name));
  const label = `${spec.shader.replace(/\.wgsl$/, '')}:${entry}`;
  const layout = device.createBindGroupLayout({
    label,
    entries: bindings.map((b) => ({ binding: b.binding, visibility: GPUShaderStage.COMPUTE, buffer: { type: b.kind } })),
  });
  const module = device.createShaderModule({ label, code });
  const pipeline = device.createComputePipeline({
    label,
    layout: device.createPipelineLayout({ label, bindGroupLayouts: [layout] }),
    compute: { module, entryPoint: entry },
  });
  const k = new Kernel(label, pipeline, layout, bindings, moduleBindings, device);
  cache.set(key, k);
  return k;
}

/**
 * Surfaces WGSL compile errors and validation errors of everything created inside `fn` as one KernelError
 * (WebGPU otherwise reports them asynchronously as uncaptured errors).
 */
export async function checkedGpu<T>(device: GPUDevice, what: string, fn: () => T): Promise<T> {
  device.pushErrorScope('validation');
  device.pushErrorScope('internal');
  let value: T;
  try {
    value = fn();
  } finally {
    const internal = await device.popErrorScope();
    const validation = await device.popErrorScope();
    const err = validation ?? internal;
    if (err) throw new KernelError(`${what}: ${err.message}`);
  }
  return value;
}

/** Compiler errors of a kernel's module (empty when it compiles), formatted "line:col message". */
export async function compileErrors(device: GPUDevice, spec: KernelSpec): Promise<string[]> {
  const module = device.createShaderModule({ label: spec.shader, code: kernelSource(spec) });
  const info = await module.getCompilationInfo();
  return info.messages.filter((m) => m.type === 'error').map((m) => `${spec.shader}:${m.lineNum}:${m.linePos} ${m.message}`);
}
