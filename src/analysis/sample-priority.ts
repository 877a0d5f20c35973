// A seeded random priority for each (latent, token): keeping the r highest priorities among the tokens in
// a band is a uniform random sample of r of them (reservoir sampling with random keys), and unlike a
// sequential reservoir it does not depend on the order or batching of tokens, so the GPU and CPU, and any
// split of the dataset, pick exactly the same examples. The hash is "lowbias32" (C. Wellons), chained over
// the inputs; the WGSL twin is in shaders/feature_accumulate.wgsl.

export function mix32(x: number): number {
  x = (x ^ (x >>> 16)) >>> 0;
  x = Math.imul(x, 0x7feb352d) >>> 0;
  x = (x ^ (x >>> 15)) >>> 0;
  x = Math.imul(x, 0x846ca68b) >>> 0;
  return (x ^ (x >>> 16)) >>> 0;
}

/** A uint32; higher is kept first. */
export function samplePriority(seed: number, latent: number, window: number, pos: number): number {
  let h = mix32(seed >>> 0);
  h = mix32((h ^ latent) >>> 0);
  h = mix32((h ^ window) >>> 0);
  return mix32((h ^ pos) >>> 0);
}
