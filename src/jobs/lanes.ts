// Which worker runs each kind of job: GPU work one job at a time in the GPU worker, CPU/network work in the IO worker.
import type { JobKind, JobLane } from '../domain/job';

export const JOB_LANES: Readonly<Record<JobKind, JobLane>> = {
  'demo-reduce': 'gpu',
  train: 'gpu',
  'extract-activations': 'gpu',
  'extract-features': 'gpu',
  evaluate: 'gpu',
  generate: 'gpu',
  'try-prompt': 'gpu',
  'download-model': 'io',
  'analyse-model': 'io',
  'import-dataset': 'io',
  tokenize: 'io',
};

export const LANES: readonly JobLane[] = ['gpu', 'io'];
