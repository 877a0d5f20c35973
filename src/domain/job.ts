// Jobs: long work (download, tokenize, extract, train, analyse, generate) as rows with status and progress.

export type JobKind =
  | 'demo-reduce' // the foundation's GPU self-test (a WGSL reduction checked against its CPU twin)
  | 'train'
  | 'download-model'
  | 'import-dataset'
  | 'tokenize'
  | 'extract-activations'
  | 'extract-features'
  | 'evaluate'
  | 'generate'
  | 'try-prompt' // one forward pass of a model on a prompt (the model card's "Try it")
  | 'analyse-model'; // reads an imported model's graph for hook points

/** Which worker runs a job: one GPU job at a time, IO jobs beside it. */
export type JobLane = 'gpu' | 'io';

export type JobStatus = 'queued' | 'running' | 'paused' | 'interrupted' | 'completed' | 'failed' | 'cancelled';

export interface JobProgress {
  phase: string;
  done: number;
  total: number;
  /** units of `done` per second, smoothed */
  rate: number;
  etaSeconds: number | null;
  message: string;
}

export interface JobError {
  message: string;
  /** what the user can do about it */
  action?: string;
}

export interface JobRecord {
  id: string;
  kind: JobKind;
  lane: JobLane;
  title: string;
  status: JobStatus;
  params: unknown;
  progress: JobProgress;
  error?: JobError;
  /** whether an interrupted/failed run of this job can continue from where it stopped */
  resumable: boolean;
  /** handler-defined state saved between steps; a resumed run continues from it */
  checkpoint?: unknown;
  /** the entity this job works for (e.g. a training id), for pages that show their jobs */
  subjectId?: string;
  createdAt: number;
  updatedAt: number;
  startedAt?: number;
  finishedAt?: number;
}
