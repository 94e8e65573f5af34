// aws-cdk-lib's built-in template check runs on every synth and costs seconds per test file; the
// tests run the real cfn-lint instead (lib/testing/cfn-lint.ts), so it is switched off here only.
process.env.CDK_VALIDATION = 'false';
