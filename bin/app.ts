#!/usr/bin/env node
/**
 * The CDK app `cdk.json` runs: the seed's conversational hybrid (examples/hybrid) — a SageMaker
 * baseline, a pre-warmed Lambda burst pool, a batch summarization lane and an edge update channel
 * behind one front door (SigV4 HTTPS: baseline first, spillover and failover to the pool, jobs to the queue),
 * one model artifact — plus the GPU recommender's Kubernetes manifests for any cluster, written to
 * `cdk.out/manifests/`.
 *
 *   npx cdk synth                      # templates in cdk.out/
 *   npx cdk deploy InferenceLanesHybrid  # account/region from your AWS environment
 */
import * as path from 'path';
import { App } from 'aws-cdk-lib';
import { createHybridApp } from '../examples/hybrid';

const app = new App();
const outdir = app.outdir ?? 'cdk.out';
createHybridApp({
  app,
  stackProps: { env: { account: process.env.CDK_DEFAULT_ACCOUNT, region: process.env.CDK_DEFAULT_REGION } },
  manifestsDir: path.join(outdir, 'manifests'),
});
app.synth();
