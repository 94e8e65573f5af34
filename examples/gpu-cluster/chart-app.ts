import * as cdk8s from 'cdk8s';
import { createGpuServingChart, createLlmServingChart } from './chart';

// Writes dist/gpu-cluster/recsys.k8s.yaml and assistant.k8s.yaml (vLLM): `kubectl apply -f dist/gpu-cluster/`.
const app = new cdk8s.App({ outdir: process.env.CDK8S_OUTDIR ?? 'dist/gpu-cluster' });
createGpuServingChart(app);
createLlmServingChart(app);
app.synth();
