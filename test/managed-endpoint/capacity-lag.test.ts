import * as vm from 'vm';
import { Size, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { AutoscalingPolicy, ScalingTrigger } from '../../lib';
import { EndpointMode, ManagedEndpoint, ManagedEndpointProps } from '../../lib/managed-endpoint';
import { CAPACITY_LAG_HANDLER } from '../../lib/managed-endpoint/private/capacity-lag';
import { CfnLint, NagCheck } from '../../lib/testing';
import { artifact, endpointStack, newStack, only, statementsWith } from './helpers';

/*
 * Issue 19 item 4 (cold start as a contract): the capacity on its way, published. SageMaker has
 * DesiredInstanceCount/CurrentInstanceCount and DesiredCopyCount/CurrentCopyCount only in its APIs; a
 * one-minute inline Lambda puts max(0, desired - current) into InferenceLanes/CapacityLag.
 */

// ---- the handler, evaluated with fake SDK clients ---------------------------------------------

interface Fakes {
  endpoint?: any;
  endpointError?: { name: string; message: string };
  components?: { [name: string]: any };
  componentErrors?: { [name: string]: { name: string; message: string } };
}

async function runHandler(env: { [k: string]: string }, fakes: Fakes): Promise<{ result: any; puts: any[]; calls: string[] }> {
  const puts: any[] = [];
  const calls: string[] = [];
  class Command { constructor(public readonly input: any) {} }
  class DescribeEndpointCommand extends Command {}
  class DescribeInferenceComponentCommand extends Command {}
  class PutMetricDataCommand extends Command {}
  const fail = (e: { name: string; message: string }) => Object.assign(new Error(e.message), { name: e.name });
  class SageMakerClient {
    async send(c: Command): Promise<any> {
      if (c instanceof DescribeEndpointCommand) {
        calls.push(`DescribeEndpoint ${c.input.EndpointName}`);
        if (fakes.endpointError) { throw fail(fakes.endpointError); }
        return fakes.endpoint;
      }
      const name = c.input.InferenceComponentName;
      calls.push(`DescribeInferenceComponent ${name}`);
      if (fakes.componentErrors?.[name]) { throw fail(fakes.componentErrors[name]); }
      return fakes.components?.[name];
    }
  }
  class CloudWatchClient { async send(c: Command): Promise<any> { puts.push(c.input); return {}; } }
  const modules: { [m: string]: any } = {
    '@aws-sdk/client-sagemaker': { SageMakerClient, DescribeEndpointCommand, DescribeInferenceComponentCommand },
    '@aws-sdk/client-cloudwatch': { CloudWatchClient, PutMetricDataCommand },
  };
  const sandbox: any = {
    exports: {},
    require: (m: string) => { if (!modules[m]) { throw new Error(`unexpected require ${m}`); } return modules[m]; },
    process: { env: { NAMESPACE: 'InferenceLanes', METRIC_NAME: 'CapacityLag', ...env } },
  };
  vm.runInNewContext(CAPACITY_LAG_HANDLER, sandbox);
  const result = await sandbox.exports.handler({});
  return { result, puts, calls };
}

describe('the inline handler (vm, fake SDK clients)', () => {
  test('real-time: desired minus current instances of the named variant, with EndpointName + VariantName', async () => {
    const { result, puts } = await runHandler({ ENDPOINT_NAME: 'chat', VARIANT_NAME: 'primary', COMPONENTS: '' }, {
      endpoint: { ProductionVariants: [
        { VariantName: 'other', DesiredInstanceCount: 9, CurrentInstanceCount: 1 },
        { VariantName: 'primary', DesiredInstanceCount: 5, CurrentInstanceCount: 2 },
      ] },
    });
    expect(result).toBe(1);
    expect(puts).toEqual([{
      Namespace: 'InferenceLanes',
      MetricData: [{ MetricName: 'CapacityLag', Dimensions: [{ Name: 'EndpointName', Value: 'chat' }, { Name: 'VariantName', Value: 'primary' }], Value: 3, Unit: 'Count' }],
    }]);
  });

  test('scale-in (desired below current) reads 0, not a negative lag; missing counts read 0', async () => {
    const { puts } = await runHandler({ ENDPOINT_NAME: 'chat', VARIANT_NAME: 'primary' }, {
      endpoint: { ProductionVariants: [{ VariantName: 'primary', DesiredInstanceCount: 1, CurrentInstanceCount: 4 }] },
    });
    expect(puts[0].MetricData[0].Value).toBe(0);
    const none = await runHandler({ ENDPOINT_NAME: 'chat', VARIANT_NAME: 'primary' }, { endpoint: { ProductionVariants: [{ VariantName: 'primary' }] } });
    expect(none.puts[0].MetricData[0].Value).toBe(0);
  });

  test('inference components: one datum per component (copies, InferenceComponentName) besides the variant', async () => {
    const { result, puts, calls } = await runHandler({ ENDPOINT_NAME: 'ic', VARIANT_NAME: 'primary', COMPONENTS: 'live,candidate' }, {
      endpoint: { ProductionVariants: [{ VariantName: 'primary', DesiredInstanceCount: 1, CurrentInstanceCount: 0 }] },
      components: {
        live: { RuntimeConfig: { DesiredCopyCount: 3, CurrentCopyCount: 1 } },
        candidate: { RuntimeConfig: { DesiredCopyCount: 1, CurrentCopyCount: 1 } },
      },
    });
    expect(calls).toEqual(['DescribeEndpoint ic', 'DescribeInferenceComponent live', 'DescribeInferenceComponent candidate']);
    expect(result).toBe(3);
    expect(puts).toHaveLength(1);
    expect(puts[0].MetricData.map((d: any) => [d.Dimensions, d.Value])).toEqual([
      [[{ Name: 'EndpointName', Value: 'ic' }, { Name: 'VariantName', Value: 'primary' }], 1],
      [[{ Name: 'InferenceComponentName', Value: 'live' }], 2],
      [[{ Name: 'InferenceComponentName', Value: 'candidate' }], 0],
    ]);
  });

  test('an endpoint or component not created yet is skipped; nothing to put puts nothing', async () => {
    const r = await runHandler({ ENDPOINT_NAME: 'chat', VARIANT_NAME: 'primary', COMPONENTS: 'later' }, {
      endpointError: { name: 'ValidationException', message: 'Could not find endpoint "chat".' },
      componentErrors: { later: { name: 'ValidationException', message: 'Could not find inference component "later".' } },
    });
    expect(r.result).toBe(0);
    expect(r.puts).toEqual([]);
  });

  test('any other error fails the invocation (the function Errors metric shows it)', async () => {
    await expect(runHandler({ ENDPOINT_NAME: 'chat', VARIANT_NAME: 'primary' }, { endpointError: { name: 'AccessDeniedException', message: 'not authorized' } }))
      .rejects.toThrow(/not authorized/);
  });

  test('fits the 4,096 characters CloudFormation accepts inline (Code.ZipFile)', () => {
    expect(CAPACITY_LAG_HANDLER.length).toBeLessThan(4096);
  });
});

// ---- what is rendered --------------------------------------------------------------------------

const scaled = () => new AutoscalingPolicy({ minCapacity: 1, maxCapacity: 3, triggers: [ScalingTrigger.inFlightPerInstance(4)] });

function icStack(extra: Partial<ManagedEndpointProps> = {}): { stack: Stack; endpoint: ManagedEndpoint } {
  const stack = newStack();
  const endpoint = new ManagedEndpoint(stack, 'Endpoint', {
    artifact: artifact(stack),
    mode: EndpointMode.inferenceComponents({ instanceType: 'ml.g5.12xlarge', maxInstanceCount: 2, computeReservation: { acceleratorCount: 1, memorySize: Size.gibibytes(16) } }),
    autoscaling: new AutoscalingPolicy({ scaleToZero: true, maxCapacity: 4, triggers: [ScalingTrigger.inFlightPerInstance(4)] }),
    ...extra,
  });
  return { stack, endpoint };
}

describe('the publisher (real-time default)', () => {
  const { stack, endpoint } = endpointStack({ autoscaling: scaled() });
  const t = Template.fromStack(stack);

  test('a Node.js 24 inline function reading this endpoint and variant, no retries, events older than a minute dropped', () => {
    const fn = only(t, 'AWS::Lambda::Function').Properties;
    expect(fn.Runtime).toBe('nodejs24.x');
    expect(fn.Handler).toBe('index.handler');
    expect(fn.Code.ZipFile).toContain("require('@aws-sdk/client-sagemaker')");
    expect(fn.Timeout).toBe(30);
    expect(fn.MemorySize).toBe(128);
    expect(fn.Environment.Variables).toEqual({
      ENDPOINT_NAME: { 'Fn::GetAtt': [expect.stringMatching(/^Endpoint/), 'EndpointName'] },
      VARIANT_NAME: 'primary', COMPONENTS: '', NAMESPACE: 'InferenceLanes', METRIC_NAME: 'CapacityLag',
    });
    t.hasResourceProperties('AWS::Lambda::EventInvokeConfig', { MaximumRetryAttempts: 0, MaximumEventAgeInSeconds: 60 });
    expect(endpoint.capacityLagFunction).toBeDefined();
  });

  test('every minute from an EventBridge rule (target: no retries, events at most a minute old)', () => {
    const rule = only(t, 'AWS::Events::Rule').Properties;
    expect(rule.ScheduleExpression).toBe('rate(1 minute)');
    expect(rule.Targets).toEqual([expect.objectContaining({
      Arn: { 'Fn::GetAtt': [only(t, 'AWS::Lambda::Function').logicalId, 'Arn'] },
      RetryPolicy: { MaximumRetryAttempts: 0, MaximumEventAgeInSeconds: 60 },
    })]);
  });

  test('log group with one month of retention, written by the function role only', () => {
    const lg = only(t, 'AWS::Logs::LogGroup');
    expect(lg.Properties.RetentionInDays).toBe(30);
    expect(only(t, 'AWS::Lambda::Function').Properties.LoggingConfig).toEqual({ LogGroup: { Ref: lg.logicalId } });
  });

  test('least privilege: DescribeEndpoint on the endpoint ARN, PutMetricData only into InferenceLanes', () => {
    const describe = statementsWith(t, 'sagemaker:DescribeEndpoint');
    expect(describe).toHaveLength(1);
    expect(describe[0].Resource).toEqual({ Ref: expect.stringMatching(/^Endpoint/) });
    const put = statementsWith(t, 'cloudwatch:PutMetricData').filter(s => s.Condition?.StringEquals?.['cloudwatch:namespace'] === 'InferenceLanes');
    expect(put).toHaveLength(1);
    expect(put[0].Resource).toBe('*');
    expect(statementsWith(t, 'sagemaker:DescribeInferenceComponent')).toEqual([]);
  });

  test('cdk-nag clean (the PutMetricData wildcard acknowledged on the publisher policy only), cfn-lint clean', () => {
    const nag = NagCheck.check(stack);
    expect(nag.errors.map(f => `${f.ruleId} ${f.resourcePath}`)).toEqual([]);
    expect(nag.warnings.map(f => `${f.ruleId} ${f.resourcePath}`)).toEqual([]);
    const lint = CfnLint.lintStack(stack);
    expect(CfnLint.format([...lint.errors, ...lint.warnings])).toBe('');
  });
});

describe('inference components: per-component copies too', () => {
  test('DescribeInferenceComponent on each component ARN (added models included), names in COMPONENTS; metricComponentCapacityLag', () => {
    const { stack, endpoint } = icStack();
    const candidate = endpoint.addModel('Candidate', { artifact: artifact(stack, '1.5.0'), computeReservation: { acceleratorCount: 1, memorySize: Size.gibibytes(16) } });
    const t = Template.fromStack(stack);
    const names = endpoint.inferenceComponents.map(c => c.componentName);
    expect(only(t, 'AWS::Lambda::Function').Properties.Environment.Variables.COMPONENTS).toBe(names.join(','));
    const resources = statementsWith(t, 'sagemaker:DescribeInferenceComponent').map(s => s.Resource);
    expect(resources).toEqual(names.map(n => ({ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':sagemaker:eu-west-1:111122223333:inference-component/' + n]] })));
    const m = endpoint.metricComponentCapacityLag(candidate) as any;
    expect(m.namespace).toBe('InferenceLanes');
    expect(m.dimensions).toEqual({ InferenceComponentName: candidate.componentName });
    expect((endpoint.metricCapacityLag() as any).dimensions.VariantName).toBe('primary');
  });
});

describe('inference components: instances in service published too', () => {
  test('IN_SERVICE_METRIC set only on component endpoints; the handler puts CurrentInstanceCount; metricCapacityInService returns it', async () => {
    const { stack, endpoint } = icStack();
    expect(only(Template.fromStack(stack), 'AWS::Lambda::Function').Properties.Environment.Variables.IN_SERVICE_METRIC).toBe('InstancesInService');
    const m = endpoint.metricCapacityInService() as any;
    expect([m.namespace, m.metricName, m.statistic]).toEqual(['InferenceLanes', 'InstancesInService', 'Average']);
    expect(m.dimensions.VariantName).toBe('primary');
    const rt = endpointStack().stack;
    expect(only(Template.fromStack(rt), 'AWS::Lambda::Function').Properties.Environment.Variables.IN_SERVICE_METRIC).toBeUndefined();
    const { puts } = await runHandler({ ENDPOINT_NAME: 'ic', VARIANT_NAME: 'primary', IN_SERVICE_METRIC: 'InstancesInService' }, {
      endpoint: { ProductionVariants: [{ VariantName: 'primary', DesiredInstanceCount: 2, CurrentInstanceCount: 1 }] },
    });
    expect(puts[0].MetricData.map((d: any) => [d.MetricName, d.Value])).toEqual([['CapacityLag', 1], ['InstancesInService', 1]]);
  });

  test('capacityLagMetric: false leaves metricCapacityInService undefined on components (nothing counts their instances)', () => {
    expect(icStack({ capacityLagMetric: false }).endpoint.metricCapacityInService()).toBeUndefined();
  });
});

describe('defaults and choices per mode', () => {
  test('async: no publisher by default; metricCapacityLag is HasBacklogWithoutCapacity (Maximum per minute)', () => {
    const stack = newStack();
    const endpoint = new ManagedEndpoint(stack, 'Endpoint', { artifact: artifact(stack), mode: EndpointMode.asynchronous({ instanceType: 'ml.m5.large' }) });
    Template.fromStack(stack).resourceCountIs('AWS::Lambda::Function', 0);
    const m = endpoint.metricCapacityLag() as any;
    expect([m.namespace, m.metricName, m.statistic, m.period.toSeconds()]).toEqual(['AWS/SageMaker', 'HasBacklogWithoutCapacity', 'Maximum', 60]);
  });

  test('async with capacityLagMetric: true renders the publisher too', () => {
    const stack = newStack();
    const endpoint = new ManagedEndpoint(stack, 'Endpoint', { artifact: artifact(stack), mode: EndpointMode.asynchronous({ instanceType: 'ml.m5.large' }), capacityLagMetric: true });
    Template.fromStack(stack).resourceCountIs('AWS::Lambda::Function', 1);
    expect((endpoint.metricCapacityLag() as any).namespace).toBe('InferenceLanes');
  });

  test('serverless: no publisher, undefined; capacityLagMetric: true is rejected with the reason', () => {
    const mode = () => EndpointMode.serverless({ memorySize: Size.gibibytes(4), maxConcurrency: 10 });
    const stack = newStack();
    const endpoint = new ManagedEndpoint(stack, 'Endpoint', { artifact: artifact(stack), mode: mode() });
    expect(endpoint.metricCapacityLag()).toBeUndefined();
    Template.fromStack(stack).resourceCountIs('AWS::Lambda::Function', 0);
    const other = newStack();
    expect(() => new ManagedEndpoint(other, 'Endpoint', { artifact: artifact(other), mode: mode(), capacityLagMetric: true }))
      .toThrow(/Test\/Endpoint: 'capacityLagMetric' \(true\) has nothing to measure on a serverless endpoint.*Fix: Drop capacityLagMetric/);
  });

  test('capacityLagMetric: false on inference components: no function, metrics undefined', () => {
    const { stack, endpoint } = icStack({ capacityLagMetric: false });
    Template.fromStack(stack).resourceCountIs('AWS::Lambda::Function', 0);
    expect(endpoint.metricCapacityLag()).toBeUndefined();
    expect(endpoint.metricComponentCapacityLag(endpoint.inferenceComponents[0])).toBeUndefined();
  });

  test('a non-boolean capacityLagMetric (plain JavaScript) is rejected', () => {
    const stack = newStack();
    expect(() => new ManagedEndpoint(stack, 'Endpoint', { artifact: artifact(stack), mode: EndpointMode.realTime({ instanceType: 'ml.m5.large' }), capacityLagMetric: 'yes' as unknown as boolean }))
      .toThrow(/'capacityLagMetric' \("yes"\) is not a boolean/);
  });
});
