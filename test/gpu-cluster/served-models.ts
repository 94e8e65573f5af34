import { ServedModel } from '../../lib/gpu-cluster';

/** The recommender the GPU-lane tests serve: 1.4.0 live, 1.5.0 the candidate, behind one gateway. */
export const MODEL: ServedModel = {
  name: 'recsys', version: '1.4.0',
  weightsUri: 's3://models-bucket/recsys/1.4.0/model.tar.gz',
  imageUri: 'nvcr.io/nvidia/tritonserver:24.08-py3',
  framework: 'onnx',
};
export const NEXT: ServedModel = { ...MODEL, version: '1.5.0', weightsUri: 's3://models-bucket/recsys/1.5.0/model.tar.gz' };
export const GATEWAY = { name: 'inference-gateway', namespace: 'gateway' };
