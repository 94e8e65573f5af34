#!/bin/sh
# npm run integ [-- example ...]: deploy each integration test app (test/integ/integ.<example>.ts) to the
# account and region of your AWS credentials, let its DeployAssert stack run the assertions (the deploy
# fails if one fails), then destroy both stacks. For maintainers with an AWS account; it costs money
# (SageMaker endpoints, Fargate, EKS). The offline snapshot check is part of `npm test`.
#
# It drives the project's own CDK CLI (`cdk deploy` / `cdk destroy`) rather than integ-runner:
# @aws-cdk/integ-runner 2.197.10 (the latest) cannot read the cloud assemblies aws-cdk-lib 2.276.0
# writes (schema 55; it stops at 53). Once a newer integ-runner ships, `integ-runner --directory test/integ
# --language typescript` is the drop-in replacement.
#
# INTEG_KEEP=1 keeps the stacks after the run (for inspection). Extra CDK arguments (for example the
# gpu-cluster context `-c gpu-cluster:clusterName=...`) go in CDK_ARGS.
set -eu
cd "$(dirname "$0")/.."
examples="${*:-managed-endpoint serverless-burst document-batch edge-privacy existing-app gpu-cluster hybrid}"
failed=""
for example in $examples; do
  file="test/integ/integ.$example.ts"
  [ -f "$file" ] || { echo "no integration test $file" >&2; exit 2; }
  app="node -r ts-node/register/transpile-only $file"
  out="cdk.out.integ.$example"
  echo "=== $example: deploy + assert"
  if npx cdk deploy --app "$app" --output "$out" --all --require-approval never ${CDK_ARGS:-}; then
    echo "=== $example: PASSED"
  else
    echo "=== $example: FAILED" >&2
    failed="$failed $example"
  fi
  if [ "${INTEG_KEEP:-0}" != "1" ]; then
    npx cdk destroy --app "$app" --output "$out" --all --force ${CDK_ARGS:-} || failed="$failed $example(destroy)"
  fi
done
[ -z "$failed" ] || { echo "integration tests failed:$failed" >&2; exit 1; }
echo "all integration tests passed: $examples"
