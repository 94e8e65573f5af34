import { adaptTemplate, AdaptContext, plannedName, substituteInstanceType } from '../../lib/testing/private/emulator-adapter';
import { explainEmulatorFailure, lastMotoException } from '../../lib/testing/private/emulator-failures';

/**
 * LocalDeploy's template adaptation for the emulator, without a server (the deploy itself is
 * covered in local-deploy.test.ts).
 */
const KNOWN_TYPES = ['ml.m5.xlarge', 'ml.m5.large', 'ml.g4dn.xlarge', 'ml.g4dn.2xlarge', 'ml.p3.2xlarge', 'ml.inf1.xlarge', 'ml.c5.xlarge'];
const ctx = (over: Partial<AdaptContext> = {}): AdaptContext => ({
  stackName: 'UserStack', account: '111122223333', region: 'eu-west-1',
  supportedTypes: new Set(['AWS::KMS::Key', 'AWS::SageMaker::EndpointConfig', 'AWS::SQS::Queue', 'AWS::SSM::Parameter', 'AWS::Lambda::Function', 'AWS::Lambda::Version', 'AWS::CloudWatch::Dashboard']),
  sageMakerInstanceTypes: KNOWN_TYPES,
  attrSupported: (type, attr) => !(type === 'AWS::SQS::Queue' && attr === 'Nope'),
  ...over,
});

describe('adaptTemplate', () => {
  test('KMS key tags are removed and listed; untagged keys are left alone', () => {
    const input = { Resources: {
      Tagged: { Type: 'AWS::KMS::Key', Properties: { EnableKeyRotation: true, Tags: [{ Key: 'model:name', Value: 'm' }, { Key: 'team', Value: 'ml' }] } },
      Plain: { Type: 'AWS::KMS::Key', Properties: { EnableKeyRotation: true } },
    } };
    const r = adaptTemplate(input, ctx());
    expect(r.template.Resources.Tagged.Properties).toEqual({ EnableKeyRotation: true });
    expect(r.template.Resources.Plain.Properties).toEqual({ EnableKeyRotation: true });
    expect(r.adaptations).toEqual([{
      logicalId: 'Tagged', resourceType: 'AWS::KMS::Key', change: 'removed Tags (2: model:name, team)',
      reason: "moto's KMS CloudFormation handler crashes on tagged keys (KeyError: 'TagKey'); real AWS keeps the tags",
    }]);
    // The input (the real template) is not changed.
    expect(input.Resources.Tagged.Properties.Tags).toHaveLength(2);
  });

  test('an endpoint config for inference components (variants without ModelName) names the model of the component on each variant', () => {
    const component = (variant: string, model: string) => ({ Type: 'AWS::SageMaker::InferenceComponent', Properties: {
      EndpointName: { 'Fn::GetAtt': ['Endpoint', 'EndpointName'] }, VariantName: variant, Specification: { ModelName: { 'Fn::GetAtt': [model, 'ModelName'] } },
    } });
    const input = { Resources: {
      Config: { Type: 'AWS::SageMaker::EndpointConfig', Properties: { ProductionVariants: [
        { VariantName: 'a', InstanceType: 'ml.m5.xlarge', InitialInstanceCount: 1 },
        { VariantName: 'b', InstanceType: 'ml.m5.xlarge', InitialInstanceCount: 1 },
        { VariantName: 'c', InstanceType: 'ml.m5.xlarge', InitialInstanceCount: 1 },
        { VariantName: 'd', InstanceType: 'ml.m5.xlarge', ModelName: 'given' },
      ] } },
      Endpoint: { Type: 'AWS::SageMaker::Endpoint', Properties: { EndpointConfigName: { 'Fn::GetAtt': ['Config', 'EndpointConfigName'] } } },
      ForA: component('a', 'ModelA'), AlsoA: component('a', 'ModelA2'), ForB: component('b', 'ModelB'),
    } };
    const r = adaptTemplate(input, ctx());
    const variants = r.template.Resources.Config.Properties.ProductionVariants;
    // The first component of each variant names its model; a variant no component uses (c) and one with a model (d) are left alone.
    expect(variants.map((v: any) => v.ModelName)).toEqual([{ 'Fn::GetAtt': ['ModelA', 'ModelName'] }, { 'Fn::GetAtt': ['ModelB', 'ModelName'] }, undefined, 'given']);
    expect(r.adaptations.map((a) => a.change)).toEqual(['variant a names the model of inference component ForA', 'variant b names the model of inference component ForB']);
    expect(r.adaptations[0].reason).toMatch(/^moto's SageMaker crashes on an endpoint config whose variants name no model \(KeyError: 'ModelName'\)/);
    expect(input.Resources.Config.Properties.ProductionVariants[0]).not.toHaveProperty('ModelName');
  });

  test('an instance type moto does not know is swapped for the nearest it knows, in live and shadow variants', () => {
    const input = { Resources: { Config: { Type: 'AWS::SageMaker::EndpointConfig', Properties: {
      ProductionVariants: [{ VariantName: 'a', InstanceType: 'ml.g5.2xlarge' }, { VariantName: 'b', InstanceType: 'ml.m5.xlarge' }, { VariantName: 's', ServerlessConfig: { MemorySizeInMB: 2048 } }],
      ShadowProductionVariants: [{ VariantName: 'c', InstanceType: 'ml.inf2.xlarge' }],
    } } } };
    const r = adaptTemplate(input, ctx());
    const props = r.template.Resources.Config.Properties;
    expect(props.ProductionVariants.map((v: any) => v.InstanceType)).toEqual(['ml.g4dn.2xlarge', 'ml.m5.xlarge', undefined]);
    expect(props.ShadowProductionVariants[0].InstanceType).toBe('ml.inf1.xlarge');
    expect(r.adaptations.map((a) => a.change)).toEqual([
      'ProductionVariants[0].InstanceType ml.g5.2xlarge -> ml.g4dn.2xlarge',
      'ShadowProductionVariants[0].InstanceType ml.inf2.xlarge -> ml.inf1.xlarge',
    ]);
    expect(r.adaptations[0].reason).toBe("moto's SageMaker does not know ml.g5.2xlarge (it accepts 7 older types); real AWS gets ml.g5.2xlarge");
  });

  test.each([
    ['ml.g5.xlarge', 'ml.g4dn.xlarge'],
    ['ml.g6e.2xlarge', 'ml.g4dn.2xlarge'],
    ['ml.g5.48xlarge', 'ml.g4dn.xlarge'], // no 48xlarge GPU type: any g4dn
    ['ml.p5.48xlarge', 'ml.g4dn.xlarge'],
    ['ml.inf2.xlarge', 'ml.inf1.xlarge'],
    ['ml.trn1.2xlarge', 'ml.inf1.xlarge'],
    ['ml.c7i.xlarge', 'ml.c5.xlarge'],
    ['ml.m7i.large', 'ml.m5.large'],
    ['ml.t3.medium', 'ml.m5.xlarge'],
  ])('substituteInstanceType(%s) = %s', (wanted, expected) => {
    expect(substituteInstanceType(wanted, KNOWN_TYPES)).toBe(expected);
  });

  test('an SSM parameter without a name gets one (moto crashes otherwise); a named one is kept', () => {
    const r = adaptTemplate({ Resources: {
      P: { Type: 'AWS::SSM::Parameter', Properties: { Type: 'String', Value: 'v' } },
      Q: { Type: 'AWS::SSM::Parameter', Properties: { Type: 'String', Value: 'v', Name: '/mine' } },
    } }, ctx());
    expect(r.template.Resources.P.Properties.Name).toBe('/UserStack/P');
    expect(r.template.Resources.Q.Properties.Name).toBe('/mine');
    expect(r.adaptations.map((a) => `${a.logicalId}: ${a.change}`)).toEqual(['P: Name set to /UserStack/P']);
  });

  test("placeholder availability zones (a concrete region without a zone lookup) become the region's zones", () => {
    const r = adaptTemplate({ Resources: {
      A: { Type: 'AWS::EC2::Subnet', Properties: { AvailabilityZone: 'dummy1a', CidrBlock: '10.0.0.0/24' } },
      B: { Type: 'AWS::EC2::Subnet', Properties: { AvailabilityZone: 'eu-west-1b' } },
      C: { Type: 'AWS::AutoScaling::AutoScalingGroup', Properties: { AvailabilityZones: ['dummy1a', 'dummy1b'], Tags: [{ Key: 'note', Value: 'dummy1a' }] } },
    } }, ctx({ supportedTypes: new Set(['AWS::EC2::Subnet', 'AWS::AutoScaling::AutoScalingGroup']) }));
    expect(r.template.Resources.A.Properties.AvailabilityZone).toBe('eu-west-1a');
    expect(r.template.Resources.B.Properties.AvailabilityZone).toBe('eu-west-1b');
    expect(r.template.Resources.C.Properties.AvailabilityZones).toEqual(['eu-west-1a', 'eu-west-1b']);
    // Only zone properties: the same text elsewhere is left alone.
    expect(r.template.Resources.C.Properties.Tags[0].Value).toBe('dummy1a');
    expect(r.adaptations.map((a) => `${a.logicalId}: ${a.change}`)).toEqual([
      'A: availability zones dummy1a -> eu-west-1a',
      'C: availability zones dummy1a -> eu-west-1a, dummy1b -> eu-west-1b',
    ]);
  });

  test('a Lambda-backed custom resource is removed; its attributes become placeholders and DependsOn on it is dropped', () => {
    const r = adaptTemplate({ Resources: {
      Fn: { Type: 'AWS::Lambda::Function', Properties: {} },
      Health: { Type: 'Custom::FleetHealth', Properties: { ServiceToken: { 'Fn::GetAtt': ['Fn', 'Arn'] } } },
      Param: { Type: 'AWS::SSM::Parameter', DependsOn: ['Health', 'Fn'], Properties: { Name: '/p', Type: 'String', Value: { 'Fn::GetAtt': ['Health', 'Data.Count'] } } },
      Other: { Type: 'AWS::SQS::Queue', DependsOn: 'Health' },
    } }, ctx());
    expect(r.removed).toEqual(['Health']);
    expect(r.template.Resources.Health).toBeUndefined();
    expect(r.template.Resources.Param.Properties.Value).toBe('local-deploy-placeholder-Health-Data.Count');
    expect(r.template.Resources.Param.DependsOn).toEqual(['Fn']);
    expect(r.template.Resources.Other.DependsOn).toBeUndefined();
    expect(r.adaptations.map((a) => `${a.logicalId} ${a.resourceType}: ${a.change}`)).toEqual([
      'Health Custom::FleetHealth: removed from the emulator template; references to it get placeholder values',
      "Param AWS::SSM::Parameter: references to resources the emulator's CloudFormation does not create replaced: GetAtt Health.Data.Count -> 'local-deploy-placeholder-Health-Data.Count'; DependsOn without Health",
      "Other AWS::SQS::Queue: references to resources the emulator's CloudFormation does not create replaced: DependsOn without Health",
    ]);
  });

  test('a Lambda permission on a skipped alias is removed (moto answers 404) and its references come back for the API; one on a function stays', () => {
    const r = adaptTemplate({ Resources: {
      Fn: { Type: 'AWS::Lambda::Function', Properties: {} },
      Alias: { Type: 'AWS::Lambda::Alias', Properties: { FunctionName: { Ref: 'Fn' }, Name: 'live' } },
      Rule: { Type: 'AWS::SQS::Queue' },
      OnAlias: { Type: 'AWS::Lambda::Permission', Properties: { FunctionName: { Ref: 'Alias' }, Action: 'lambda:InvokeFunction', Principal: 'events.amazonaws.com', SourceArn: { 'Fn::GetAtt': ['Rule', 'Arn'] } } },
      OnFunction: { Type: 'AWS::Lambda::Permission', Properties: { FunctionName: { 'Fn::GetAtt': ['Fn', 'Arn'] }, Action: 'lambda:InvokeFunction', Principal: 'events.amazonaws.com' } },
    } }, ctx({ supportedTypes: new Set(['AWS::Lambda::Function', 'AWS::Lambda::Permission', 'AWS::SQS::Queue']) }));
    expect(r.removed).toEqual(['OnAlias']);
    expect(r.template.Resources.OnAlias).toBeUndefined();
    expect(r.template.Resources.OnFunction.Properties.FunctionName).toEqual({ 'Fn::GetAtt': ['Fn', 'Arn'] });
    expect(r.adaptations.find((a) => a.logicalId === 'OnAlias')).toEqual({
      logicalId: 'OnAlias', resourceType: 'AWS::Lambda::Permission',
      change: 'removed from the emulator template; added through the Lambda API after the deploy',
      reason: "its function Alias (AWS::Lambda::Alias) is not created by moto's CloudFormation, and AddPermission on it answers 404, which fails the stack",
    });
    expect(r.refOutputs).toEqual(expect.arrayContaining([{ outputKey: expect.any(String), logicalId: 'Rule', attribute: 'Arn' }]));
  });

  test('references to skipped resources become the names LocalDeploy creates them with (Ref, GetAtt, Sub, Outputs)', () => {
    const r = adaptTemplate({
      Resources: {
        Alarm: { Type: 'AWS::CloudWatch::Alarm', Properties: {} },
        Named: { Type: 'AWS::CloudWatch::Alarm', Properties: { AlarmName: 'my-alarm' } },
        Group: { Type: 'AWS::IoT::ThingGroup', Properties: {} },
        Policy: { Type: 'AWS::ApplicationAutoScaling::ScalingPolicy', Properties: { PolicyName: 'p' } },
        Board: { Type: 'AWS::CloudWatch::Dashboard', Properties: { DashboardBody: { 'Fn::Join': ['', ['{"alarms":["', { 'Fn::GetAtt': ['Alarm', 'Arn'] }, '","', { 'Fn::GetAtt': ['Named', 'Arn'] }, '"]}']] } } },
        Queue: { Type: 'AWS::SQS::Queue', Properties: { Tags: [
          { Key: 'a', Value: { Ref: 'Named' } }, { Key: 'g', Value: { 'Fn::Sub': 'group ${Group} arn ${Group.Arn} ${AWS::Region} ${!Literal}' } },
          { Key: 'p', Value: { Ref: 'Policy' } }, { Key: 'v', Value: { 'Fn::Sub': ['${X}', { X: { Ref: 'Named' } }] } },
        ] } },
      },
      Outputs: { AlarmArn: { Value: { 'Fn::GetAtt': ['Alarm', 'Arn'] } } },
    }, ctx());
    expect(r.plannedNames).toEqual({ Alarm: 'UserStack-Alarm', Named: 'my-alarm', Group: 'UserStack-Group', Policy: 'p' });
    expect(r.template.Resources.Board.Properties.DashboardBody['Fn::Join'][1]).toEqual([
      '{"alarms":["', 'arn:aws:cloudwatch:eu-west-1:111122223333:alarm:UserStack-Alarm', '","', 'arn:aws:cloudwatch:eu-west-1:111122223333:alarm:my-alarm', '"]}',
    ]);
    expect(r.template.Resources.Queue.Properties.Tags).toEqual([
      { Key: 'a', Value: 'my-alarm' },
      { Key: 'g', Value: { 'Fn::Sub': 'group UserStack-Group arn arn:aws:iot:eu-west-1:111122223333:thinggroup/UserStack-Group ${AWS::Region} ${!Literal}' } },
      // A scaling policy's Ref is its ARN, only known once created: an ARN-shaped placeholder.
      { Key: 'p', Value: 'arn:aws:applicationautoscaling:eu-west-1:111122223333:local-deploy-placeholder/Policy' },
      { Key: 'v', Value: { 'Fn::Sub': ['${X}', { X: 'my-alarm' }] } },
    ]);
    expect(r.template.Outputs.AlarmArn.Value).toBe('arn:aws:cloudwatch:eu-west-1:111122223333:alarm:UserStack-Alarm');
    // Skipped resources themselves are not rewritten (LocalDeploy resolves them after the deploy).
    expect(r.template.Resources.Alarm).toEqual({ Type: 'AWS::CloudWatch::Alarm', Properties: {} });
  });

  test('values skipped resources need come back as string outputs; unsupported attributes and Lambda versions do not', () => {
    const r = adaptTemplate({ Resources: {
      Queue: { Type: 'AWS::SQS::Queue' },
      Fn: { Type: 'AWS::Lambda::Function', Properties: {} },
      Version: { Type: 'AWS::Lambda::Version', Properties: { FunctionName: { Ref: 'Fn' } } },
      Alarm: { Type: 'AWS::CloudWatch::Alarm', Properties: { Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': ['Queue', 'QueueName'] } }, { Name: 'X', Value: { 'Fn::GetAtt': ['Queue', 'Nope'] } }] } },
      Alias: { Type: 'AWS::Lambda::Alias', Properties: { FunctionName: { Ref: 'Fn' }, FunctionVersion: { 'Fn::GetAtt': ['Version', 'Version'] }, Name: 'live' } },
    } }, ctx());
    // The version's function (for ListVersionsByFunction) and the queue name; not Queue.Nope (moto cannot resolve it).
    expect(r.refOutputs).toEqual([
      { outputKey: 'LocalDeployRef0', logicalId: 'Fn', attribute: undefined },
      { outputKey: 'LocalDeployRef1', logicalId: 'Queue', attribute: 'QueueName' },
    ]);
    expect(r.template.Outputs).toEqual({
      LocalDeployRef0: { Value: { 'Fn::Join': ['', [{ Ref: 'Fn' }]] } },
      LocalDeployRef1: { Value: { 'Fn::Join': ['', [{ 'Fn::GetAtt': ['Queue', 'QueueName'] }]] } },
    });
    expect(r.lambdaVersions).toEqual({ Version: 'Fn' });
  });

  test('plannedName: literal names win, intrinsic names are resolved later, generated names fit the service', () => {
    expect(plannedName('AWS::CloudWatch::Alarm', 'A', { AlarmName: 'x' }, 'S')).toBe('x');
    expect(plannedName('AWS::CloudWatch::Alarm', 'A', { AlarmName: { Ref: 'AWS::StackName' } }, 'S')).toBeUndefined();
    expect(plannedName('AWS::IoT::ThingGroup', 'G', {}, 'My.Stack')).toBe('My-Stack-G');
    expect(plannedName('AWS::CodeDeploy::Application', 'A'.repeat(120), {}, 'S')).toHaveLength(100);
    expect(plannedName('AWS::SQS::Queue', 'Q', {}, 'S')).toBeUndefined();
  });
});

describe('explainEmulatorFailure', () => {
  const types = (id: string) => ({ Alarm1: 'AWS::CloudWatch::Alarm' } as { [id: string]: string })[id] ?? '';
  test.each([
    ['Template error: instance of Fn::GetAtt references undefined resource Alarm1', /a resource moto creates reads an attribute of Alarm1 \(AWS::CloudWatch::Alarm\), which moto's CloudFormation does not create/],
    ["    raise KeyError: 'TagKey'", /moto's KMS CloudFormation handler crashes on an AWS::KMS::Key with Tags[^]*Fix: keep adaptForEmulator on/],
    ["Value 'ml.g5.xlarge' at 'instanceType' failed to satisfy constraint", /moto's SageMaker rejects instance type ml.g5.xlarge[^]*swaps it for the nearest type/],
    ["File \".../moto/ssm/models.py\", line 2216\nAttributeError: 'NoneType' object has no attribute 'lower'", /AWS::SSM::Parameter without Name/],
    ["KeyError: 'Value'", /a Ref to a resource moto skipped resolved to nothing/],
    ['spawn docker ENOENT... docker: not found', /needs Docker, which is not available here/],
    ['InvalidParameterValue: Value (dummy1a) for parameter availabilityZone is invalid.', /synthesized the placeholder zone dummy1a, which moto rejects[^]*cdk.context.json/],
  ])('%s', (text, expected) => {
    expect(explainEmulatorFailure(text, types).join('\n')).toMatch(expected);
  });

  test('an unknown failure gets no invented explanation', () => {
    expect(explainEmulatorFailure('AccessDenied: nope', types)).toEqual([]);
  });

  test("lastMotoException finds the exception line of moto's traceback", () => {
    expect(lastMotoException("Traceback...\n  File x\nKeyError: 'TagKey'\n127.0.0.1 - - \"POST / HTTP/1.1\" 500 -\n")).toBe("KeyError: 'TagKey'");
    expect(lastMotoException('all good')).toBeUndefined();
  });
});
