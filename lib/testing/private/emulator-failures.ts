/**
 * Known ways moto (5.x) fails a deployment, translated into the cause and the fix. Each entry
 * matches the CLI output, the stack events or moto's own log.
 */
interface KnownFailure {
  readonly pattern: RegExp;
  readonly explain: (m: RegExpMatchArray, types: (logicalId: string) => string) => string;
}

const KNOWN: KnownFailure[] = [
  {
    pattern: /Fn::GetAtt references undefined resource (\w+)/,
    explain: (m, types) => `Cause: a resource moto creates reads an attribute of ${m[1]} (${types(m[1]) || 'unknown type'}), which moto's CloudFormation does not create, `
      + 'so moto rejects the whole template. Fix: LocalDeploy replaces such references itself (see adaptations); if you see this, '
      + `the reference is in a place it does not rewrite (e.g. a nested stack or a Fn::If branch): pass the value another way, or report it.`,
  },
  {
    pattern: /KeyError: 'TagKey'/,
    explain: () => "Cause: moto's KMS CloudFormation handler crashes on an AWS::KMS::Key with Tags (moto answers HTTP 500). "
      + 'Fix: keep adaptForEmulator on (the default), which removes the key tags from the emulator template only.',
  },
  {
    pattern: /Value '([^']+)' at 'instanceType' failed to satisfy constraint/,
    explain: (m) => `Cause: moto's SageMaker rejects instance type ${m[1]} (it knows a fixed list of older types). `
      + 'Fix: keep adaptForEmulator on (the default), which swaps it for the nearest type moto knows in the emulator template only.',
  },
  {
    pattern: /ssm\/models\.py[^]*'NoneType' object has no attribute 'lower'/,
    explain: () => "Cause: moto's SSM CloudFormation handler crashes on an AWS::SSM::Parameter without Name (it does not generate one). "
      + 'Fix: keep adaptForEmulator on (the default), which names such parameters /<stack>/<logicalId> in the emulator template only.',
  },
  {
    pattern: /KeyError: '(Value|Key)'/,
    explain: () => 'Cause: a Ref to a resource moto skipped resolved to nothing and moto crashed on the hole (HTTP 500). '
      + 'Fix: keep adaptForEmulator on (the default), which replaces such references with the names LocalDeploy creates.',
  },
  {
    pattern: /Value \((dummy1[a-z])\) for parameter availabilityZone is invalid/,
    explain: (m) => `Cause: the stack has a concrete region but no availability-zone lookup in its context, so the CDK synthesized the placeholder zone ${m[1]}, which moto rejects. `
      + 'Fix: keep adaptForEmulator on (the default), which maps placeholder zones to the region\'s zones in the emulator template only; or run `cdk synth` once with credentials to fill cdk.context.json.',
  },
  {
    pattern: /(docker|Docker)[^\n]*(not found|ENOENT|Cannot connect|No such file)/,
    explain: () => 'Cause: the stack has a container image asset (or a custom resource) that needs Docker, which is not available here. '
      + 'Fix: deploy image assets from a registry URI (e.g. ContainerImage.fromEcrRepository) for local deploys, or run where Docker is.',
  },
  {
    pattern: /(ROLLBACK_COMPLETE|CREATE_FAILED|ROLLBACK_IN_PROGRESS)/,
    explain: () => 'Cause: moto rejected a resource during creation (see the stack events above). Fix: the first failed event names the resource and moto\'s reason.',
  },
];

/** "Cause ... Fix ..." lines for every known failure found in the text, or an empty list. */
export function explainEmulatorFailure(text: string, types: (logicalId: string) => string): string[] {
  const out: string[] = [];
  for (const k of KNOWN) {
    const m = text.match(k.pattern);
    if (m) {
      out.push(k.explain(m, types));
    }
  }
  return out;
}

/** The last exception line of a Python traceback in moto's log (e.g. `KeyError: 'TagKey'`). */
export function lastMotoException(log: string): string | undefined {
  const lines = log.split('\n');
  for (let i = lines.length - 1; i >= 0; i--) {
    if (/^[A-Za-z_.]+(Error|Exception)\b.*$/.test(lines[i].trim()) && !/^127\.0\.0\.1/.test(lines[i])) {
      return lines[i].trim();
    }
  }
  return undefined;
}
