import { ServingProfile } from './profile';
import { assistantTrace, documentBatchTrace, recommenderTrace, Trace } from './traces';

/** One of the seed's scenarios: a trace, the example stack it runs on and the lanes' profiles. */
export interface SeedScenario {
  readonly name: string;
  /** Which example app: hybrid (bin/), gpu-cluster, document-batch. */
  readonly app: 'hybrid' | 'gpu-cluster' | 'document-batch';
  /** Lanes of that app to run (kinds or paths). */
  readonly lanes: string[];
  readonly trace: (seed: number) => Trace;
  readonly profiles: Record<string, ServingProfile>;
  readonly description: string;
}

/**
 * Serving profiles of the example models (assumptions, stated so they can be replaced by your load
 * test): what one instance serves at the SLO, its latency there, cold start, price.
 */
export const EXAMPLE_PROFILES: Record<string, ServingProfile> = {
  // g5.xlarge pod, Triton dynamic batching: 8 in flight at ~40 ms (examples/gpu-cluster/recsys.ts) = 200 RPS;
  // p95 80 ms there (SLO 100 ms). On-demand us-east-1 g5.xlarge 1.006 USD/h. Measured with Triton's batching
  // on (its 2 ms queue delay included): a gain the chart states is not applied again.
  'gpu-cluster': { requestsPerSecondAtSlo: 200, latencyAtSloMs: 80, concurrency: 8, pricePerInstanceHour: 1.006, measuredWithBatching: true },
  // ml.m5.xlarge conversational model, 4 workers: 12 RPS at p95 250 ms (SLO 300 ms); price from the
  // hybrid topology's hourlyPrices (0.23 USD/h).
  'managed-endpoint': { requestsPerSecondAtSlo: 12, latencyAtSloMs: 250, concurrency: 4, pricePerInstanceHour: 0.23 },
  // Lambda arm64, 2 GB: 200 ms per request warm (5 RPS per environment), 2 s cold start (model load);
  // provisioned concurrency 2 GB × 0.0000033334 USD/GB-s ≈ 0.024 USD per environment-hour; on-demand
  // duration 2 GB × 0.0000133334 USD/GB-s.
  'serverless': { requestsPerSecondAtSlo: 5, latencyAtSloMs: 200, coldStartMs: 2000, pricePerInstanceHour: 0.024, onDemandPricePerSecond: 0.0000266668 },
  // Fargate 2 vCPU / 8 GB worker (0.1165 USD/h, the hybrid's price), 30 s per document.
  'batch-workers': { requestsPerSecondAtSlo: 1 / 30, latencyAtSloMs: 30000, pricePerInstanceHour: 0.1165 },
};

/** The seed's three scenarios. */
export const SEED_SCENARIOS: SeedScenario[] = [
  {
    name: 'recommender-flash-sale', app: 'gpu-cluster', lanes: ['gpu-cluster'], trace: recommenderTrace, profiles: EXAMPLE_PROFILES,
    description: '1,000 RPS diurnal recommender, 5x flash sale ramping in 2 minutes at 12:00 New York (Wednesday); GPU pods, KEDA in-flight + cron triggers; p95 < 100 ms',
  },
  {
    name: 'document-batches', app: 'document-batch', lanes: ['batch-workers'], trace: documentBatchTrace, profiles: EXAMPLE_PROFILES,
    description: 'bursty large-document batches (6-10 a day, 100-300 documents in 1-5 minutes); SQS + Fargate workers; oldest job < 30 minutes',
  },
  {
    name: 'assistant-marketing-surges', app: 'hybrid', lanes: ['managed-endpoint', 'serverless'], trace: assistantTrace, profiles: EXAMPLE_PROFILES,
    description: 'conversational assistant, 15-60 RPS diurnal, an unannounced 3x surge and the scheduled 3x marketing event; SageMaker baseline + Lambda burst pool; p95 < 300 ms',
  },
];
