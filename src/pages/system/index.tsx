import { PageHeader } from '../../components/PageHeader';
import { BundlePanel } from '../interop/BundlePanel';
import { BrowserPanel } from './BrowserPanel';
import { GpuPanel } from './GpuPanel';
import { JobQueuePanel } from './JobQueuePanel';

export default function SystemPage() {
  return (
    <div class="page">
      <PageHeader title="System">
        <p>What this browser offers the studio: the GPU, storage, offline use, and the queue of background jobs.</p>
      </PageHeader>
      <div class="grid-2" style={{ 'margin-bottom': 'var(--gap)' }}>
        <GpuPanel />
        <BrowserPanel />
      </div>
      <JobQueuePanel />
      <BundlePanel />
    </div>
  );
}
