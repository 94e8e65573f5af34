/**
 * The shell of every CodeBuild action of the delivery pipeline (bash; buildspec 0.2 runs the commands of a
 * build in one shell, so variables set by one command are seen by the next). Kept here, apart from the
 * wiring, so a reader can check the scripts in one place.
 */

/** Fail the build with a message. */
const FAIL = 'fail() { echo "MODEL DELIVERY: $*" >&2; exit 1; }';

/** The freeze check: the first action of every execution and the first command of every deploy. */
export function freezeCheckCommands(): string[] {
  return [
    FAIL,
    'FROZEN=$(aws ssm get-parameter --name "$FREEZE_PARAMETER" --query Parameter.Value --output text) || fail "cannot read the freeze parameter $FREEZE_PARAMETER"',
    'if [ "$FROZEN" != "off" ]; then fail "model delivery is frozen ($FREEZE_PARAMETER = $FROZEN). Runbook: $RUNBOOK_URL. Lift: aws ssm put-parameter --name $FREEZE_PARAMETER --value off --overwrite"; fi',
    'echo "not frozen ($FREEZE_PARAMETER = off)"',
  ];
}

/** Digest and signature checks shared by both sources, once model.bin and EXPECTED are there. */
function digestAndSignatureCommands(signatureFetch: string): string[] {
  return [
    'EXPECTED="${EXPECTED#sha256:}"; [ -n "$EXPECTED" ] || fail "the model carries no sha256 digest to check"',
    'ACTUAL=$(sha256sum model.bin | cut -d" " -f1)',
    '[ "$ACTUAL" = "$EXPECTED" ] || fail "digest mismatch: expected sha256:$EXPECTED, the model data is sha256:$ACTUAL"',
    'MODEL_DIGEST="sha256:$ACTUAL"; echo "digest matches: $MODEL_DIGEST"',
    `if [ -n "$SIGNING_KEY_ARN" ]; then ${signatureFetch} && printf '%s' "$ACTUAL" | xxd -r -p > digest.bin`
      + ' && aws kms verify --key-id "$SIGNING_KEY_ARN" --message fileb://digest.bin --message-type DIGEST'
      + ' --signing-algorithm "$SIGNING_ALGORITHM" --signature fileb://model.sig --query SignatureValid --output text | grep -qx True'
      + ' || fail "the signature over $MODEL_DIGEST does not verify with $SIGNING_KEY_ARN"; echo "signature verified"; fi',
  ];
}

/** Artifact checks of an S3 object source (the object version the source action recorded). */
export function s3ArtifactCheckCommands(): string[] {
  return [
    FAIL,
    'HEAD=$(aws s3api head-object --bucket "$MODEL_BUCKET" --key "$MODEL_KEY" --version-id "$MODEL_OBJECT_VERSION" --output json) || fail "cannot read s3://$MODEL_BUCKET/$MODEL_KEY version $MODEL_OBJECT_VERSION"',
    'MODEL_VERSION=$(echo "$HEAD" | jq -r \'.Metadata["model-version"] // empty\'); [ -n "$MODEL_VERSION" ] || fail "the object has no x-amz-meta-model-version"',
    'EXPECTED=$(echo "$HEAD" | jq -r \'.Metadata["sha256"] // empty\')',
    'aws s3api get-object --bucket "$MODEL_BUCKET" --key "$MODEL_KEY" --version-id "$MODEL_OBJECT_VERSION" model.bin > /dev/null || fail "cannot download the model object"',
    ...digestAndSignatureCommands('aws s3api get-object --bucket "$MODEL_BUCKET" --key "$MODEL_KEY.sig" model.sig > /dev/null'),
    'if [ "$REQUIRE_MODEL_CARD" = "true" ]; then aws s3api get-object --bucket "$MODEL_BUCKET" --key "$MODEL_KEY.card.json" card.json > /dev/null'
      + ' && jq -e \'(.intendedUse | type) == "string" and (.intendedUse | length) > 0\' card.json > /dev/null'
      + ' || fail "no model card: s3://$MODEL_BUCKET/$MODEL_KEY.card.json with a non-empty intendedUse"; echo "model card present"; fi',
    'MODEL_URI="s3://$MODEL_BUCKET/$MODEL_KEY"; MODEL_PACKAGE_ARN=none',
    'echo "candidate $MODEL_VERSION at $MODEL_URI ($MODEL_DIGEST)"',
  ];
}

/** Artifact checks of a Model Registry source (the newest approved package of the group). */
export function registryArtifactCheckCommands(): string[] {
  return [
    FAIL,
    'MODEL_PACKAGE_ARN=$(aws sagemaker list-model-packages --model-package-group-name "$MODEL_PACKAGE_GROUP" --model-approval-status Approved --sort-by CreationTime --sort-order Descending --max-results 1 --query "ModelPackageSummaryList[0].ModelPackageArn" --output text) || fail "cannot list $MODEL_PACKAGE_GROUP"',
    'case "$MODEL_PACKAGE_ARN" in arn:*) ;; *) fail "no approved model package in $MODEL_PACKAGE_GROUP";; esac',
    'DESC=$(aws sagemaker describe-model-package --model-package-name "$MODEL_PACKAGE_ARN" --output json) || fail "cannot describe $MODEL_PACKAGE_ARN"',
    'MODEL_VERSION=$(echo "$DESC" | jq -r \'.CustomerMetadataProperties["model-version"] // (.ModelPackageVersion | tostring)\')',
    'EXPECTED=$(echo "$DESC" | jq -r \'.CustomerMetadataProperties["sha256"] // empty\')',
    'MODEL_URI=$(echo "$DESC" | jq -r \'.InferenceSpecification.Containers[0].ModelDataUrl // .InferenceSpecification.Containers[0].ModelDataSource.S3DataSource.S3Uri // empty\')',
    'case "$MODEL_URI" in "s3://$MODEL_DATA_BUCKET/"*[!/]) ;; *) fail "the model data ($MODEL_URI) is not an object in s3://$MODEL_DATA_BUCKET/";; esac',
    'aws s3 cp --quiet "$MODEL_URI" model.bin || fail "cannot download $MODEL_URI"',
    ...digestAndSignatureCommands('echo "$DESC" | jq -r \'.CustomerMetadataProperties["signature"] // empty\' | base64 -d > model.sig'),
    'if [ "$REQUIRE_MODEL_CARD" = "true" ]; then echo "$DESC" | jq -e \'(.ModelCard.ModelCardContent // "") | length > 0\' > /dev/null'
      + ' || fail "$MODEL_PACKAGE_ARN has no ModelCard"; echo "model card present"; fi',
    'echo "candidate $MODEL_VERSION at $MODEL_URI ($MODEL_DIGEST, $MODEL_PACKAGE_ARN)"',
  ];
}

/** Sets CDK_CONTEXT_ARGS (for cdk synth/deploy) and CDK_CONTEXT_JSON (for every `new App()` of the tests). */
export function contextCommands(role: string): string[] {
  return [
    `DELIVERY_ROLE=${role}`,
    'CDK_CONTEXT_ARGS="-c inference-lanes:model-version=$MODEL_VERSION -c inference-lanes:model-uri=$MODEL_URI -c inference-lanes:model-digest=$MODEL_DIGEST -c inference-lanes:delivery-role=$DELIVERY_ROLE"',
    'if [ "$MODEL_PACKAGE_ARN" != "none" ]; then CDK_CONTEXT_ARGS="$CDK_CONTEXT_ARGS -c inference-lanes:model-package-arn=$MODEL_PACKAGE_ARN"; fi',
    'export CDK_CONTEXT_JSON=$(jq -nc --arg v "$MODEL_VERSION" --arg u "$MODEL_URI" --arg d "$MODEL_DIGEST" --arg r "$DELIVERY_ROLE" --arg p "$MODEL_PACKAGE_ARN"'
      + ' \'{"inference-lanes:model-version": $v, "inference-lanes:model-uri": $u, "inference-lanes:model-digest": $d, "inference-lanes:delivery-role": $r}'
      + ' + (if $p == "none" then {} else {"inference-lanes:model-package-arn": $p} end)\')',
  ];
}

/** Fails when one of ALARM_NAMES is in ALARM. */
export function alarmCheckCommand(): string {
  return 'IN_ALARM=$(aws cloudwatch describe-alarms --alarm-names $ALARM_NAMES --alarm-types MetricAlarm CompositeAlarm --state-value ALARM'
    + ' --query "[MetricAlarms[].AlarmName, CompositeAlarms[].AlarmName][]" --output text)';
}

/** The deploy of one stage: freeze check, cdk deploy with the candidate, then the stage's own ending. */
export function deployCommands(role: string, stacks: string): string[] {
  return [
    ...freezeCheckCommands(),
    ...contextCommands(role),
    `npx cdk deploy ${stacks} --require-approval never $CDK_CONTEXT_ARGS || fail "cdk deploy of $MODEL_VERSION (${role}) failed: CloudFormation and the lanes' rollouts rolled the stacks back"`,
  ];
}

/** After the shadow deploy: wait, then fail when a shadow alarm is in ALARM. */
export function shadowBakeCommands(): string[] {
  return [
    'sleep "$BAKE_SECONDS"',
    'if [ -n "$ALARM_NAMES" ]; then ' + alarmCheckCommand() + ' || fail "cannot read the shadow alarms";'
      + ' [ -z "$IN_ALARM" ] || fail "shadow alarms in ALARM after the bake: $IN_ALARM"; fi',
    'echo "shadow of $MODEL_VERSION is healthy"',
  ];
}

/**
 * After the canary deploy: wait, then read the rollback alarms; when one is in ALARM redeploy the released
 * version (from the released-version parameter) and fail.
 */
export function canaryBakeCommands(stacks: string): string[] {
  return [
    'sleep "$BAKE_SECONDS"',
    alarmCheckCommand() + ' || fail "cannot read the rollback alarms"',
    'if [ -n "$IN_ALARM" ]; then echo "rollback alarms in ALARM: $IN_ALARM";'
      + ' RELEASED=$(aws ssm get-parameter --name "$RELEASED_PARAMETER" --query Parameter.Value --output text);'
      + ' if [ "$RELEASED" = "none" ]; then fail "no released version to roll back to (first delivery): the lanes\' rollouts are the only rollback";  fi;'
      + ' MODEL_VERSION=$(echo "$RELEASED" | jq -r .version); MODEL_URI=$(echo "$RELEASED" | jq -r .uri);'
      + ' MODEL_DIGEST=$(echo "$RELEASED" | jq -r .digest); MODEL_PACKAGE_ARN=$(echo "$RELEASED" | jq -r .modelPackageArn);'
      + ' ' + contextCommands('rollback').join('; ') + ';'
      + ` npx cdk deploy ${stacks} --require-approval never $CDK_CONTEXT_ARGS;`
      + ' fail "canary rolled back to $MODEL_VERSION: $IN_ALARM in ALARM"; fi',
    'echo "canary of $MODEL_VERSION is healthy"',
  ];
}

/** After the promote deploy: record the released version. */
export function promoteRecordCommands(): string[] {
  return [
    'RELEASED=$(jq -nc --arg v "$MODEL_VERSION" --arg u "$MODEL_URI" --arg d "$MODEL_DIGEST" --arg p "$MODEL_PACKAGE_ARN" \'{version: $v, uri: $u, digest: $d, modelPackageArn: $p}\')',
    'aws ssm put-parameter --name "$RELEASED_PARAMETER" --value "$RELEASED" --overwrite > /dev/null || fail "cannot record the released version"',
    'echo "released $MODEL_VERSION"',
  ];
}
