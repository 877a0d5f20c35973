// Labels and help for every field of the new-training form: what it does and what SAE researchers set.
import type { FormField } from '../../sae/training/form';

export interface FieldText {
  label: string;
  help: string;
}

export const FIELD_TEXT: Record<FormField, FieldText> = {
  name: { label: 'Name', help: 'How this run appears in lists and in the exported SAE folder.' },
  sourceKind: {
    label: 'Activation source',
    help: 'What the SAE learns to reconstruct. The synthetic superposition source has known ground truth, so you can see how many true features the SAE recovers.',
  },
  synthFeatures: {
    label: 'True features',
    help: 'How many ground-truth directions the synthetic data is made of. More features than dimensions puts them in superposition — the setting SAEs are for.',
  },
  dIn: { label: 'd_in', help: 'Width of each activation vector: the synthetic dimension, or the width of the chosen cache or hook (filled in when you choose one).' },
  synthActive: {
    label: 'Active per sample',
    help: 'Expected number of true features firing in one sample (each fires independently with probability active ÷ features). Sparser data is easier to disentangle.',
  },
  cacheId: {
    label: 'Activation cache',
    help: 'Activations of one hook point stored by an extraction (a model’s page → Extract activations). Training reads them in shuffled order without running the model.',
  },
  modelId: { label: 'Model', help: 'The model whose activations the SAE learns; it runs on the GPU during training, batch by batch.' },
  tokenizationId: { label: 'Tokenized dataset', help: 'Token windows of a dataset made with this model’s tokenizer (Datasets page → Tokenize).' },
  hook: { label: 'Hook point', help: 'Where in the model the activations are read (blocks.L.hook_…); every hook point is d_model wide.' },
  architecture: {
    label: 'Architecture',
    help: 'ReLU + L1 (classic), TopK (exactly k latents per sample), BatchTopK (k per sample on average over the batch) or JumpReLU (a learned threshold per latent with an L0 penalty).',
  },
  sizeMode: { label: 'Dictionary size as', help: 'Give the number of latents directly, or as a multiple of d_in (the expansion factor).' },
  dSae: { label: 'd_sae', help: 'Number of latents (dictionary size). Typical: 4–64 × d_in; larger dictionaries split features more finely.' },
  expansion: { label: 'Expansion factor', help: 'd_sae = expansion × d_in. Common choices: 8, 16, 32.' },
  k: { label: 'k', help: 'Active latents per sample (TopK) or on average per sample (BatchTopK). Sets L0 directly; 32–128 is common for LMs.' },
  kAux: {
    label: 'k_aux',
    help: 'How many dead latents the auxiliary loss (AuxK) uses to reconstruct the residual error, reviving them. Often d_in ÷ 2.',
  },
  auxCoefficient: { label: 'Aux coefficient', help: 'Weight of the AuxK loss. 1/32 as in Gao et al. (2024).' },
  thresholdMomentum: {
    label: 'Threshold momentum',
    help: 'BatchTopK: momentum of the running threshold used at inference, when no batch is available.',
  },
  l1Coefficient: {
    label: 'L1 coefficient',
    help: 'Weight of the sparsity penalty (L1 of latents × decoder norms). Higher → sparser codes (lower L0), worse reconstruction.',
  },
  l1WarmupSteps: { label: 'L1 warm-up steps', help: 'Ramp the L1 penalty linearly from 0 over these steps, so latents can form before they are pushed to zero. 5% of the run is typical.' },
  l0Coefficient: { label: 'L0 coefficient', help: 'JumpReLU: weight of the L0 penalty (count of active latents, with a straight-through gradient for the thresholds).' },
  bandwidth: { label: 'Bandwidth', help: 'JumpReLU: width of the kernel that gives the thresholds a gradient. Scale it with the activations’ norm (0.001 for unit-scaled inputs).' },
  initialThreshold: { label: 'Initial threshold', help: 'JumpReLU: every latent’s threshold at the start.' },
  lr: { label: 'Learning rate', help: 'Adam learning rate. 1e-4 to 1e-3 for LM activations; toy data tolerates more.' },
  lrWarmupSteps: { label: 'LR warm-up steps', help: 'Linear warm-up of the learning rate from 0 over these steps.' },
  lrDecaySteps: { label: 'LR decay steps', help: 'Linear decay of the learning rate to 0 over the last steps of the run (often the last 20%).' },
  batchSize: { label: 'Batch size', help: 'Activation vectors (tokens) per step. 4096 is common for LMs; larger batches are smoother and faster per token.' },
  lengthMode: { label: 'Run length in', help: 'Give the length in optimizer steps, or in tokens (steps = tokens ÷ batch size).' },
  totalSteps: { label: 'Total steps', help: 'Optimizer steps in the run.' },
  totalTokens: { label: 'Total tokens', help: 'Activation vectors seen in the run; rounded up to whole batches.' },
  deadSteps: {
    label: 'Dead-latent window',
    help: 'A latent that has not fired for this many steps counts as dead (reported as the dead fraction; AuxK trains dead latents).',
  },
  inputScaling: {
    label: 'Scale inputs',
    help: 'Multiply activations by a constant so their mean norm is √d_in (estimated from a sample before training). Makes hyperparameters transfer across models; the scale is folded into the exported weights.',
  },
  bDecInit: {
    label: 'b_dec initialisation',
    help: 'Start the decoder bias at zero, at the mean, or at the geometric median of a sample of activations (robust to outliers).',
  },
  checkpointEvery: { label: 'Checkpoint every', help: 'Steps between checkpoints. A paused or interrupted run resumes from the newest one.' },
  keepCheckpoints: { label: 'Checkpoints kept', help: 'Keep the newest this many checkpoints, plus the one with the lowest loss; older ones are deleted.' },
  seed: { label: 'Seed', help: 'Seeds the initial weights (and the synthetic data). The same seed and settings give the same run.' },
  gradClip: { label: 'Gradient clipping', help: 'Scale gradients down when their global norm exceeds this value. Leave empty for none; 1.0 is a common safety net.' },
  adamBeta1: { label: 'Adam β1', help: 'Momentum of the gradient average (0.9 usual; some SAE recipes use 0).' },
  adamBeta2: { label: 'Adam β2', help: 'Momentum of the squared-gradient average (0.999 usual).' },
  normalizeDecoder: {
    label: 'Unit-norm decoder',
    help: 'Keep every decoder row at norm 1 (projected gradients, renormalised after each step). Usual for TopK/BatchTopK/JumpReLU; ReLU recipes that weight L1 by decoder norms often leave it off.',
  },
  applyBDecToInput: { label: 'Subtract b_dec from input', help: 'Centre the input by the decoder bias before encoding (x − b_dec), as most SAE implementations do.' },
};
