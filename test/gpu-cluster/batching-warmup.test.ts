import { Duration } from 'aws-cdk-lib';
import * as cdk8s from 'cdk8s';
import { DynamicBatching } from '../../lib/core';
import { GpuServingChart, GpuServingChartProps, ServedModel, ServingRuntime, TritonModelConfig } from '../../lib/gpu-cluster';

// The shared DynamicBatching contract and Triton warm-up, as the chart renders them into config.pbtxt
// (Triton) or the vLLM command line.

const MODEL: ServedModel = {
  name: 'recsys', version: '1.4.0',
  weightsUri: 's3://models-bucket/recsys/1.4.0/model.tar.gz',
  imageUri: 'nvcr.io/nvidia/tritonserver:24.08-py3',
  framework: 'onnx',
};
const LLM: ServedModel = { name: 'assistant', version: '2.0.0', weightsUri: 's3://models-bucket/assistant/2.0.0/', imageUri: 'vllm/vllm-openai:v0.10.1' };
const BATCH = new DynamicBatching({ maxBatchSize: 16, maxQueueDelay: Duration.millis(5), preferredBatchSizes: [8, 16], throughputGainPercent: 40 });
const FIXED_INPUT = [{ name: 'INPUT__0', dataType: 'TYPE_FP16', dims: [256] }];
const OUTPUT = [{ name: 'OUTPUT__0', dataType: 'TYPE_FP16', dims: [100] }];

function chart(props: Partial<GpuServingChartProps> = {}): GpuServingChart {
  return new GpuServingChart(new cdk8s.App(), 'recsys', { namespace: 'recsys', model: MODEL, ...props });
}
function pbtxt(c: GpuServingChart): string {
  const cm = c.toJson().find((o: any) => o.kind === 'ConfigMap');
  if (!cm) { throw new Error('no ConfigMap'); }
  return cm.data['config.pbtxt'];
}
const command = (c: GpuServingChart) => c.toJson().find((o: any) => o.kind === 'Deployment').spec.template.spec.containers[0].command as string[];

describe('DynamicBatching on Triton', () => {
  test('renders max_batch_size and dynamic_batching in config.pbtxt; without a triton config one is made for the framework', () => {
    const c = chart({ dynamicBatching: BATCH });
    expect(pbtxt(c)).toBe([
      'name: "recsys"',
      'platform: "onnxruntime_onnx"',
      'max_batch_size: 16',
      'dynamic_batching {',
      '  preferred_batch_size: [ 8, 16 ]',
      '  max_queue_delay_microseconds: 5000',
      '}',
      'instance_group [', '  {', '    count: 1', '    kind: KIND_GPU', '  }', ']',
      '',
    ].join('\n'));
    expect(c.dynamicBatching).toBe(BATCH);
  });

  test('a triton config without batch props takes the batch from the contract and keeps its own settings', () => {
    const text = pbtxt(chart({ dynamicBatching: BATCH, triton: new TritonModelConfig({ instanceCount: 2, inputs: FIXED_INPUT, outputs: OUTPUT }) }));
    expect(text).toContain('max_batch_size: 16\n');
    expect(text).toContain('  count: 2\n');
    expect(text).toContain('preferred_batch_size: [ 8, 16 ]');
  });

  test('the deprecated triton batch props still render when there is no contract', () => {
    const text = pbtxt(chart({ triton: new TritonModelConfig({ maxBatchSize: 32, preferredBatchSizes: [16, 32], maxQueueDelay: Duration.millis(2) }) }));
    expect(text).toContain('max_batch_size: 32\ndynamic_batching {\n  preferred_batch_size: [ 16, 32 ]\n  max_queue_delay_microseconds: 2000\n}');
  });

  test('without a contract or a config there is no config.pbtxt (by omission)', () => {
    expect(chart().toJson().filter((o: any) => o.kind === 'ConfigMap')).toEqual([]);
    expect(chart().dynamicBatching).toBeUndefined();
  });

  test('a queue delay of 10 seconds is accepted, 10.001 s is not', () => {
    expect(pbtxt(chart({ dynamicBatching: new DynamicBatching({ maxBatchSize: 8, maxQueueDelay: Duration.seconds(10) }) }))).toContain('max_queue_delay_microseconds: 10000000');
    expect(() => chart({ dynamicBatching: new DynamicBatching({ maxBatchSize: 8, maxQueueDelay: Duration.millis(10001) }) }))
      .toThrow(/recsys: 'dynamicBatching.maxQueueDelay' .* GpuClusterService \(Triton\) waits a whole number of milliseconds, at most 10 seconds/);
  });

  test.each([
    ['batch props in both places', { triton: new TritonModelConfig({ maxBatchSize: 8 }), dynamicBatching: BATCH },
      /recsys: 'triton.maxBatchSize' \(8\) conflicts with dynamicBatching \(dynamicBatching\(max 16, delay 5 millis, preferred 8\/16\)\)\. Fix: Drop maxBatchSize, preferredBatchSizes and maxQueueDelay from the Triton config/],
    ['a config that turns batching off', { triton: new TritonModelConfig({ dynamicBatching: false }), dynamicBatching: BATCH },
      /'triton.dynamicBatching' \(false\) conflicts with dynamicBatching/],
    ['a config with no batch at all', { triton: new TritonModelConfig({}) },
      /recsys: 'triton.maxBatchSize' is not set and the chart has no dynamicBatching: Triton needs max_batch_size/],
    ['a framework without a Triton platform', { model: { ...MODEL, framework: 'sklearn' }, dynamicBatching: BATCH },
      /'dynamicBatching' \("dynamicBatching\(max 16.*\)"\) renders a Triton config.pbtxt, which needs a platform, and framework 'sklearn' has none/],
  ])('rejects %s', (_what, props, message) => {
    expect(() => chart(props as any)).toThrow(message);
  });

  test('the deprecated preferred sizes or delay without maxBatchSize are rejected', () => {
    expect(() => new TritonModelConfig({ preferredBatchSizes: [8] })).toThrow(/TritonModelConfig: 'preferredBatchSizes' \(\[8\]\) needs maxBatchSize \(the deprecated batching props go together\)\. Fix: Pass the batch as the chart's dynamicBatching/);
    expect(() => new TritonModelConfig({ maxQueueDelay: Duration.millis(2) })).toThrow(/'maxQueueDelay' .* needs maxBatchSize/);
  });
});

describe('DynamicBatching on vLLM', () => {
  const vllm = (props: Partial<GpuServingChartProps> = {}) => new GpuServingChart(new cdk8s.App(), 'assistant', { model: LLM, servingRuntime: ServingRuntime.vllm(), ...props });

  test('the batch size becomes --max-num-seqs; no config.pbtxt', () => {
    const c = vllm({ dynamicBatching: new DynamicBatching({ maxBatchSize: 64, maxQueueDelay: Duration.millis(0) }) });
    expect(command(c)).toContain('--max-num-seqs=64');
    expect(c.toJson().filter((o: any) => o.kind === 'ConfigMap')).toEqual([]);
  });

  test('without it vLLM keeps its own batch size (no --max-num-seqs)', () => {
    expect(command(vllm()).some(a => a.startsWith('--max-num-seqs'))).toBe(false);
  });

  test('a queue delay is rejected: vLLM batches continuously', () => {
    expect(() => vllm({ dynamicBatching: new DynamicBatching({ maxBatchSize: 64, maxQueueDelay: Duration.millis(1) }) }))
      .toThrow(/assistant: 'dynamicBatching.maxQueueDelay' .* cannot be rendered by vLLM: it batches continuously .*Fix: Pass maxQueueDelay: Duration.millis\(0\) with vLLM; the batch size becomes --max-num-seqs\./);
  });

  test('preferred batch sizes are rejected', () => {
    expect(() => vllm({ dynamicBatching: new DynamicBatching({ maxBatchSize: 64, maxQueueDelay: Duration.millis(0), preferredBatchSizes: [32] }) }))
      .toThrow(/assistant: 'dynamicBatching.preferredBatchSizes' \(\[32\]\) cannot be expressed by GpuClusterService \(vLLM\)\. Fix: Remove preferredBatchSizes/);
  });

  test('maxNumSeqs and the contract together are rejected', () => {
    expect(() => vllm({ servingRuntime: ServingRuntime.vllm({ maxNumSeqs: 32 }), dynamicBatching: new DynamicBatching({ maxBatchSize: 64, maxQueueDelay: Duration.millis(0) }) }))
      .toThrow(/'servingRuntime.maxNumSeqs' \(32\) conflicts with dynamicBatching.maxBatchSize \(64\): both set --max-num-seqs/);
  });
});

describe('Triton warm-up', () => {
  test('by default, with fixed input shapes: one sample at batch 1, at each preferred size and at the largest batch; floats random, ints zero', () => {
    const text = pbtxt(chart({
      dynamicBatching: BATCH,
      triton: new TritonModelConfig({ inputs: [...FIXED_INPUT, { name: 'IDS', dataType: 'TYPE_INT64', dims: [4] }], outputs: OUTPUT }),
    }));
    const warmup = text.slice(text.indexOf('model_warmup ['));
    expect(warmup).toBe([
      'model_warmup [',
      ...[1, 8, 16].flatMap((size, i, all) => [
        '  {', `    name: "warmup-batch-${size}"`, `    batch_size: ${size}`,
        '    inputs {', '      key: "INPUT__0"', '      value: {', '        data_type: TYPE_FP16', '        dims: [ 256 ]', '        random_data: true', '      }', '    }',
        '    inputs {', '      key: "IDS"', '      value: {', '        data_type: TYPE_INT64', '        dims: [ 4 ]', '        zero_data: true', '      }', '    }',
        '    count: 1', i === all.length - 1 ? '  }' : '  },',
      ]),
      ']',
      '',
    ].join('\n'));
  });

  test('no warm-up by default when an input has a variable dimension, or when turned off', () => {
    expect(pbtxt(chart({ dynamicBatching: BATCH, triton: new TritonModelConfig({ inputs: [{ name: 'X', dataType: 'TYPE_FP32', dims: [-1] }], outputs: OUTPUT }) })))
      .not.toContain('model_warmup');
    expect(pbtxt(chart({ dynamicBatching: BATCH, triton: new TritonModelConfig({ inputs: FIXED_INPUT, outputs: OUTPUT, disableWarmup: true }) })))
      .not.toContain('model_warmup');
  });

  test('explicit warm-up inputs give variable dimensions a shape; explicit sizes and count', () => {
    const text = pbtxt(chart({
      dynamicBatching: BATCH,
      triton: new TritonModelConfig({
        inputs: [{ name: 'X', dataType: 'TYPE_FP32', dims: [-1] }], outputs: OUTPUT,
        warmup: { inputs: [{ name: 'X', dataType: 'TYPE_FP32', dims: [128] }], batchSizes: [4], count: 3 },
      }),
    }));
    expect(text).toContain('model_warmup [\n  {\n    name: "warmup-batch-4"\n    batch_size: 4\n    inputs {\n      key: "X"\n      value: {\n        data_type: TYPE_FP32\n        dims: [ 128 ]\n        random_data: true\n      }\n    }\n    count: 3\n  }\n]');
  });

  test('a model without batching warms up at batch size 1', () => {
    const text = pbtxt(chart({ triton: new TritonModelConfig({ maxBatchSize: 0, dynamicBatching: false, inputs: FIXED_INPUT, outputs: OUTPUT }) }));
    expect(text).toContain('max_batch_size: 0\n');
    expect(text).toContain('\n    batch_size: 1\n');
    expect(text).not.toContain('\n    batch_size: 0');
  });

  test('the readiness probe waits for the model to be READY (loaded and warmed up)', () => {
    const c = chart({ dynamicBatching: BATCH, triton: new TritonModelConfig({ inputs: FIXED_INPUT, outputs: OUTPUT }) });
    const server = c.toJson().find((o: any) => o.kind === 'Deployment').spec.template.spec.containers[0];
    expect(server.readinessProbe.httpGet).toEqual({ path: '/v2/models/recsys/ready', port: 8000, scheme: 'HTTP' });
  });

  test.each([
    ['a variable warm-up dimension', { inputs: FIXED_INPUT, warmup: { inputs: [{ name: 'X', dataType: 'TYPE_FP32', dims: [-1] }] } },
      /TritonModelConfig: 'warmup.inputs\[0\].dims' \(\[-1\]\) must list fixed positive sizes for a warm-up request/],
    ['warm-up from variable config inputs', { inputs: [{ name: 'X', dataType: 'TYPE_FP32', dims: [-1, 64] }], warmup: {} },
      /'inputs\[0\].dims' \(\[-1,64\]\) must list fixed positive sizes .*Fix: Pass warmup.inputs with the shape to warm up, e.g. \[\{ name: 'X', dataType: 'TYPE_FP32', dims: \[128, 64\] \}\]/],
    ['warm-up without any inputs', { warmup: {} }, /'warmup.inputs' \(\[\]\) is needed: the config declares no inputs/],
    ['warm-up and disableWarmup', { inputs: FIXED_INPUT, warmup: {}, disableWarmup: true }, /'warmup' .* conflicts with disableWarmup: true/],
    ['a count of 0', { inputs: FIXED_INPUT, warmup: { count: 0 } }, /'warmup.count' \(0\) must be an integer from 1 to 1000/],
    ['an empty size list', { inputs: FIXED_INPUT, warmup: { batchSizes: [] } }, /'warmup.batchSizes' \(\[\]\) is empty/],
    ['a size above maxBatchSize', { maxBatchSize: 8, inputs: FIXED_INPUT, warmup: { batchSizes: [9] } }, /'warmup.batchSizes\[0\]' \(9\) must be an integer from 1 to 8/],
    ['a size above 1 without batching', { maxBatchSize: 0, dynamicBatching: false, inputs: FIXED_INPUT, warmup: { batchSizes: [2] } },
      /'warmup.batchSizes\[0\]' \(2\) must be an integer from 1 to 1.*A model without batching \(maxBatchSize 0\) warms up at batch size 1 only/],
  ])('rejects %s', (_what, props, message) => {
    expect(() => new TritonModelConfig(props as any)).toThrow(message);
  });

  test('accepts a warm-up size equal to maxBatchSize', () => {
    expect(() => new TritonModelConfig({ maxBatchSize: 8, inputs: FIXED_INPUT, warmup: { batchSizes: [8] } })).not.toThrow();
  });

  test('a warm-up size above the contract\'s batch is rejected at the chart', () => {
    expect(() => chart({ dynamicBatching: BATCH, triton: new TritonModelConfig({ inputs: FIXED_INPUT, outputs: OUTPUT, warmup: { batchSizes: [32] } }) }))
      .toThrow(/recsys: 'triton.warmup.batchSizes' \(32\) is larger than dynamicBatching.maxBatchSize \(16\)/);
  });
});
