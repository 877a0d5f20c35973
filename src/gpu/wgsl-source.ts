// WGSL source handling, pure text (no GPU): `// #include name.wgsl` expansion, `const` overrides ("defines")
// and reflection of a module's bindings and of which of them an entry point uses. Kept apart from the GPU
// code so it tests in plain Node.

export class ShaderSourceError extends Error {
  override name = 'ShaderSourceError';
}

export type DefineValue = number | boolean;
export type Defines = Readonly<Record<string, DefineValue>>;

/** `// #include other.wgsl` → the text of shaders/other.wgsl (once per module, nested includes allowed). */
export function expandIncludes(name: string, sources: ReadonlyMap<string, string>, seen = new Set<string>()): string {
  const text = sources.get(name);
  if (text === undefined) throw new ShaderSourceError(`Shader ${name} does not exist in shaders/.`);
  seen.add(name);
  return text.replace(/^[ \t]*\/\/[ \t]*#include[ \t]+([\w.-]+)[ \t]*$/gm, (_line, inc: string) => {
    if (seen.has(inc)) return `// (${inc} already included)`;
    return expandIncludes(inc, sources, seen);
  });
}

function literal(type: string, value: DefineValue, name: string): string {
  if (type === 'bool') {
    if (typeof value !== 'boolean') throw new ShaderSourceError(`Define ${name} is a bool; got ${value}.`);
    return String(value);
  }
  if (typeof value !== 'number' || !Number.isFinite(value)) throw new ShaderSourceError(`Define ${name} needs a finite number; got ${value}.`);
  if (type === 'u32' || type === 'i32') {
    if (!Number.isInteger(value) || (type === 'u32' && value < 0)) throw new ShaderSourceError(`Define ${name} is a ${type}; got ${value}.`);
    return `${value}${type === 'u32' ? 'u' : 'i'}`;
  }
  if (type === 'f32') {
    const s = String(Math.fround(value));
    return /[.eE]/.test(s) ? `${s}f` : `${s}.0f`;
  }
  throw new ShaderSourceError(`Define ${name} has type ${type}; only u32, i32, f32 and bool can be defined.`);
}

/**
 * Replaces the value of module-scope `const NAME: T = ...;` declarations. The shader keeps valid defaults,
 * so every file compiles on its own; an unknown define name is an error (it would silently do nothing).
 */
export function applyDefines(code: string, defines: Defines): string {
  let out = code;
  for (const [name, value] of Object.entries(defines)) {
    const re = new RegExp(`^(\\s*const\\s+${name}\\s*:\\s*(\\w+)\\s*=)[^;]*;`, 'm');
    const m = re.exec(out);
    if (!m) throw new ShaderSourceError(`Define ${name} matches no \`const ${name}: type = ...;\` in the shader.`);
    out = out.replace(re, `$1 ${literal(m[2]!, value, name)};`);
  }
  return out;
}

export type BindingKind = 'uniform' | 'read-only-storage' | 'storage';

export interface BindingInfo {
  name: string;
  binding: number;
  kind: BindingKind;
}

function stripComments(code: string): string {
  return code.replace(/\/\*[\s\S]*?\*\//g, ' ').replace(/\/\/[^\n]*/g, ' ');
}

/** All `@group(0) @binding(n) var<...> name` declarations of a module. */
export function reflectBindings(code: string): BindingInfo[] {
  const src = stripComments(code);
  const re = /@group\(\s*(\d+)\s*\)\s*@binding\(\s*(\d+)\s*\)\s*var\s*<\s*([\w\s,]+?)\s*>\s*(\w+)/g;
  const out: BindingInfo[] = [];
  for (const m of src.matchAll(re)) {
    if (m[1] !== '0') throw new ShaderSourceError(`Binding ${m[4]} uses group ${m[1]}; kernels use group 0 only.`);
    const parts = m[3]!.split(',').map((s) => s.trim());
    const kind: BindingKind = parts[0] === 'uniform' ? 'uniform' : parts[1] === 'read_write' ? 'storage' : 'read-only-storage';
    out.push({ name: m[4]!, binding: Number(m[2]), kind });
  }
  return out;
}

/** Function bodies by name (brace matching on comment-free source). */
function functionBodies(src: string): Map<string, string> {
  const bodies = new Map<string, string>();
  const re = /\bfn\s+(\w+)\s*\(/g;
  for (const m of src.matchAll(re)) {
    const open = src.indexOf('{', m.index);
    if (open < 0) continue;
    let depth = 0;
    let i = open;
    for (; i < src.length; i++) {
      if (src[i] === '{') depth++;
      else if (src[i] === '}' && --depth === 0) break;
    }
    bodies.set(m[1]!, src.slice(m.index, i + 1));
  }
  return bodies;
}

/**
 * The bindings an entry point can reach: those named in its body or in any function it calls, transitively.
 * A textual over-approximation is safe (an explicit layout may list unused bindings); missing one is not,
 * and pipeline creation would then fail loudly.
 */
export function entryBindings(code: string, entry: string): BindingInfo[] {
  const src = stripComments(code);
  const bodies = functionBodies(src);
  if (!bodies.has(entry)) throw new ShaderSourceError(`Entry point ${entry} does not exist in the shader.`);
  const all = reflectBindings(code);
  const used = new Set<string>();
  const visited = new Set<string>();
  const stack = [entry];
  while (stack.length) {
    const fn = stack.pop()!;
    if (visited.has(fn)) continue;
    visited.add(fn);
    const body = bodies.get(fn)!;
    for (const word of body.match(/\b\w+\b/g) ?? []) {
      if (bodies.has(word) && !visited.has(word)) stack.push(word);
    }
    // an identifier, not a member access such as `v.x`
    for (const b of all) if (new RegExp(`(?<![.\\w])${b.name}\\b`).test(body)) used.add(b.name);
  }
  return all.filter((b) => used.has(b.name));
}
