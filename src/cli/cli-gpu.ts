// The headless entries' GPU: a real adapter where the machine has one, else SwiftShader, said on stderr so
// that Dawn's Vulkan warnings before it read as the fallback they are, not as a failure.
import { acquireGpu, type GpuContext } from '../gpu/device';
import { nodeGpu } from '../gpu/node-gpu';

export async function cliGpu(): Promise<GpuContext> {
  return acquireGpu(await nodeGpu({ log: (line) => void process.stderr.write(`${line}\n`) }));
}
