import { describe, expect, it } from 'vitest';
import {
  ASSET_STATUS,
  assertJobTransition,
  assertTransition,
  canTransition,
  canTransitionJob,
  IllegalTransitionError,
  isTerminal,
  JOB_STATUS,
  TRAINING_STATUS,
  type StatusMachine,
} from '../../../src/domain/status';
import type { JobStatus } from '../../../src/domain/job';

// The legal moves written out independently of the tables, so that every pair (legal or not) is checked.
const LEGAL: Record<string, string[]> = {
  job: [
    'queued>running', 'queued>cancelled',
    'running>completed', 'running>failed', 'running>cancelled', 'running>paused', 'running>interrupted',
    'paused>queued', 'paused>cancelled',
    'interrupted>queued', 'interrupted>cancelled',
    'failed>queued',
  ],
  training: [
    'draft>queued',
    'queued>running', 'queued>cancelled',
    'running>completed', 'running>failed', 'running>cancelled', 'running>paused', 'running>interrupted',
    'paused>queued', 'paused>cancelled',
    'interrupted>queued', 'interrupted>cancelled',
    'failed>queued', 'failed>cancelled',
  ],
  asset: ['pending>running', 'pending>failed', 'running>ready', 'running>failed', 'running>pending', 'failed>pending'],
};

const MACHINES: StatusMachine<string>[] = [JOB_STATUS, TRAINING_STATUS, ASSET_STATUS];

describe.each(MACHINES.map((m) => [m.name, m] as const))('%s status machine', (name, machine) => {
  const legal = new Set(LEGAL[name]);
  const pairs = machine.states.flatMap((from) => machine.states.map((to) => [from, to] as const));

  it('has a row for every state and only known targets', () => {
    expect(Object.keys(machine.transitions).sort()).toEqual([...machine.states].sort());
    for (const targets of Object.values(machine.transitions)) for (const t of targets) expect(machine.states).toContain(t);
  });

  it.each(pairs)(`${name}: %s → %s`, (from, to) => {
    const expected = legal.has(`${from}>${to}`);
    expect(canTransition(machine, from, to)).toBe(expected);
    if (expected) expect(() => assertTransition(machine, from, to)).not.toThrow();
    else expect(() => assertTransition(machine, from, to)).toThrow(IllegalTransitionError);
  });

  it('calls states with no way out terminal', () => {
    for (const s of machine.states) expect(isTerminal(machine, s)).toBe(![...legal].some((p) => p.startsWith(`${s}>`)));
  });
});

describe('job rules beyond the table', () => {
  it('retries a failed job only when it is resumable', () => {
    expect(canTransitionJob({ status: 'failed', resumable: true }, 'queued')).toBe(true);
    expect(canTransitionJob({ status: 'failed', resumable: false }, 'queued')).toBe(false);
    expect(() => assertJobTransition({ status: 'failed', resumable: false }, 'queued')).toThrow(/cannot resume/);
    expect(() => assertJobTransition({ status: 'failed', resumable: true }, 'queued')).not.toThrow();
  });

  it('otherwise follows the table', () => {
    for (const from of JOB_STATUS.states)
      for (const to of JOB_STATUS.states)
        if (!(from === 'failed' && to === 'queued'))
          expect(canTransitionJob({ status: from, resumable: false }, to)).toBe(canTransition(JOB_STATUS, from, to));
  });

  it('explains an illegal move in words', () => {
    const err = captured(() => assertTransition(JOB_STATUS, 'completed', 'running'));
    expect(err).toBeInstanceOf(IllegalTransitionError);
    expect(err.message).toBe('A job that is completed cannot become running: completed is final.');
    const err2 = captured(() => assertTransition(JOB_STATUS, 'queued' as JobStatus, 'paused'));
    expect(err2.message).toBe('A job that is queued cannot become paused: it can only become running, cancelled.');
    expect(err2).toMatchObject({ machine: 'job', from: 'queued', to: 'paused' });
  });
});

function captured(fn: () => void): IllegalTransitionError {
  try {
    fn();
  } catch (e) {
    if (e instanceof IllegalTransitionError) return e;
    throw e;
  }
  throw new Error('expected an IllegalTransitionError');
}
