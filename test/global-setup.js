// One temporary directory per `jest` run: every synth's cdk.out (aws-cdk-lib writes one per App under
// os.tmpdir(), assets included), every cfn-lint/moto/manifests work dir lands in it, and
// test/global-teardown.js removes it. Without it each `npm test` left ~3,000 cdk.out directories
// (about 70 GB with the demo model copied as an asset) in /tmp.
const fs = require('fs');
const os = require('os');
const path = require('path');

module.exports = async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk-inference-lanes-jest-'));
  process.env.CDK_INFERENCE_LANES_JEST_TMPDIR = dir;
  // Inherited by the test workers and every child process they start (os.tmpdir() reads TMPDIR).
  process.env.TMPDIR = dir;
};
