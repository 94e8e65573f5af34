import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as greengrassv2 from 'aws-cdk-lib/aws-greengrassv2';
import { createEdgePrivacyStack } from '../../examples/edge-privacy';
import { CfnLint, NagCheck } from '../../lib/testing';

// GIVEN the edge privacy example (gateways + kiosks, canary rings, abort thresholds), built once
let stack: Stack;
let template: Template;
beforeAll(() => {
  stack = createEdgePrivacyStack(new App(), 'EdgePrivacy');
  template = Template.fromStack(stack);
});

test('two device classes, each with a canary and a fleet deployment and abort thresholds', () => {
  template.resourceCountIs('AWS::GreengrassV2::ComponentVersion', 1);
  template.resourceCountIs('AWS::GreengrassV2::Deployment', 4);
  template.resourceCountIs('AWS::IoT::ThingGroup', 4);
  template.resourceCountIs('AWS::CloudWatch::Alarm', 4);
  template.hasResourceProperties('AWS::GreengrassV2::Deployment', {
    DeploymentName: 'com.example.AssistantModel-kiosks-canary',
    Components: { 'com.example.AssistantModel': { ComponentVersion: '1.4.0', ConfigurationUpdate: { Merge: '{"Threads":"2"}' } } },
    IotJobConfiguration: {
      AbortConfig: { CriteriaList: [{ FailureType: 'ALL', Action: 'CANCEL', ThresholdPercentage: 10, MinNumberOfExecutedThings: 3 }] },
      TimeoutConfig: { InProgressTimeoutInMinutes: 30 },
    },
  });
  template.hasResourceProperties('AWS::GreengrassV2::Deployment', {
    DeploymentName: 'com.example.AssistantModel-gateways-fleet',
    Components: { 'com.example.AssistantModel': { ComponentVersion: '1.3.0' } },
  });
});

test('passes cfn-lint; the same run shows the schema rejects the camelCase the untyped L1 lets through (aws-cdk #32459)', () => {
  // GIVEN the raw L1 written the way its typings suggest: `rateIncreaseCriteria` is typed `any`, so
  // the CDK passes its camelCase keys through untouched
  const raw = new Stack(new App(), 'Raw');
  new greengrassv2.CfnDeployment(raw, 'RawCamelCase', {
    targetArn: 'arn:aws:iot:us-east-1:123456789012:thinggroup/g',
    iotJobConfiguration: {
      jobExecutionsRolloutConfig: {
        exponentialRate: { baseRatePerMinute: 5, incrementFactor: 2, rateIncreaseCriteria: { numberOfSucceededThings: 5 } },
      },
    },
  });
  const rawResources = Template.fromStack(raw).toJSON().Resources;
  // WHEN one cfn-lint run checks the example template with that resource added
  const json = template.toJSON();
  const result = CfnLint.lintTemplateJson(JSON.stringify({ ...json, Resources: { ...json.Resources, ...rawResources } }));
  // THEN every error is on the raw resource: the example's own rendering (PascalCase) is clean...
  expect(CfnLint.format(result.errors.filter(e => !e.logicalId?.startsWith('RawCamelCase')))).toBe('');
  // ...and the schema rejects the camelCase key
  expect(result.errors.map(e => `${e.rule} ${e.logicalId}`)).toContain(`E3002 ${Object.keys(rawResources)[0]}`);
  expect(CfnLint.format(result.errors)).toMatch(/'numberOfSucceededThings' was unexpected/);
  // The only warning is W3005 inside the CDK's own AwsCustomResource provider function.
  expect(result.warnings.map(w => `${w.rule} ${w.logicalId}`)).toEqual([expect.stringMatching(/^W3005 AWS679f53fac002430cb0da5b7982bd2287/)]);
});

test('passes cdk-nag AwsSolutions with no suppression in the example (the lane acknowledges its own design findings)', () => {
  const result = NagCheck.check(stack);
  expect(NagCheck.format([...result.errors, ...result.warnings])).toBe('');
});

test('snapshot', () => {
  expect(template.toJSON()).toMatchSnapshot();
});
