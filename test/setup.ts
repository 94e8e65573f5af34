// aws-cdk-lib's built-in template check runs on every synth and costs seconds per test file; the
// tests run the real cfn-lint instead (lib/testing/cfn-lint.ts), so it is switched off here only.
process.env.CDK_VALIDATION = 'false';

// Assets are referenced where they are instead of being copied into each synth's cdk.out (the EKS kubectl and
// AWS CLI layers alone are ~25 MB per synth, ~3,000 synths a run). Hashes and templates are the same; a test
// that deploys (LocalDeploy) stages its own assembly.
process.env.CDK_CONTEXT_JSON = JSON.stringify({ ...JSON.parse(process.env.CDK_CONTEXT_JSON ?? '{}'), 'aws:cdk:disable-asset-staging': true });
