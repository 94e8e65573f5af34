// Removes the run's temporary directory (see test/global-setup.js).
const fs = require('fs');

module.exports = async () => {
  const dir = process.env.CDK_INFERENCE_LANES_JEST_TMPDIR;
  if (dir && /cdk-inference-lanes-jest-/.test(dir)) {
    fs.rmSync(dir, { recursive: true, force: true });
  }
};
