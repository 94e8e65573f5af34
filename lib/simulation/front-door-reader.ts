import { FrontDoorSpec, ReaderFinding } from './stack-model';

type Resources = Record<string, { Type: string; Properties?: any; Metadata?: any }>;

const REF = /@@ref:([A-Za-z0-9]+)@@/;

/** A CloudFormation string value with every Ref/GetAtt replaced by `@@ref:<logicalId>@@` (other tokens by `@@token@@`). */
function flatten(v: unknown): string {
  if (typeof v === 'string') { return v; }
  if (typeof v === 'number' || typeof v === 'boolean') { return String(v); }
  if (v && typeof v === 'object') {
    const o = v as Record<string, any>;
    if (Array.isArray(o['Fn::Join'])) { return (o['Fn::Join'][1] as unknown[]).map(flatten).join(String(o['Fn::Join'][0])); }
    if (typeof o.Ref === 'string') { return `@@ref:${o.Ref}@@`; }
    if (Array.isArray(o['Fn::GetAtt'])) { return `@@ref:${o['Fn::GetAtt'][0]}@@`; }
    if (typeof o['Fn::GetAtt'] === 'string') { return `@@ref:${String(o['Fn::GetAtt']).split('.')[0]}@@`; }
  }
  return '@@token@@';
}

/**
 * Read a front door's router configuration (the router function's ROUTER_CONFIG, see
 * lib/routing/private/router-config.ts) and map its targets onto lanes: a target names its lane by a
 * reference to one of the lane's resources (endpoint, alias, queue), or by a literal endpoint or
 * function name matched against the lanes' resources. Targets the simulator cannot place are findings.
 */
export function readFrontDoor(R: Resources, routerId: string, laneOf: (logicalId: string) => string | undefined, alarmByName: Record<string, string>,
  findings: ReaderFinding[]): FrontDoorSpec | undefined {
  const raw = R[routerId].Properties?.Environment?.Variables?.ROUTER_CONFIG;
  let cfg: any;
  try {
    cfg = JSON.parse(flatten(raw));
  } catch {
    findings.push({ resource: routerId, type: R[routerId].Type, severity: 'unsupported', message: 'front door router: ROUTER_CONFIG is not readable at synth time; routing between lanes not simulated, each lane runs on the whole trace' });
    return undefined;
  }
  const byLiteral = (name: string): string | undefined => {
    for (const [id, res] of Object.entries(R)) {
      const p = res.Properties ?? {};
      if ((res.Type === 'AWS::SageMaker::Endpoint' && p.EndpointName === name)
        || (res.Type === 'AWS::Lambda::Function' && (p.FunctionName === name || name.startsWith(`${p.FunctionName}:`)))
        || (res.Type === 'AWS::SQS::Queue' && typeof p.QueueName === 'string' && name.endsWith(`/${p.QueueName}`))) {
        return laneOf(id);
      }
    }
    return undefined;
  };
  const place = (role: string, target: any): string | undefined => {
    if (!target) { return undefined; }
    const field = String(target.endpointName ?? target.functionName ?? target.queueUrl ?? target.url ?? '');
    const ref = REF.exec(field);
    const lane = ref ? laneOf(ref[1]) : (field.includes('@@') ? undefined : byLiteral(field));
    if (!lane) {
      findings.push({ resource: routerId, type: R[routerId].Type, severity: 'unsupported', message: `front door ${role} target (${target.kind}) is not a lane the simulator runs; requests routed to it are not simulated` });
    }
    return lane;
  };
  const alarms: string[] = [];
  for (const a of (cfg.failover?.alarms ?? []) as string[]) {
    const ref = REF.exec(a);
    const id = ref ? ref[1] : alarmByName[a];
    if (id) { alarms.push(id); } else {
      findings.push({ resource: routerId, type: R[routerId].Type, severity: 'unsupported', message: `front door failover alarm ${a} is not an alarm of this stack; failover on it not simulated` });
    }
  }
  const spec: FrontDoorSpec = {
    path: String(cfg.route ?? routerId),
    router: routerId,
    primary: place('primary', cfg.primary),
    burst: place('burst', cfg.burst),
    jobs: place('jobs', cfg.jobs),
    canary: cfg.canary ? { percent: Number(cfg.canary.percent), lane: place('canary', cfg.canary.target) } : undefined,
    hedgeAfterMs: Number(cfg.hedgeAfterMs ?? 0),
    // The router's defaults when the config omits them (router.js createRouter).
    retry: { budgetPercent: 10, bucketSize: 10, jitterMs: 25, ...(cfg.retry ?? {}) },
    failover: cfg.failover ? {
      alarms, cacheMs: Number(cfg.failover.cacheMs ?? 5000),
      // A config without fail-back settings (an older router) fails back at once.
      failbackMs: Number(cfg.failover.failbackMs ?? 0), failbackStartPercent: Number(cfg.failover.failbackStartPercent ?? 100),
    } : undefined,
    admission: cfg.admission ? {
      budgetMs: Number(cfg.admission.budgetMs), targetSlowPercent: Number(cfg.admission.targetSlowPercent),
      windowMs: Number(cfg.admission.windowMs), adjustMs: Number(cfg.admission.adjustMs), gain: Number(cfg.admission.gain),
      increasePercent: Number(cfg.admission.increasePercent), minPercent: Number(cfg.admission.minPercent),
    } : undefined,
  };
  if (spec.hedgeAfterMs > 0) {
    findings.push({ resource: routerId, type: R[routerId].Type, severity: 'unsupported', message: `front door hedging (after ${spec.hedgeAfterMs} ms) is not simulated: requests the primary answers slowly are not sent to the burst lane` });
  }
  if (spec.canary) {
    findings.push({ resource: routerId, type: R[routerId].Type, severity: 'unsupported', message: `front door cross-lane canary (${spec.canary.percent}%) is not simulated: every request goes to the primary first` });
  }
  const admission = spec.admission ? `, load-aware admission (budget ${spec.admission.budgetMs} ms, ${spec.admission.targetSlowPercent}% slow)` : '';
  const failback = spec.failover && spec.failover.failbackMs > 0 ? ` with a ${spec.failover.failbackMs / 60000}-minute fail-back from ${spec.failover.failbackStartPercent}%` : '';
  findings.push({ resource: routerId, type: R[routerId].Type, severity: 'info', message: `front door ${spec.path}: primary ${spec.primary ?? '-'}, burst ${spec.burst ?? '-'}; spillover on capacity errors (retry budget ${spec.retry.budgetPercent}%, bucket ${spec.retry.bucketSize})${admission} and failover on ${alarms.length} alarm(s)${failback} simulated` });
  return spec;
}
