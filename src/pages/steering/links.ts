// Links into the Steering page, for other pages (the feature browser's "Steer with this feature").
export function steeringHref(options: { saeId: string; modelId?: string; features?: readonly { index: number; coefficient?: number }[] }): string {
  const query = new URLSearchParams({ sae: options.saeId });
  if (options.modelId) query.set('model', options.modelId);
  if (options.features?.length) query.set('features', options.features.map((f) => (f.coefficient === undefined ? String(f.index) : `${f.index}:${f.coefficient}`)).join(','));
  return `/steering?${query.toString()}`;
}
