import { EmptyState } from '../../components/EmptyState';
import { PageHeader } from '../../components/PageHeader';

export default function DatasetsPage() {
  return (
    <div class="page">
      <PageHeader title="Datasets">
        <p>
          Text that flows through a model to produce activations. Datasets are imported once, tokenized with a model's
          tokenizer into fixed-length windows, and kept in browser storage for training and feature analysis.
        </p>
      </PageHeader>
      <EmptyState
        title="No datasets yet"
        steps={[
          'Import a local file (.txt, .jsonl, .csv or .parquet) or pull a dataset from the Hugging Face Hub.',
          'Choose the text column and tokenize it with one of your models.',
          'Use the tokenized dataset as the activation source of a training run.',
        ]}
      >
        <p class="muted">Add a model first: tokenization needs its tokenizer.</p>
      </EmptyState>
    </div>
  );
}
