import { describe, expect, it } from 'vitest';
import { GpuUnavailableError, type GpuContext } from '../../../src/gpu/device';
import { GpuSession } from '../../../src/jobs/gpuSession';

/** Fake devices: each acquisition hands out a numbered context and keeps its loss trigger. */
function fakeAcquirer(failFirst?: Error) {
  const losers: ((info: GPUDeviceLostInfo) => void)[] = [];
  let calls = 0;
  const acquire = async (onLost: (info: GPUDeviceLostInfo) => void): Promise<GpuContext> => {
    calls++;
    if (failFirst && calls === 1) throw failFirst;
    losers.push(onLost);
    const n = losers.length;
    return {
      adapter: {} as GPUAdapter,
      device: { label: `device ${n}`, destroy: () => onLost({ reason: 'destroyed', message: 'destroyed' } as GPUDeviceLostInfo) } as unknown as GPUDevice,
      info: { vendor: 'test', architecture: `arch ${n}`, device: '', description: '', isFallbackAdapter: true, features: [], limits: {} },
    };
  };
  return { acquire, losers, calls: () => calls };
}

describe('GpuSession', () => {
  it('acquires once and shares the device', async () => {
    const fake = fakeAcquirer();
    const session = new GpuSession(fake.acquire);
    const [a, b] = await Promise.all([session.context(), session.context()]);
    expect(a).toBe(b);
    expect(fake.calls()).toBe(1);
  });

  it('after a loss, tells listeners why and acquires a fresh device on next use', async () => {
    const fake = fakeAcquirer();
    const session = new GpuSession(fake.acquire);
    const first = await session.context();
    const signal = session.lostSignal();
    fake.losers[0]!({ reason: 'unknown', message: 'driver reset' } as GPUDeviceLostInfo);
    const error = await signal.promise;
    expect(error.message).toBe('The GPU device was lost (unknown): driver reset. The job stopped.');
    expect(error.action).toContain('Resume');
    signal.dispose();
    const second = await session.context();
    expect(second).not.toBe(first);
    expect(second.device.label).toBe('device 2');
    const status = await session.status();
    expect(status).toMatchObject({ available: true, lostCount: 1 });
  });

  it('a disposed signal is not called', async () => {
    const fake = fakeAcquirer();
    const session = new GpuSession(fake.acquire);
    await session.context();
    const signal = session.lostSignal();
    signal.dispose();
    let fired = false;
    void signal.promise.then(() => (fired = true));
    fake.losers[0]!({ reason: 'unknown', message: '' } as GPUDeviceLostInfo);
    await new Promise((r) => setTimeout(r, 0));
    expect(fired).toBe(false);
  });

  it('loseDevice destroys the live device (and reports false when there is none)', async () => {
    const fake = fakeAcquirer();
    const session = new GpuSession(fake.acquire);
    expect(await session.loseDevice()).toBe(false);
    await session.context();
    const signal = session.lostSignal();
    expect(await session.loseDevice()).toBe(true);
    expect((await signal.promise).message).toContain('(destroyed)');
  });

  it('reports an unavailable GPU with the error\'s action, and retries acquisition next time', async () => {
    const fake = fakeAcquirer(new GpuUnavailableError('no-adapter', 'No adapter.', 'Update your driver.'));
    const session = new GpuSession(fake.acquire);
    expect(await session.status()).toEqual({ available: false, reason: 'no-adapter', message: 'No adapter.', action: 'Update your driver.' });
    expect(await session.status()).toMatchObject({ available: true, adapter: { vendor: 'test' } });
    expect(fake.calls()).toBe(2);
  });

  it('reports an unexpected start failure plainly', async () => {
    const session = new GpuSession(async () => Promise.reject(new Error('boom')));
    expect(await session.status()).toMatchObject({ available: false, reason: 'unknown', message: 'WebGPU failed to start: boom' });
  });
});
