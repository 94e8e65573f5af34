import { Duration } from 'aws-cdk-lib';
import { main, roundForJson } from '../../lib/cli';
import { DataLocality, HardwareTarget, LaneChooser, LaneKind, LaneQuestionnaire, PlanningQuestion, TrafficShape, WorkloadKind } from '../../lib';

// Issue 16 item 6: `recommend` gains a hardware option (data locality is `--data`), stops ranking the
// edge lane as meeting every constraint for an interactive cloud workload with seasonal traffic, and
// `--json` prints rounded numbers.

function run(...argv: string[]): { code: number; stdout: string; stderr: string } {
  let stdout = '';
  let stderr = '';
  const code = main(argv, { stdout: t => { stdout += t; }, stderr: t => { stderr += t; } });
  return { code, stdout, stderr };
}

function lane(answers: LaneQuestionnaire, kind: LaneKind) {
  return LaneChooser.recommend(answers).ranked.find(l => l.lane === kind)!;
}

const INTERACTIVE_SEASONAL: LaneQuestionnaire = {
  workload: WorkloadKind.INTERACTIVE, latencyBudget: Duration.millis(300), trafficShape: TrafficShape.SEASONAL, dataLocality: DataLocality.CLOUD_REGION,
};

describe('the edge lane for an interactive cloud workload with seasonal traffic', () => {
  test('does not meet every constraint: a device cannot add capacity for peaks', () => {
    const edge = lane(INTERACTIVE_SEASONAL, LaneKind.EDGE_FLEET);
    expect(edge.meetsAllConstraints).toBe(false);
    expect(edge.unmet).toEqual([{ question: PlanningQuestion.TRAFFIC_SHAPE, note: expect.stringMatching(/cannot add capacity for peaks/) }]);
    // The managed endpoint still does, and leads.
    const rec = LaneChooser.recommend(INTERACTIVE_SEASONAL);
    expect(rec.primary).toBe(LaneKind.MANAGED_ENDPOINT);
    expect(rec.ranked.filter(l => l.meetsAllConstraints).map(l => l.lane)).toEqual([LaneKind.MANAGED_ENDPOINT, LaneKind.GPU_CLUSTER]);
  });

  test('the CLI table says so', () => {
    const r = run('recommend', '--latency-ms', '300', '--traffic', 'seasonal', '--workload', 'interactive', '--data', 'cloud-region');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/edge-fleet +-?\d+ +no +traffic-shape\n/);
  });
});

describe('hardware', () => {
  test('omitted: no hardware factor and no HARDWARE unmet (default any)', () => {
    const rec = LaneChooser.recommend(INTERACTIVE_SEASONAL);
    expect(rec.answers.hardware).toBeUndefined();
    expect(rec.ranked.flatMap(l => [...l.unmet, ...l.factors ?? []]).filter(x => x.question === PlanningQuestion.HARDWARE)).toEqual([]);
  });

  test('NVIDIA_GPU: serverless and edge are unmet; the GPU cluster gains', () => {
    const a = { ...INTERACTIVE_SEASONAL, trafficShape: TrafficShape.STEADY, hardware: HardwareTarget.NVIDIA_GPU };
    expect(lane(a, LaneKind.SERVERLESS).unmet).toContainEqual({ question: PlanningQuestion.HARDWARE, note: 'Lambda has no GPUs' });
    expect(lane(a, LaneKind.EDGE_FLEET).unmet.map(u => u.question)).toContain(PlanningQuestion.HARDWARE);
    const withGpu = lane(a, LaneKind.GPU_CLUSTER).score;
    const without = lane({ ...a, hardware: undefined }, LaneKind.GPU_CLUSTER).score;
    expect(withGpu - without).toBe(3);
    expect(lane(a, LaneKind.GPU_CLUSTER).meetsAllConstraints).toBe(true);
  });

  test('INFERENTIA: only the managed endpoint can host it', () => {
    const rec = LaneChooser.recommend({ ...INTERACTIVE_SEASONAL, hardware: HardwareTarget.INFERENTIA });
    expect(rec.ranked.filter(l => !l.unmet.some(u => u.question === PlanningQuestion.HARDWARE)).map(l => l.lane)).toEqual([LaneKind.MANAGED_ENDPOINT]);
    expect(rec.primary).toBe(LaneKind.MANAGED_ENDPOINT);
  });

  test('an edge build on devices: every cloud lane is unmet, the edge lane leads', () => {
    const rec = LaneChooser.recommend({ ...INTERACTIVE_SEASONAL, trafficShape: TrafficShape.STEADY, dataLocality: DataLocality.ON_DEVICE, hardware: HardwareTarget.EDGE_ARM64 });
    expect(rec.primary).toBe(LaneKind.EDGE_FLEET);
    for (const l of rec.ranked.filter(x => x.lane !== LaneKind.EDGE_FLEET)) {
      expect(l.unmet).toContainEqual({ question: PlanningQuestion.HARDWARE, note: `runs in a cloud region, not on your edge-arm64 devices` });
    }
  });

  test('a CPU build: the edge lane is unmet (devices run device builds)', () => {
    expect(lane({ ...INTERACTIVE_SEASONAL, hardware: HardwareTarget.CPU_ARM64 }, LaneKind.EDGE_FLEET).unmet.map(u => u.question)).toContain(PlanningQuestion.HARDWARE);
  });

  test('CLI --hardware: echoed in the header and in --json answers', () => {
    const r = run('recommend', '--latency-ms', '300', '--traffic', 'steady', '--hardware', 'nvidia-gpu');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Lane recommendation: interactive workload, p95 < 300 ms \(tight\), steady traffic, data cloud-region, hardware nvidia-gpu, team maturity medium/);
    expect(r.stdout).toMatch(/serverless +-?\d+ +no +latency, hardware\n/);
    const j = JSON.parse(run('recommend', '--latency-ms', '300', '--traffic', 'steady', '--hardware', 'NVIDIA-GPU', '--json').stdout);
    expect(j.answers.hardware).toBe('nvidia-gpu');
  });

  test('CLI --hardware rejects an unknown target with the list and the flag', () => {
    const r = run('recommend', '--latency-ms', '300', '--traffic', 'steady', '--hardware', 'tpu');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/'--hardware' \("tpu"\) is not a hardware target\. Fix: Use one of: cpu-x86_64, cpu-arm64, nvidia-gpu, inferentia, edge-arm64, edge-x86_64\./);
  });

  test('LaneChooser rejects a hardware value from an untyped caller', () => {
    expect(() => LaneChooser.recommend({ ...INTERACTIVE_SEASONAL, hardware: 'tpu' as HardwareTarget })).toThrow(/'hardware' \("tpu"\) is not a HardwareTarget\. Fix: Use one of: cpu-x86_64/);
  });
});

describe('--json rounding', () => {
  test.each([
    [0.016666666666666666, 0.01667],
    [0.020833333333333332, 0.02083],
    [1234.5678, 1234.57],
    [1, 1],
    [75, 75],
    [0.1 + 0.2, 0.3],
    [-0.00001234567, -0.00001235],
    [2.005, 2.01],
  ])('%p -> %p', (n, expected) => {
    expect(roundForJson(n)).toBeCloseTo(expected, 10);
    expect(String(roundForJson(n)).replace(/^-?0\.0*/, '').length).toBeLessThanOrEqual(7);
  });

  test('plan --json has no float artefacts anywhere', () => {
    const r = run('plan', '--instance-rps', '25', '--price-per-hour', '1.5', '--baseline-rps', '1000', '--peak', '1.5', '--surge', '5', '--surge-minutes', '30', '--json');
    expect(r.code).toBe(0);
    const numbers = [...r.stdout.matchAll(/:\s*(-?\d+\.\d+)/g)].map(m => m[1]);
    expect(numbers.length).toBeGreaterThan(0);
    for (const n of numbers) {
      const [int, frac] = n.replace('-', '').split('.');
      expect(int === '0' ? frac.replace(/^0*/, '').length <= 4 : frac.length <= 2).toBe(true);
    }
    expect(r.stdout).toContain('"costPer1000AtSlo": 0.01667');
  });
});
