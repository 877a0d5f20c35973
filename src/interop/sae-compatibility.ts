// Does an imported SAE fit a model in the studio? It must read vectors of the model's width (d_in =
// d_model) at a hook point the model has. Hook names are TransformerLens names; blocks.L.hook_resid_pre
// and blocks.(L−1).hook_resid_post are the same tensor, so either name matches the other.

export interface CompatibilityProblem {
  field: 'd_in' | 'hook';
  message: string;
}

export interface Compatibility {
  compatible: boolean;
  problems: CompatibilityProblem[];
  /** facts worth showing that do not block attaching the SAE */
  notes: string[];
  /** the model's hook point to attach at (the SAE's own, or its equivalent), null when there is none */
  hook: string | null;
}

export interface SaeShape {
  dIn: number;
  hookName: string | null;
  modelName?: string | null;
}

export interface ModelShape {
  dModel: number;
  hookPoints: readonly string[];
  name?: string;
}

const RESID = /^blocks\.(\d+)\.hook_resid_(pre|post)$/;

/** The other name of the same residual-stream tensor, if there is one. */
export function equivalentHook(hook: string): string | null {
  const m = RESID.exec(hook);
  if (!m) return null;
  const layer = Number(m[1]);
  if (m[2] === 'pre') return layer > 0 ? `blocks.${layer - 1}.hook_resid_post` : null;
  return `blocks.${layer + 1}.hook_resid_pre`;
}

function hookKind(hook: string): string {
  return hook.replace(/^blocks\.\d+\./, '');
}

function hookLayer(hook: string): number | null {
  const m = /^blocks\.(\d+)\./.exec(hook);
  return m ? Number(m[1]) : null;
}

/** Up to three of the model's hook points that look most like `hook`: same kind, nearest layer. */
function similarHooks(hook: string, hookPoints: readonly string[]): string[] {
  const kind = hookKind(hook);
  const layer = hookLayer(hook);
  return hookPoints
    .filter((h) => hookKind(h) === kind)
    .sort((a, b) => Math.abs((hookLayer(a) ?? 0) - (layer ?? 0)) - Math.abs((hookLayer(b) ?? 0) - (layer ?? 0)))
    .slice(0, 3);
}

export function checkCompatibility(sae: SaeShape, model: ModelShape): Compatibility {
  const problems: CompatibilityProblem[] = [];
  const notes: string[] = [];
  const modelLabel = model.name ? `the model ${model.name}` : 'the model';
  if (sae.dIn !== model.dModel) {
    problems.push({
      field: 'd_in',
      message: `The SAE reads vectors of size ${sae.dIn}, but ${modelLabel} has d_model = ${model.dModel}: it was trained on a different model (or on a hook of another width, such as MLP neurons or attention heads).`,
    });
  }
  let hook: string | null = null;
  if (sae.hookName === null) {
    notes.push('The SAE does not say which hook point it reads; choose one of the model\'s hook points.');
  } else if (model.hookPoints.includes(sae.hookName)) {
    hook = sae.hookName;
  } else {
    const other = equivalentHook(sae.hookName);
    if (other !== null && model.hookPoints.includes(other)) {
      hook = other;
      notes.push(`The SAE's hook ${sae.hookName} is the same tensor as ${other}, which the studio uses.`);
    } else {
      const similar = similarHooks(sae.hookName, model.hookPoints);
      problems.push({
        field: 'hook',
        message: `The SAE was trained at ${sae.hookName}, which ${modelLabel} does not have${similar.length ? ` (similar hook points: ${similar.join(', ')})` : ''}.`,
      });
    }
  }
  if (sae.modelName && model.name && sae.modelName !== model.name) {
    notes.push(`The SAE names its model "${sae.modelName}"; make sure that is the same network as "${model.name}" (names differ between libraries).`);
  }
  return { compatible: problems.length === 0, problems, notes, hook };
}
