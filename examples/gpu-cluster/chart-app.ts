import * as cdk8s from 'cdk8s';
import { createGpuServingChart } from './chart';

// Writes dist/gpu-cluster/recsys.k8s.yaml: `kubectl apply -f dist/gpu-cluster/`.
const app = new cdk8s.App({ outdir: process.env.CDK8S_OUTDIR ?? 'dist/gpu-cluster' });
createGpuServingChart(app);
app.synth();
