import { EmptyState } from '../../components/EmptyState';
import { PageHeader } from '../../components/PageHeader';

export default function TemplatesPage() {
  return (
    <div class="page">
      <PageHeader title="Templates">
        <p>
          Saved settings for training and feature extraction, so a good configuration is one click away. Built-in
          templates cover common SAE set-ups; your own can be favourited, exported and imported.
        </p>
      </PageHeader>
      <EmptyState
        title="No templates yet"
        steps={[
          'Save the settings of a training run or an extraction as a template.',
          'Start new runs from a template and adjust only what differs.',
        ]}
      />
    </div>
  );
}
