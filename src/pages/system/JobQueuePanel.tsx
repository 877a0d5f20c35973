import { createSignal, Show } from 'solid-js';
import type { JobRecord } from '../../domain/job';
import { JobTable } from '../../components/JobTable';
import { createLiveQuery } from '../../components/liveQuery';
import { enqueueGpuSelfTest, queryJobs } from '../../services/jobs';

/** Every job, newest first, live from the database; and the GPU self-test button. */
export function JobQueuePanel() {
  const jobs = createLiveQuery<JobRecord[]>(() => queryJobs(), []);
  const [error, setError] = createSignal('');
  const runSelfTest = async () => {
    setError('');
    try {
      await enqueueGpuSelfTest();
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    }
  };
  return (
    <section class="card" data-testid="job-queue">
      <div class="row" style={{ 'justify-content': 'space-between', 'margin-bottom': '12px' }}>
        <h2 style={{ margin: 0 }}>Jobs</h2>
        <button class="primary" onClick={() => void runSelfTest()} data-testid="run-selftest">
          Run GPU self-test
        </button>
      </div>
      <p class="muted small">
        Long work runs here in the background, one GPU job at a time. Jobs survive a reload: an interrupted job can be
        resumed from its last checkpoint. The self-test sums four million numbers on the GPU and checks the result on the
        CPU.
      </p>
      <Show when={error()}>
        <p class="notice bad">{error()}</p>
      </Show>
      <JobTable jobs={jobs()} empty="No jobs yet. Run the GPU self-test to check that everything works." />
    </section>
  );
}
