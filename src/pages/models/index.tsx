import { EmptyState } from '../../components/EmptyState';
import { PageHeader } from '../../components/PageHeader';

export default function ModelsPage() {
  return (
    <div class="page">
      <PageHeader title="Models">
        <p>
          The language models whose internals you study. Each model is stored in your browser (ONNX weights, tokenizer and
          config) and runs on your GPU through WebGPU; nothing leaves your machine.
        </p>
      </PageHeader>
      <EmptyState
        title="No models yet"
        steps={[
          'Download a small model from the Hugging Face Hub (an ONNX export such as a GPT-2 or Pythia variant), or import ONNX files from disk.',
          'Pick the layer (hook point) whose activations you want to train a sparse autoencoder on.',
          'Then go to Datasets to bring in text for it.',
        ]}
      >
        <p class="muted">Everything else in the studio starts from a model, so this is the first step.</p>
      </EmptyState>
    </div>
  );
}
