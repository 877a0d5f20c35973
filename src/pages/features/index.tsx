import { EmptyState } from '../../components/EmptyState';
import { PageHeader } from '../../components/PageHeader';

export default function FeaturesPage() {
  return (
    <div class="page">
      <PageHeader title="Features">
        <p>
          The latents a sparse autoencoder learned. For each feature: how often it fires, its top-activating text with the
          tokens highlighted, its activation histogram and the tokens it promotes. Label, categorise and favourite them.
        </p>
      </PageHeader>
      <EmptyState
        title="No features to browse yet"
        steps={[
          'Train an SAE (or import one in SAELens format).',
          'Run feature extraction over a tokenized dataset to collect statistics and examples.',
          'Browse, search and label the features here.',
        ]}
      />
    </div>
  );
}
