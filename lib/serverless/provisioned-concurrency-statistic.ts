/**
 * Which statistic of `ProvisionedConcurrencyUtilization` the warm pool's target tracking follows.
 *
 * Lambda emits `ProvisionedConcurrencyUtilization` once a minute per alias: the share of the
 * provisioned execution environments busy at that moment. Application Auto Scaling's predefined
 * `LambdaProvisionedConcurrencyUtilization` metric (what aws-cdk-lib's `scaleOnUtilization()`
 * renders) evaluates it with the **Average** statistic, while the Lambda documentation says to
 * read concurrency metrics with **Maximum** (aws-cdk issue #23088). Within a minute, Average
 * smooths a burst away: a pool that was 100% busy for 10 seconds and idle for 50 reads ~17%, so
 * it never scales out for short spikes and the spike spills over into cold starts.
 *
 * @see https://github.com/aws/aws-cdk/issues/23088
 * @see https://docs.aws.amazon.com/lambda/latest/dg/monitoring-concurrency.html
 */
export enum ProvisionedConcurrencyStatistic {
  /**
   * Track the per-minute **Maximum** (a customized metric specification on the alias's
   * `AWS/Lambda` `ProvisionedConcurrencyUtilization`, dimensions `FunctionName` + `Resource`).
   * Scales out on the peak of each minute and scales in only after peaks stay low, which is what
   * a warm pool for bursty, latency-bound inference wants. Costs a little more provisioned time.
   */
  MAXIMUM = 'Maximum',

  /**
   * Track the per-minute **Average** through Application Auto Scaling's predefined
   * `LambdaProvisionedConcurrencyUtilization` metric (aws-cdk-lib `scaleOnUtilization()`).
   * Cheaper and calmer for smooth traffic; under-provisions for sub-minute bursts.
   */
  AVERAGE = 'Average',
}
