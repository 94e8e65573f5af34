import { spawnSync } from 'child_process';
import { App, Tags } from 'aws-cdk-lib';
import { LocalDeploy } from '../../lib/testing';
import { createServerlessBurstStack } from '../../examples/serverless-burst';

/*
 * Local deploy of the serverless-burst example to moto (`cdk bootstrap` + `cdk deploy`, no Docker:
 * the function is a zip package, the model a file asset).
 *
 * Verified for real, with boto3 against moto after the deploy:
 * - the Lambda function exists with the runtime, handler, memory, timeout, reserved concurrency (400)
 *   and the MODEL_* environment the lane set;
 * - its execution role exists, is assumable by lambda.amazonaws.com only, and its inline policy reads
 *   exactly the model object the environment points at (no other S3 statement);
 * - version 1 of the function really exists (published by AWS::Lambda::Version) with the same code
 *   as $LATEST;
 * - the model object the environment points at really is in the assets bucket and its SHA-256 is
 *   MODEL_DIGEST (what the handler verifies at init);
 * - the KMS key (rotation on), the log group (30-day retention) and the KMS-encrypted on-failure
 *   queue exist.
 *
 * NOT verifiable on moto, and asserted as absent so this test cannot pretend otherwise: moto 5.2's
 * CloudFormation skips AWS::Lambda::Alias (so the warm pool's alias, its provisioned concurrency and
 * the alias's EventInvokeConfig), AWS::Lambda::Url, all Application Auto Scaling resources (the
 * scalable target with the marketing-event schedule and the target-tracking policy),
 * AWS::CodeDeploy::Application/DeploymentGroup (the canary and its alarm rollback),
 * AWS::CloudWatch::Alarm (SLO + spillover alarms), AWS::Logs::MetricFilter and AWS::SQS::QueuePolicy,
 * while still reporting CREATE_COMPLETE. Those are covered by the synth tests, cfn-lint and cdk-nag
 * only. moto never runs the function (no Docker), so provisioned concurrency, cold starts and traffic
 * shifting are not exercised. Code signing (AWS::Signer::SigningProfile,
 * AWS::Lambda::CodeSigningConfig) is not in the example (ENFORCE would refuse the unsigned asset
 * zip) and is covered by synth tests only.
 *
 * The lane's KMS key is deployed without tags: moto 5.2.1 fails on AWS::KMS::Key with Tags
 * (KeyError 'TagKey' in its tagging service, CloudFormation then reports the stack as already
 * existing). Real CloudFormation accepts tagged keys; only this test strips them.
 */
// No skipping: without moto, LocalDeploy throws "moto is not installed: run `pip install cfn-lint 'moto[server]'`".
const describeIfMoto = describe;

const SKIPPED_BY_MOTO = [
  'AWS::ApplicationAutoScaling::ScalableTarget',
  'AWS::ApplicationAutoScaling::ScalingPolicy',
  'AWS::ApplicationSignals::ServiceLevelObjective', // SLO latency
  'AWS::ApplicationSignals::ServiceLevelObjective', // SLO error rate
  'AWS::CloudWatch::Alarm', 'AWS::CloudWatch::Alarm', // SLO latency fast and slow burn
  'AWS::CloudWatch::Alarm', 'AWS::CloudWatch::Alarm', // SLO error-rate fast and slow burn
  'AWS::CloudWatch::Alarm', // SLO latency
  'AWS::CloudWatch::Alarm', // SLO error rate
  'AWS::CloudWatch::Alarm', // SLO throttles
  'AWS::CloudWatch::Alarm', // rollback latency (new version)
  'AWS::CloudWatch::Alarm', // rollback error rate (new version)
  'AWS::CloudWatch::Alarm', // spillover
  'AWS::CodeDeploy::Application',
  'AWS::CodeDeploy::DeploymentGroup',
  'AWS::Lambda::Alias',
  'AWS::Lambda::EventInvokeConfig',
  'AWS::Lambda::Url',
  'AWS::Lambda::Version', // exists (checked below), but moto lists it without a physical id
  'AWS::Logs::MetricFilter',
  'AWS::SQS::QueuePolicy',
];

describeIfMoto('serverless-burst example on moto', () => {
  let deployment: LocalDeploy;
  let fn: { [key: string]: any };
  let live: { [key: string]: any };
  beforeAll(() => {
    const stack = createServerlessBurstStack(new App(), 'ServerlessBurstLocal');
    const tagKeys = ['model:name', 'model:version', 'model:framework', 'model:owner', 'model:target', 'model:precision', 'inference:lane'];
    for (const key of tagKeys) {
      Tags.of(stack).remove(key, { includeResourceTypes: ['AWS::KMS::Key'], priority: 500 });
    }
    deployment = LocalDeploy.deployStack(stack);
    live = readBack(deployment);
    fn = live.function;
  });
  afterAll(() => deployment?.stop());

  test('the stack deploys; moto skips exactly the alias, autoscaling, CodeDeploy, alarms, Application Signals SLOs, URL and filters', () => {
    const r = deployment.result;
    expect(r.stackStatus).toBe('CREATE_COMPLETE');
    const created = r.created.map(c => c.resourceType).sort();
    expect(created).toEqual([
      'AWS::IAM::Policy',
      'AWS::IAM::Role', // execution role
      'AWS::IAM::Role', // CodeDeploy service role
      'AWS::KMS::Key',
      'AWS::Lambda::Function',
      'AWS::Logs::LogGroup',
      'AWS::SQS::Queue',
    ]);
    const skipped = r.skipped.map(s => s.resourceType).sort();
    expect(skipped).toEqual(SKIPPED_BY_MOTO);
    console.log(`serverless local deploy: ${r.created.length} created (${created.join(', ')}); ${r.skipped.length} NOT created by moto (${skipped.join(', ')}); `
      + `synth ${Math.round(r.timings.synthMs / 1000)} s, bootstrap ${Math.round(r.timings.bootstrapMs / 1000)} s, deploy ${Math.round(r.timings.deployMs / 1000)} s, total ${Math.round(r.timings.totalMs / 1000)} s`);
  });

  test('the function exists with the lane configuration and the model environment', () => {
    const c = fn.Configuration;
    expect(c).toEqual(expect.objectContaining({ Runtime: 'nodejs24.x', Handler: 'index.handler', MemorySize: 2048, Timeout: 10 }));
    expect(c.Environment.Variables).toEqual(expect.objectContaining({
      MODEL_NAME: 'assistant', MODEL_VERSION: '1.4.0', MODEL_TARGET: 'cpu-arm64', MODEL_COMPRESSED: 'true', OMP_NUM_THREADS: '1',
    }));
    expect(c.Environment.Variables.MODEL_S3_URI).toBe(`s3://${c.Environment.Variables.MODEL_S3_BUCKET}/${c.Environment.Variables.MODEL_S3_KEY}`);
    expect(live.concurrency.ReservedConcurrentExecutions).toBe(400);
  });

  test('its role exists, trusts only Lambda, and reads exactly the model object', () => {
    const env = fn.Configuration.Environment.Variables;
    expect(live.role.Arn).toBe(fn.Configuration.Role);
    expect(JSON.stringify(live.role.AssumeRolePolicyDocument)).toContain('lambda.amazonaws.com');
    expect(live.rolePolicies).toHaveLength(1);
    const s3Statements = live.rolePolicies[0].Statement.filter((st: any) => [st.Action].flat().some((a: string) => a.startsWith('s3:')));
    expect(s3Statements).toEqual([expect.objectContaining({ Action: 's3:GetObject', Resource: `arn:aws:s3:::${env.MODEL_S3_BUCKET}/${env.MODEL_S3_KEY}` })]);
    expect(live.attachedPolicies).toEqual([]);
  });

  test('version 1 exists with the code of $LATEST', () => {
    const versions = live.versions;
    expect(versions.map((v: any) => v.Version)).toEqual(['$LATEST', '1']);
    expect(versions[1].CodeSha256).toBe(versions[0].CodeSha256);
  });

  test('the model object the function will load is in S3 and matches MODEL_DIGEST', () => {
    const env = fn.Configuration.Environment.Variables;
    expect(live.model.size).toBeGreaterThan(0);
    expect(live.model.digest).toBe(env.MODEL_DIGEST);
  });

  test('the key rotates, logs are kept 30 days, the on-failure queue is KMS-encrypted', () => {
    expect(live.keyRotation.KeyRotationEnabled).toBe(true);
    expect(live.logGroups[0].retentionInDays).toBe(30);
    expect(live.queue.KmsMasterKeyId).toContain(live.keyId);
    expect(live.queue.MessageRetentionPeriod).toBe('1209600');
  });

  test('what moto\'s CloudFormation skips, LocalDeploy creates through the service APIs: alias, warm pool, CodeDeploy, alarms', () => {
    const r = deployment.result;
    const viaApi = (type: string) => r.createdViaApi.filter(c => c.resourceType === type);
    const templateCount = (type: string) => r.skipped.filter(s => s.resourceType === type).length;
    // The alias the warm pool and CodeDeploy shift, on a real published version.
    expect(live.aliases.map((a: any) => a.Name)).toEqual(viaApi('AWS::Lambda::Alias').map(a => a.physicalId.split(':').pop()));
    expect(live.aliases).toHaveLength(1);
    expect(live.versions.map((v: any) => v.Version)).toContain(live.aliases[0].FunctionVersion);
    // The warm pool's scalable target on exactly that alias.
    expect(live.scalableTargets.map((t: any) => [t.ResourceId, t.ScalableDimension])).toEqual([
      [`function:${fn.Configuration.FunctionName}:${live.aliases[0].Name}`, 'lambda:function:ProvisionedConcurrency'],
    ]);
    // One CodeDeploy application; every alarm of the template exists under the name LocalDeploy reports.
    expect(live.codedeployApplications).toHaveLength(1);
    const alarmNames = viaApi('AWS::CloudWatch::Alarm').map(a => a.physicalId).sort();
    expect(alarmNames).toHaveLength(templateCount('AWS::CloudWatch::Alarm'));
    expect(live.alarms.map((a: any) => a.AlarmName).sort()).toEqual(expect.arrayContaining(alarmNames));
    // The rollback alarms watch the version the alias points to (ExecutedVersion resolved at deploy).
    const versionDims = live.alarms.flatMap((a: any) => [...(a.Dimensions ?? []), ...(a.Metrics ?? []).flatMap((m: any) => m.MetricStat?.Metric?.Dimensions ?? [])])
      .filter((d: any) => d.Name === 'ExecutedVersion').map((d: any) => d.Value);
    expect(versionDims.length).toBeGreaterThanOrEqual(3); // RollbackLatency (Duration), RollbackErrorRate (Errors, Invocations)
    expect(new Set(versionDims)).toEqual(new Set([live.aliases[0].FunctionVersion]));
  });
});

/**
 * Everything the assertions need, read from moto in ONE boto3 process (a python3 start per call
 * costs seconds on a busy machine; LocalDeploy.describeViaBoto3 starts one per call).
 */
function readBack(deployment: LocalDeploy): { [key: string]: any } {
  const r = deployment.result;
  const physical = (type: string) => r.created.find(c => c.resourceType === type)!.physicalId;
  const input = {
    endpoint: deployment.endpointUrl,
    region: r.region,
    functionName: r.outputs.FunctionName,
    keyId: physical('AWS::KMS::Key'),
    logGroup: physical('AWS::Logs::LogGroup'),
    queueUrl: physical('AWS::SQS::Queue'),
  };
  const run = spawnSync('python3', ['-c', READ_BACK], {
    input: JSON.stringify(input),
    encoding: 'utf-8',
    timeout: 120_000,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, PYTHONWARNINGS: 'ignore', AWS_ACCESS_KEY_ID: 'testing', AWS_SECRET_ACCESS_KEY: 'testing', AWS_EC2_METADATA_DISABLED: 'true' },
  });
  if (run.status !== 0) {
    throw new Error(`boto3 read-back failed (${run.status}): ${run.stderr}`);
  }
  return { ...JSON.parse(run.stdout), keyId: input.keyId };
}

const READ_BACK = `
import hashlib, json, sys
import boto3
i = json.load(sys.stdin)
c = lambda s: boto3.client(s, endpoint_url=i['endpoint'], region_name=i['region'])
lam, iam = c('lambda'), c('iam')
fn = lam.get_function(FunctionName=i['functionName'])
role_name = fn['Configuration']['Role'].split('/')[-1]
env = fn['Configuration']['Environment']['Variables']
body = c('s3').get_object(Bucket=env['MODEL_S3_BUCKET'], Key=env['MODEL_S3_KEY'])['Body'].read()
out = {
  'function': fn,
  'concurrency': lam.get_function_concurrency(FunctionName=i['functionName']),
  'versions': lam.list_versions_by_function(FunctionName=i['functionName'])['Versions'],
  'aliases': lam.list_aliases(FunctionName=i['functionName'])['Aliases'],
  'role': iam.get_role(RoleName=role_name)['Role'],
  'rolePolicies': [iam.get_role_policy(RoleName=role_name, PolicyName=n)['PolicyDocument'] for n in iam.list_role_policies(RoleName=role_name)['PolicyNames']],
  'attachedPolicies': iam.list_attached_role_policies(RoleName=role_name)['AttachedPolicies'],
  'model': {'size': len(body), 'digest': 'sha256:' + hashlib.sha256(body).hexdigest()},
  'keyRotation': c('kms').get_key_rotation_status(KeyId=i['keyId']),
  'logGroups': c('logs').describe_log_groups(logGroupNamePrefix=i['logGroup'])['logGroups'],
  'queue': c('sqs').get_queue_attributes(QueueUrl=i['queueUrl'], AttributeNames=['All'])['Attributes'],
  'scalableTargets': c('application-autoscaling').describe_scalable_targets(ServiceNamespace='lambda')['ScalableTargets'],
  'codedeployApplications': c('codedeploy').list_applications()['applications'],
  'alarms': c('cloudwatch').describe_alarms()['MetricAlarms'],
}
for k in ('function', 'concurrency'):
  out[k].pop('ResponseMetadata', None)
print(json.dumps(out, default=str))
`;
