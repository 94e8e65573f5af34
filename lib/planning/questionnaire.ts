import { Duration } from 'aws-cdk-lib';
import { HardwareTarget } from '../core/hardware';

/**
 * What the model serves: single requests a user waits for, bulk jobs judged on throughput, or both.
 */
export enum WorkloadKind {
  /** Request/response traffic a user or caller waits on (chat, recommendations, search). */
  INTERACTIVE = 'interactive',
  /**
   * Throughput-bound jobs whose results can wait (large files, media, document understanding):
   * latency budgets measured in minutes rather than milliseconds.
   */
  BATCH = 'batch',
  /**
   * Interactive requests plus offline jobs on the same model (e.g. a chat assistant that also
   * summarizes transcripts overnight).
   */
  MIXED = 'mixed',
}

/**
 * The shape of the request rate over time.
 */
export enum TrafficShape {
  /** A flat, predictable load. */
  STEADY = 'steady',
  /** Unpredictable bursts well above the usual load (marketing events, viral moments). */
  SPIKY = 'spiky',
  /** Peaks you can see coming: diurnal curves, weekly cycles, flash sales on a calendar. */
  SEASONAL = 'seasonal',
}

/**
 * Data sensitivity and locality: where may request data flow?
 */
export enum DataLocality {
  /** The data may be processed in a cloud region (encrypted, in your account and VPC). */
  CLOUD_REGION = 'cloud-region',
  /** Regulations or contracts keep the data inside your own sites: no cloud region. */
  ON_PREMISES = 'on-premises',
  /** The data must not leave the device (privacy, or no connectivity). */
  ON_DEVICE = 'on-device',
}

/**
 * Does the team have capacity for patching nodes, tuning schedulers and managing upgrades?
 */
export enum TeamMaturity {
  /** Early in production: no one to patch nodes or tune schedulers. */
  LOW = 'low',
  /** Runs production services, but platform work competes with product work. */
  MEDIUM = 'medium',
  /** A platform team that already operates clusters and fleets. */
  HIGH = 'high',
}

/**
 * Can you forecast usage with reasonable confidence?
 */
export enum CostClarity {
  /** Usage is forecastable: reserved or committed capacity lowers the cost per inference. */
  FORECASTABLE = 'forecastable',
  /** Usage is not known yet: choose elasticity first and optimize once patterns stabilize. */
  UNCERTAIN = 'uncertain',
}

/**
 * How strict a latency budget is, as the lane chooser reads it.
 */
export enum LatencyClass {
  /** Under 100 ms: user interactions sensitive to tens of milliseconds. */
  STRICT = 'strict',
  /** 100 ms up to 1 s. */
  TIGHT = 'tight',
  /** 1 s up to 1 minute: "a second is acceptable". */
  RELAXED = 'relaxed',
  /** A minute or more: results can wait in a queue. */
  OFFLINE = 'offline',
}

/**
 * A question of the decision questionnaire; factors and unmet constraints say which one they are about.
 */
export enum PlanningQuestion {
  /** Interactive, batch or both. */
  WORKLOAD = 'workload',
  /** Latency budget and percentile. */
  LATENCY = 'latency',
  /** Steady, spiky or seasonal traffic (and its volume). */
  TRAFFIC_SHAPE = 'traffic-shape',
  /** Where the data may flow. */
  DATA_LOCALITY = 'data-locality',
  /** Operational capacity of the team. */
  TEAM_MATURITY = 'team-maturity',
  /** Whether usage (and so spend) can be forecast. */
  COST_CLARITY = 'cost-clarity',
  /** The hardware the model needs (accelerator, or a device build). */
  HARDWARE = 'hardware',
}

/**
 * The answers to the decision questionnaire: latency budget, traffic shape, data sensitivity and
 * locality, team maturity and cost clarity, plus what kind of workload the model serves.
 *
 * @example
 * const answers: LaneQuestionnaire = {
 *   workload: WorkloadKind.MIXED,
 *   latencyBudget: Duration.millis(300),
 *   latencyPercentile: 95,
 *   trafficShape: TrafficShape.SPIKY,
 *   costClarity: CostClarity.UNCERTAIN,
 * };
 */
export interface LaneQuestionnaire {
  /**
   * What the model serves.
   *
   * @default WorkloadKind.INTERACTIVE
   */
  readonly workload?: WorkloadKind;

  /**
   * The latency the percentile must stay under (end to end, as the caller sees it). For batch work,
   * the longest a job may wait for its result.
   */
  readonly latencyBudget: Duration;

  /**
   * The percentile the budget is about: 50 (typical), 95 (tail), 99 (worst case). From 90 up the
   * budget is a tail budget, where cold starts show up.
   *
   * @default 95
   */
  readonly latencyPercentile?: number;

  /** Steady, spiky or seasonal. */
  readonly trafficShape: TrafficShape;

  /**
   * The request rate you expect to sustain, if you know it. From 100 requests/s steady traffic counts
   * as high throughput (clusters gain); under 1 request/s an always-on instance mostly idles
   * (serverless gains).
   *
   * @default - unknown: volume does not change the ranking
   */
  readonly sustainedRequestsPerSecond?: number;

  /**
   * Where request data may flow.
   *
   * @default DataLocality.CLOUD_REGION
   */
  readonly dataLocality?: DataLocality;

  /**
   * Capacity for patching nodes, tuning schedulers and managing upgrades.
   *
   * @default TeamMaturity.MEDIUM
   */
  readonly teamMaturity?: TeamMaturity;

  /**
   * Whether usage can be forecast.
   *
   * @default CostClarity.UNCERTAIN - when in doubt, choose elasticity first
   */
  readonly costClarity?: CostClarity;

  /**
   * The hardware the model needs to meet its budget: a CPU build (`CPU_X86_64`, `CPU_ARM64`), an
   * accelerator (`NVIDIA_GPU`, `INFERENTIA`), or a device build (`EDGE_ARM64`, `EDGE_X86_64`: the
   * model runs on your devices). Lanes that cannot run on it are marked unmet (Lambda and Fargate
   * have no accelerators; devices run only device builds; cloud lanes do not run on your devices).
   *
   * @default - any: hardware does not change the ranking
   */
  readonly hardware?: HardwareTarget;
}
