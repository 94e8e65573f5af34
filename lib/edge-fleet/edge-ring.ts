import { Duration } from 'aws-cdk-lib';
import { FleetJobOptions } from './fleet-job';

/**
 * One update ring of an {@link EdgeFleetChannel}: a thing group per device class that gets a new
 * version after the ring before it has baked.
 *
 * Rings are listed in rollout order, e.g. a 1% pilot baked for a day, a 10% early ring baked for
 * three days, then the rest of the fleet:
 *
 * ```ts
 * rings: [
 *   { name: 'pilot', percent: 1, bake: Duration.days(1) },
 *   { name: 'early', percent: 10, bake: Duration.days(3) },
 *   { name: 'fleet', percent: 100 },
 * ]
 * ```
 */
export interface EdgeRing {
  /**
   * Name of the ring: lowercase letters, digits and '-', starting with a letter, at most 20
   * characters, unique within the channel. It becomes part of the created thing group's name
   * (`<namePrefix>-<class>-<ring>`; the ring named `fleet` gets `<namePrefix>-<class>`), of the
   * deployment's name and of construct IDs: renaming a ring replaces its group and deployments.
   */
  readonly name: string;

  /**
   * Share of each device class (percent, cumulative: this ring and every ring before it) that runs
   * the candidate once this ring has it. Increasing from ring to ring; the last ring is 100.
   * Greengrass cannot move devices: the share is written into the created group's description as
   * how many devices to place there (this ring's share minus the previous ring's).
   *
   * @default - the last ring: 100; other rings: not stated
   */
  readonly percent?: number;

  /**
   * How long to watch this ring (its health alarm and job abort criteria) before the next ring gets
   * the candidate: a stage of the stack (`FleetRelease.through(...)`), since CloudFormation does not
   * wait for devices. Whole minutes, from 1 minute to 30 days. Not allowed on the last ring.
   *
   * @default - Duration.days(1) for every ring but the last
   */
  readonly bake?: Duration;

  /**
   * IoT job settings (rollout rate, abort criteria, in-progress timeout) of this ring's deployments.
   *
   * @default - the first of several rings: the canary defaults (no rate limit; abort at 10% failures
   * from the first device); the other rings: the fleet defaults (5 devices per minute doubling after
   * every 5 succeeded, at most 50 per minute; abort at 5% failures after 20 devices); executions time
   * out after 1 hour in progress
   */
  readonly job?: FleetJobOptions;
}
