import { EmptyState } from '../../components/EmptyState';
import { PageHeader } from '../../components/PageHeader';

export default function SteeringPage() {
  return (
    <div class="page">
      <PageHeader title="Steering">
        <p>
          Change what a model writes by adding feature directions to its activations while it generates. Compare steered
          and unsteered text side by side and keep the experiments you want to revisit.
        </p>
      </PageHeader>
      <EmptyState
        title="No steering experiments yet"
        steps={[
          'Choose a model and an SAE trained on one of its layers.',
          'Pick one or more features and a strength for each.',
          'Write a prompt and generate: the outputs with and without steering appear next to each other.',
        ]}
      />
    </div>
  );
}
