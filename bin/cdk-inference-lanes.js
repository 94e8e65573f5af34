#!/usr/bin/env node
// Installed command `cdk-inference-lanes` (package.json "bin"): the compiled lib/cli.js.
process.exitCode = require('../lib/cli').main(process.argv.slice(2));
