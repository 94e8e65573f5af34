import * as fs from 'fs';
import * as path from 'path';
import { ArtifactSignature, HardwareTarget, ModelArtifact, ModelPrecision, ModelWeights, ServingImage } from '../../lib';

const MODEL_DIR = path.join(__dirname, 'model');

/**
 * The demo model every example deploys: a tiny stand-in for the seed's conversational /
 * recommendation model, with a CPU fp32 primary build, an fp16 NVIDIA GPU build and an int8 arm64
 * build for edge devices. Weights are real files (a few bytes of JSON in a .tar.gz) so assets,
 * digests and grants behave exactly as with a real model.
 *
 * With `signed`, the int8 edge build carries a detached signature (`model.tar.gz.sig`, ECDSA P-256 over
 * SHA-256, made with `openssl dgst -sha256 -sign`; the demo's signing key was thrown away, only its public
 * half `signing-key.pub.pem` is kept): devices verify it before they unpack the weights.
 */
export function demoArtifact(version: string = '1.4.0', options: { signed?: boolean } = {}): ModelArtifact {
  const int8 = path.join(MODEL_DIR, 'int8');
  return ModelArtifact.fromAsset(path.join(MODEL_DIR, 'fp32', 'model.tar.gz'), {
    name: 'assistant',
    version,
    framework: 'pytorch',
    // Referenced by URI: no Docker engine is needed to synth or deploy.
    image: ServingImage.fromRegistry('763104351884.dkr.ecr.us-east-1.amazonaws.com/pytorch-inference:2.3.0-cpu-py311-ubuntu20.04-sagemaker'),
    targets: [HardwareTarget.CPU_X86_64, HardwareTarget.CPU_ARM64],
    variants: [
      {
        target: HardwareTarget.NVIDIA_GPU,
        precision: ModelPrecision.FP16,
        weights: ModelWeights.fromAsset(path.join(MODEL_DIR, 'fp16', 'model.tar.gz')),
        image: ServingImage.fromRegistry('nvcr.io/nvidia/tritonserver:24.08-py3'),
      },
      {
        target: HardwareTarget.EDGE_ARM64,
        precision: ModelPrecision.INT8,
        weights: ModelWeights.fromAsset(path.join(int8, 'model.tar.gz')),
        signature: options.signed
          ? ArtifactSignature.fromAsset(path.join(int8, 'model.tar.gz.sig'), fs.readFileSync(path.join(int8, 'signing-key.pub.pem'), 'utf8'))
          : undefined,
      },
    ],
    card: {
      intendedUse: 'Customer self-service answers and product recommendations (demo).',
      limitations: ['English only', 'Not for medical, legal or financial advice'],
      metrics: { 'p95LatencyMs': 180, 'ndcgAt10': 0.41 },
      owner: 'ml-platform',
    },
  });
}
