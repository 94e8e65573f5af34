import { LaneKind } from '../../core';

/**
 * What each lane trades off, in the product article's words: cold starts, operational burden, data
 * locality and cost certainty. Internal: surfaced through LaneChooser's RankedLane.tradeOffs.
 * @internal
 */
export interface LaneProfile {
  readonly coldStarts: string;
  readonly operationalBurden: string;
  readonly dataLocality: string;
  readonly costCertainty: string;
}

/** @internal */
export const LANE_PROFILES: Record<LaneKind, LaneProfile> = {
  [LaneKind.MANAGED_ENDPOINT]: {
    coldStarts: 'none while instances are warm; scale-out adds instances in minutes, so keep a warm buffer',
    operationalBurden: 'low: the platform hosts the endpoint; in exchange, limited system-level control, opinionated networking and quotas that need increase requests',
    dataLocality: 'runs in a cloud region (your VPC and KMS keys)',
    costCertainty: 'billed per instance-hour: predictable, and you pay for warm capacity while it idles',
  },
  [LaneKind.GPU_CLUSTER]: {
    coldStarts: 'none on warm replicas; a new GPU node and image pull take minutes',
    operationalBurden: 'high: node updates, security patches, scheduler tuning and capacity planning',
    dataLocality: 'runs wherever your Kubernetes runs, on premises included',
    costCertainty: 'highest with right-sized reserved or committed nodes; idle nodes cost the same as busy ones',
  },
  [LaneKind.SERVERLESS]: {
    coldStarts: 'tens to hundreds of ms for light models, more for heavy initialization; a pre-warmed pool hides them up to its size',
    operationalBurden: 'lowest: no servers; in exchange, limited concurrency per instance and strict timeouts',
    dataLocality: 'runs in a cloud region',
    costCertainty: 'pay for active time (plus the warm pool): cheap when idle, dearer per inference under sustained load, hard to forecast with spiky traffic',
  },
  [LaneKind.BATCH_WORKERS]: {
    coldStarts: 'not felt by users: jobs wait in the queue, at the price of delayed feedback',
    operationalBurden: 'moderate: a queue, a dead-letter queue and worker images to run',
    dataLocality: 'runs in a cloud region',
    costCertainty: 'high: fixed worker counts drain the queue at a controlled pace',
  },
  [LaneKind.EDGE_FLEET]: {
    coldStarts: 'none once the model is loaded on the device; it must fit restricted memory',
    operationalBurden: 'high: quantized builds, A/B tests across device classes, updates to fleets with intermittent connectivity',
    dataLocality: 'best: data stays on the device and inference works offline',
    costCertainty: 'no per-inference cloud cost on owned devices; fleet management is the cost',
  },
};
