import { A } from '@solidjs/router';
import { PageHeader } from '../../components/PageHeader';
import { DemoButton } from '../training/DemoButton';

export default function HomePage() {
  return (
    <div class="page">
      <PageHeader title="Welcome to miStudio">
        <p>
          A studio for mechanistic interpretability with sparse autoencoders, running entirely in your browser: models,
          data, training and analysis stay on this machine and use its GPU through WebGPU.
        </p>
      </PageHeader>
      <section class="card demo-callout">
        <h2>New here? Train your first SAE in one click</h2>
        <p>
          The built-in demo hides 48 known feature directions in 16 dimensions and trains a TopK SAE to find them again,
          live, on your GPU — with a picture of learned against true directions. It needs nothing to download.
        </p>
        <DemoButton />
      </section>
      <ol class="steps">
        <li>
          <A href="/models">Add a model</A>
          <p>Download a small ONNX language model or import one from disk.</p>
        </li>
        <li>
          <A href="/datasets">Bring in text</A>
          <p>Import a dataset and tokenize it with the model.</p>
        </li>
        <li>
          <A href="/training">Train an SAE</A>
          <p>Learn a sparse dictionary of the model's activations at one layer.</p>
        </li>
        <li>
          <A href="/features">Explore features</A>
          <p>See what each latent responds to, and label it.</p>
        </li>
        <li>
          <A href="/steering">Steer the model</A>
          <p>Turn features up or down while the model writes.</p>
        </li>
      </ol>
      <p class="muted small" style={{ 'margin-top': '20px' }}>
        New here? Open <A href="/system">System</A> first to check that your browser exposes a WebGPU adapter and to run
        the GPU self-test.
      </p>
    </div>
  );
}
