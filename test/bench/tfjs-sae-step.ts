// The baseline the SAE bench compares against: the same training step written the obvious way with
// TensorFlow.js on its WebGPU backend (dense masks for TopK, autodiff, tf.train.adam, decoder renorm).
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-webgpu';

export interface BenchShape {
  batch: number;
  dIn: number;
  dSae: number;
  k: number;
}

export interface TfjsStepper {
  step(x: tf.Tensor2D): void;
  /** waits for all queued GPU work */
  sync(): Promise<void>;
  dispose(): void;
}

export async function initTfjs(): Promise<string> {
  await tf.setBackend('webgpu');
  await tf.ready();
  return tf.getBackend();
}

export function randomBatch(shape: BenchShape, seed: number): tf.Tensor2D {
  return tf.randomNormal([shape.batch, shape.dIn], 0, 1, 'float32', seed) as tf.Tensor2D;
}

export function makeTfjsStepper(shape: BenchShape, arch: 'topk' | 'relu', lr = 1e-3, l1 = 1e-3): TfjsStepper {
  const wDecInit = tf.tidy(() => {
    const w = tf.randomNormal([shape.dSae, shape.dIn], 0, 1, 'float32', 1);
    return w.div(w.norm('euclidean', 1, true));
  });
  const W_dec = tf.variable(wDecInit, true, 'W_dec');
  const W_enc = tf.variable(wDecInit.transpose(), true, 'W_enc');
  const b_enc = tf.variable(tf.zeros([shape.dSae]), true, 'b_enc');
  const b_dec = tf.variable(tf.zeros([shape.dIn]), true, 'b_dec');
  wDecInit.dispose();
  const opt = tf.train.adam(lr, 0.9, 0.999, 1e-8);
  // tfjs has no gradient for TopK: mask the k largest per row, and pass the gradient through the kept entries.
  const topkRelu = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const pre = args[0] as tf.Tensor;
    const save = args[1] as tf.GradSaveFunc;
    const kth = tf.topk(pre as tf.Tensor2D, shape.k).values.slice([0, shape.k - 1], [-1, 1]);
    const mask = pre.greaterEqual(kth).logicalAnd(pre.greater(0)).cast('float32');
    save([mask]);
    return { value: pre.mul(mask), gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => [dy.mul(saved[0]!)] };
  });

  const loss = (x: tf.Tensor2D) => () => {
    const pre = x.sub(b_dec).matMul(W_enc).add(b_enc) as tf.Tensor2D;
    let z: tf.Tensor2D;
    let sparsity: tf.Scalar = tf.scalar(0);
    if (arch === 'topk') {
      z = topkRelu(pre) as tf.Tensor2D;
    } else {
      z = tf.relu(pre) as tf.Tensor2D;
      sparsity = z.mul(W_dec.norm('euclidean', 1).expandDims(0)).sum(1).mean().mul(l1) as tf.Scalar;
    }
    const xHat = z.matMul(W_dec).add(b_dec);
    return xHat.sub(x).square().sum(1).mean().add(sparsity) as tf.Scalar;
  };

  return {
    step(x) {
      tf.tidy(() => {
        opt.minimize(loss(x), false, [W_enc, b_enc, W_dec, b_dec]);
        if (arch === 'topk') W_dec.assign(W_dec.div(W_dec.norm('euclidean', 1, true)));
      });
    },
    async sync() {
      await b_dec.data();
    },
    dispose() {
      opt.dispose();
      for (const v of [W_enc, b_enc, W_dec, b_dec]) v.dispose();
    },
  };
}
