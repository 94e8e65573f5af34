import { Duration } from 'aws-cdk-lib';
import { isConcreteNumber } from '../../core/private/errors';
import { LeadTimeStep, ScaleOutLeadTime } from '../../core/lead-time';
import { EdgeDeviceClass } from '../edge-device-class';
import { RingPlan } from './rings';

/** IoT jobs' default rollout rate when a job sets none (`maximumPerMinute` default). @internal */
export const IOT_DEFAULT_PER_MINUTE = 1000;
const IOT_JOBS_DOC = 'https://docs.aws.amazon.com/iot/latest/developerguide/jobs-configurations-details.html (rollout rates)';

/** A ring's effective rollout rate: the same merge of options and defaults as the rendered job. */
interface RingRate {
  readonly base: number;
  readonly factor: number;
  readonly every: number;
  readonly max: number;
  readonly source: string;
}

function ringRate(ring: RingPlan): RingRate | undefined {
  const o = ring.job;
  const d = ring.jobDefaults;
  const rate = o.exponentialRate ?? (o.maximumPerMinute === undefined ? d.exponentialRate : undefined);
  const max = o.maximumPerMinute ?? (o.exponentialRate === undefined ? d.maximumPerMinute : undefined) ?? IOT_DEFAULT_PER_MINUTE;
  const from = o.exponentialRate !== undefined || o.maximumPerMinute !== undefined ? `props.${ring.jobProp}` : `the ${ring.name} ring's default job`;
  if (!rate) {
    return isConcreteNumber(max) ? { base: max, factor: 1, every: Number.MAX_SAFE_INTEGER, max, source: `${from} (${max} devices per minute); ${IOT_JOBS_DOC}` } : undefined;
  }
  const every = rate.increaseAfterSucceededDevices ?? rate.increaseAfterNotifiedDevices;
  if (![rate.baseRatePerMinute, rate.incrementFactor, every, max].every(isConcreteNumber)) { return undefined; }
  return {
    base: rate.baseRatePerMinute, factor: rate.incrementFactor, every: every!, max,
    source: `${from} (${rate.baseRatePerMinute}/min × ${rate.incrementFactor} after every ${every} devices, at most ${max}/min); ${IOT_JOBS_DOC}`,
  };
}

/**
 * Minutes an IoT job takes to notify `devices` devices at an exponential rate: `base` per minute,
 * multiplied by `factor` each time `every` more devices were reached (counting reached devices as
 * succeeded: the optimistic case the lead time states), never above `max`.
 * @internal
 */
export function rolloutMinutes(devices: number, rate: RingRate): number {
  let sent = 0;
  let perMinute = Math.min(rate.base, rate.max);
  let next = rate.every;
  let minutes = 0;
  while (sent < devices) {
    // up to the next rate increase or the end, at the current rate
    const batch = Math.min(devices - sent, next - sent);
    minutes += batch / perMinute;
    sent += batch;
    if (sent >= next) {
      perMinute = Math.min(rate.max, perMinute * rate.factor);
      next += rate.every;
    }
  }
  return minutes;
}

/**
 * The channel's lead time: how long a release takes to reach every device of its largest class, ring
 * by ring (the IoT job rollout at the ring's rate, then the ring's bake before the next ring), plus the
 * install on the device, bounded by `installTimeout` (devices install in parallel). The rollout steps
 * need `expectedDevices`; without it they are left out and the description says so.
 * @internal
 */
export function edgeLeadTime(rings: RingPlan[], installTimeout: Duration, classes: EdgeDeviceClass[]): ScaleOutLeadTime {
  const counted = classes.filter(c => isConcreteNumber(c.expectedDevices));
  const largest = counted.sort((a, b) => (b.expectedDevices ?? 0) - (a.expectedDevices ?? 0))[0];
  const steps: LeadTimeStep[] = [];
  let previousPercent = 0;
  for (const [i, ring] of rings.entries()) {
    const percent = isConcreteNumber(ring.percent) ? ring.percent : (i === rings.length - 1 ? 100 : undefined);
    const rate = ringRate(ring);
    if (largest && percent !== undefined && rate) {
      const devices = Math.ceil(largest.expectedDevices! * (percent - previousPercent) / 100);
      steps.push({
        step: `${ring.name} ring: IoT job reaches ${devices} device(s) of '${largest.name}'`,
        duration: Duration.seconds(Math.round(rolloutMinutes(devices, rate) * 60)),
        source: `deviceClasses '${largest.name}' expectedDevices ${largest.expectedDevices} × ${percent - previousPercent}%; ${rate.source}`,
      });
    }
    if (percent !== undefined) { previousPercent = percent; }
    if (i < rings.length - 1 && ring.bake) {
      steps.push({ step: `${ring.name} ring bake before the next ring`, duration: ring.bake, source: ring.jobProp === 'canaryJob' ? 'props.rollout bakeTime' : `props.rings[${i}].bake` });
    }
  }
  steps.push({ step: 'download, verify and unpack the model on each device (at most)', duration: installTimeout, source: 'props.installTimeout (the Install step\'s timeout: an upper bound)' });
  return ScaleOutLeadTime.of(steps);
}
