import { App, Duration, Stack } from 'aws-cdk-lib';
import * as kms from 'aws-cdk-lib/aws-kms';
import { AutoscalingPolicy, Rollout, ScalingTrigger, ServiceLevelObjective } from '../../lib';
import { EndpointMode, ManagedEndpoint } from '../../lib/managed-endpoint';
import { LocalDeploy } from '../../lib/testing';
import { demoArtifact } from '../../examples/shared/artifact';

/*
 * Local deploy of a real-time ManagedEndpoint to moto (one ml.m5.large fleet of 2, autoscaling to 4,
 * SLO alarms and a canary rollout).
 *
 * Verified for real (boto3 against moto after `cdk deploy`): the model file is uploaded to the assets
 * bucket, the SageMaker model, endpoint configuration and endpoint exist and point at each other, the
 * model uses the execution role, the image and exactly the uploaded weights, the endpoint configuration
 * has the instance type, count, variant name and volume KMS key, and the endpoint is InService.
 *
 * NOT verifiable on moto: Application Auto Scaling (scalable target, target-tracking policy), the
 * CloudWatch alarms, the Application Signals SLOs and the capacity-lag publisher's EventInvokeConfig and invoke
 * permission are skipped by moto's CloudFormation (the stack still says CREATE_COMPLETE); moto
 * ignores the endpoint's DeploymentConfig / RetainAllVariantProperties and never runs the container.
 * Those are covered by the synth tests and cfn-lint only.
 *
 * The KMS key is created beside the endpoint and passed in (untagged): moto 5.2.1 fails on
 * AWS::KMS::Key resources with Tags (KeyError 'TagKey' in its tagging service), and the endpoint tags
 * everything it creates. Real CloudFormation accepts tagged keys.
 */
// No skipping: without moto, LocalDeploy throws with the install command.
const describeIfMoto = describe;

describeIfMoto('real-time managed endpoint on moto', () => {
  let deployment: LocalDeploy;
  beforeAll(() => {
    const stack = new Stack(new App(), 'ManagedEndpointLocal');
    new ManagedEndpoint(stack, 'Chat', {
      artifact: demoArtifact('1.4.0'),
      encryptionKey: new kms.Key(stack, 'Key', { enableKeyRotation: true }),
      mode: EndpointMode.realTime({ instanceType: 'ml.m5.large' }),
      autoscaling: new AutoscalingPolicy({ minCapacity: 2, maxCapacity: 4, triggers: [ScalingTrigger.inFlightPerInstance(4)] }),
      slo: ServiceLevelObjective.latency(95, Duration.millis(300), { maxErrorRatePercent: 1 }),
      rollout: Rollout.canary({ percent: 50, bakeTime: Duration.minutes(5) }),
    });
    deployment = LocalDeploy.deployStack(stack);
  });
  afterAll(() => deployment?.stop());

  test('the stack deploys; moto skips only autoscaling, alarms and the Application Signals SLOs', () => {
    const r = deployment.result;
    expect(r.stackStatus).toBe('CREATE_COMPLETE');
    const created = r.created.map(c => c.resourceType).sort();
    expect(created).toEqual(expect.arrayContaining([
      'AWS::IAM::Policy', 'AWS::IAM::Role', 'AWS::KMS::Key',
      'AWS::SageMaker::Endpoint', 'AWS::SageMaker::EndpointConfig', 'AWS::SageMaker::Model',
      // The capacity-lag publisher (capacityLagMetric, default on): moto creates the function, its log group and rule.
      'AWS::Events::Rule', 'AWS::Lambda::Function', 'AWS::Logs::LogGroup',
    ]));
    const skipped = r.skipped.map(s => s.resourceType).sort();
    expect(skipped).toEqual([
      'AWS::ApplicationAutoScaling::ScalableTarget',
      'AWS::ApplicationAutoScaling::ScalingPolicy',
      'AWS::ApplicationSignals::ServiceLevelObjective', // SLO latency
      'AWS::ApplicationSignals::ServiceLevelObjective', // SLO error rate
      'AWS::CloudWatch::Alarm', // SLO latency
      'AWS::CloudWatch::Alarm', // SLO error rate
      'AWS::CloudWatch::Alarm', 'AWS::CloudWatch::Alarm', // latency fast and slow burn
      'AWS::CloudWatch::Alarm', 'AWS::CloudWatch::Alarm', // error-rate fast and slow burn
      'AWS::Lambda::EventInvokeConfig', 'AWS::Lambda::Permission', // the publisher's retry settings and the rule's invoke permission
    ]);
    console.log(`managed-endpoint local deploy: ${r.created.length} created (${created.join(', ')}), ${r.skipped.length} skipped (${skipped.join(', ')}); `
      + `deploy ${Math.round(r.timings.deployMs / 1000)} s, total ${Math.round(r.timings.totalMs / 1000)} s`);
  });

  test('model, endpoint config and endpoint really exist and point at each other', () => {
    const r = deployment.result;
    const id = (type: string) => r.created.find(c => c.resourceType === type)!.physicalId.split('/').pop()!;
    const role = r.created.find(c => c.resourceType === 'AWS::IAM::Role')!.physicalId;
    const bucket = `cdk-hnb659fds-assets-${r.account}-${r.region}`;
    const [model, config, endpoint, objects, roleInfo] = deployment.describeAllViaBoto3(JSON.stringify([
      { service: 'sagemaker', operation: 'describe_model', params: { ModelName: id('AWS::SageMaker::Model') } },
      { service: 'sagemaker', operation: 'describe_endpoint_config', params: { EndpointConfigName: id('AWS::SageMaker::EndpointConfig') } },
      { service: 'sagemaker', operation: 'describe_endpoint', params: { EndpointName: id('AWS::SageMaker::Endpoint') } },
      { service: 's3', operation: 'list_objects_v2', params: { Bucket: bucket } },
      { service: 'iam', operation: 'get_role', params: { RoleName: role } },
    ]));

    // the model: image, the uploaded weights, the execution role
    expect(model.PrimaryContainer.Image).toBe('763104351884.dkr.ecr.us-east-1.amazonaws.com/pytorch-inference:2.3.0-cpu-py311-ubuntu20.04-sagemaker');
    const key = (model.PrimaryContainer.ModelDataUrl as string).replace(`s3://${bucket}/`, '');
    expect((objects.Contents ?? []).map((o: { Key: string }) => o.Key)).toContain(key);
    expect(model.ExecutionRoleArn).toBe(roleInfo.Role.Arn);
    // the MODEL_* environment, its tokens resolved at deploy: the same location as ModelDataUrl
    expect(model.PrimaryContainer.Environment).toEqual(expect.objectContaining({
      MODEL_NAME: 'assistant', MODEL_VERSION: '1.4.0', MODEL_S3_URI: model.PrimaryContainer.ModelDataUrl, MODEL_S3_BUCKET: bucket, MODEL_S3_KEY: key,
      MODEL_LOCAL_DIR: '/opt/ml/model', MODEL_DIGEST: expect.stringMatching(/^sha256:[0-9a-f]{64}$/),
    }));

    // the endpoint configuration: the model, instance type and count, variant, volume key
    expect(config.ProductionVariants).toEqual([expect.objectContaining({
      VariantName: 'primary', ModelName: model.ModelName, InstanceType: 'ml.m5.large', InitialInstanceCount: 2,
    })]);
    expect(config.KmsKeyId).toMatch(/^arn:aws:kms:us-east-1:\d{12}:key\//);

    // the endpoint: on that configuration, in service
    expect(endpoint.EndpointConfigName).toBe(config.EndpointConfigName);
    expect(endpoint.EndpointStatus).toBe('InService');
    console.log(`managed-endpoint on moto: model ${model.ModelName}, config ${config.EndpointConfigName}, endpoint ${endpoint.EndpointName} ${endpoint.EndpointStatus}`);
  });
});
