// The facts about the studio's models that decide whether an SAE fits one: d_model and the hook points
// found in its graph (read from the analysis stored with the model).
import type { ModelRecord } from '../../domain/entities';
import type { BlobStore } from '../../store/blob-store';
import { modelRepo } from '../../store/repos/models';
import { readModelAnalysis } from '../models/model-files';

export interface StudioModelShape {
  id: string;
  name: string;
  dModel: number;
  /** TransformerLens-style names ("blocks.0.hook_resid_post"); empty when the graph's were not found */
  hookPoints: string[];
}

async function hookPointsOf(model: ModelRecord, blobs: BlobStore): Promise<string[]> {
  try {
    const analysis = await readModelAnalysis(model, blobs);
    return analysis?.hooks.ok ? analysis.hooks.points.map((p) => p.name) : [];
  } catch {
    // a damaged analysis leaves the hook check to the user; d_model still decides
    return [];
  }
}

/** Ready models whose d_model is known. */
export async function studioModelShapes(blobs: BlobStore): Promise<StudioModelShape[]> {
  const models = (await modelRepo.all()).filter((m) => m.status === 'ready' && typeof m.info?.dModel === 'number');
  const shapes: StudioModelShape[] = [];
  for (const m of models) shapes.push({ id: m.id, name: m.name, dModel: m.info!.dModel!, hookPoints: await hookPointsOf(m, blobs) });
  return shapes.sort((a, b) => a.name.localeCompare(b.name));
}
