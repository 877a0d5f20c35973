import { describe, expect, it } from 'vitest';
import type { JobStatus } from '../../../src/domain/job';
import { jobActions } from '../../../src/services/jobActions';

describe('jobActions', () => {
  const cases: [JobStatus, boolean, string[]][] = [
    ['queued', true, ['cancel']],
    ['running', true, ['pause', 'cancel']],
    ['paused', true, ['resume', 'cancel']],
    ['interrupted', true, ['resume', 'cancel']],
    ['interrupted', false, ['resume', 'cancel']],
    ['failed', true, ['resume']],
    ['failed', false, []],
    ['completed', true, []],
    ['cancelled', true, []],
  ];
  it.each(cases)('a %s job (resumable: %s) offers %j', (status, resumable, expected) => {
    expect(jobActions({ status, resumable })).toEqual(expected);
  });
});
