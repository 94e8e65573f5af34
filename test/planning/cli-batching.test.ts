import { main } from '../../lib/cli';

/** Run the CLI in-process and capture what it writes. */
function run(...argv: string[]): { code: number; stdout: string; stderr: string } {
  let stdout = '';
  let stderr = '';
  const code = main(argv, { stdout: t => { stdout += t; }, stderr: t => { stderr += t; } });
  return { code, stdout, stderr };
}

const PLAN = ['plan', '--instance-rps', '20', '--price-per-hour', '1.2', '--baseline-rps', '1000', '--peak', '1.5'];

describe('cdk-inference-lanes plan: dynamic batching (the seed retail example, +40%)', () => {
  test('the stated gain raises what one instance serves; fewer instances at every load; the SLO budget is checked', () => {
    const without = JSON.parse(run(...PLAN, '--json').stdout);
    const r = run(...PLAN, '--batch-size', '8', '--batch-delay-ms', '5', '--batching-gain', '40', '--latency-at-slo-ms', '90', '--slo-ms', '100', '--json');
    expect(r.code).toBe(0);
    const withB = JSON.parse(r.stdout);
    expect(withB.batchingThroughputGainPercent).toBe(40);
    expect(withB.servedRequestsPerInstance).toBe(28);
    expect(withB.batchingQueueDelayMs).toBe(5);
    expect(withB.instancesAtPeak).toBeLessThan(without.instancesAtPeak);
    expect(withB.instancesAtPeak / without.instancesAtPeak).toBeCloseTo(1 / 1.4, 1);
    expect(withB.notes.join('\n')).toMatch(/90 ms at the SLO \+ up to 5 ms of batch queue delay = 95 ms, within the p95 < 100 ms objective/);
  });

  test('no gain stated: batching costs latency, the plan assumes no throughput gain', () => {
    const r = run(...PLAN, '--batch-size', '8', '--json');
    expect(r.code).toBe(0);
    const plan = JSON.parse(r.stdout);
    expect(plan.servedRequestsPerInstance).toBe(20);
    expect(plan.notes.join('\n')).toMatch(/no throughput gain|assumes no gain|not stated/i);
  });

  test('a batch delay that breaks the SLO budget is rejected, naming the flag', () => {
    const r = run(...PLAN, '--batch-size', '8', '--batch-delay-ms', '20', '--latency-at-slo-ms', '90', '--slo-ms', '100');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/error: CapacityPlanner: 'dynamicBatching.maxQueueDelay' \("20 ms"\) adds up to 20 ms to each request: 90 ms at the SLO \+ 20 ms = 110 ms is over the SLO's p95 threshold \(100 ms\). Fix: Pass a maxQueueDelay of at most 10 ms/);
    expect(r.stderr).toMatch(/\(set with --batch-delay-ms\)/);
  });

  test.each([
    [['--batch-delay-ms', '5'], /'--batch-delay-ms' \("5"\) is a dynamic-batching setting but --batch-size is missing. Fix: Add --batch-size N/],
    [['--batching-gain', '40'], /'--batching-gain' \("40"\) is a dynamic-batching setting but --batch-size is missing/],
    [['--batch-size', '1'], /DynamicBatching: 'maxBatchSize' \(1\) must be an integer from 2 to 4096[\s\S]*\(set with --batch-size\)/],
    [['--batch-size', '8', '--batching-gain', '-5'], /'throughputGainPercent' \(-5\) must be between 0 and 1000[\s\S]*\(set with --batching-gain\)/],
    [['--batch-size', '8', '--slo-ms', '0'], /'--slo-ms' \(0\) must be greater than 0/],
  ])('rejects %j with a clear message', (extra, message) => {
    const r = run(...PLAN, ...extra);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
  });
});
