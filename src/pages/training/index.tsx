import { EmptyState } from '../../components/EmptyState';
import { PageHeader } from '../../components/PageHeader';

export default function TrainingPage() {
  return (
    <div class="page">
      <PageHeader title="Training">
        <p>
          Train sparse autoencoders (ReLU, TopK, BatchTopK, JumpReLU) on a model's activations, on your GPU. Runs show
          live loss, sparsity and dead-latent curves, save checkpoints, and survive a reload.
        </p>
      </PageHeader>
      <EmptyState
        title="No training runs yet"
        steps={[
          'Start from a template, or choose an architecture, dictionary size and sparsity yourself.',
          'Pick the activation source: a model layer over a tokenized dataset, or synthetic data to try things out.',
          'Watch the run; pause, resume or stop it at any point. The finished SAE appears under Features.',
        ]}
      >
        <p class="muted">You need a model and a tokenized dataset, or use the synthetic source to start right away.</p>
      </EmptyState>
    </div>
  );
}
