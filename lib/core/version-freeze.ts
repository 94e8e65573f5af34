import { Token } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { invalid } from './private/errors';

/** Marks a construct a freeze was applied to (shared across copies of the library). */
const APPLIED = Symbol.for('cdk-inference-lanes.VersionFreeze');

/**
 * Options of {@link VersionFreeze.lock}.
 */
export interface VersionFreezeOptions {
  /**
   * Why the versions are locked (shown in every error and on the topology dashboard), e.g.
   * `'Black Friday: no model changes'`.
   */
  readonly reason: string;

  /**
   * When the freeze ends, as an ISO 8601 date-time with a time zone (`2026-12-02T08:00:00Z`). After it, a
   * synth no longer enforces the freeze (and warns that it has expired).
   *
   * @default - until it is lifted
   */
  readonly until?: string;
}

/**
 * An emergency freeze: every lane must serve one locked model version.
 *
 * While a freeze is in force, a synth fails for every lane whose artifact version is not the locked one,
 * naming the lane and the version it would deploy; so no rollout of another version can start. Apply a
 * freeze in code (`HybridTopologyProps.freeze`, or `freeze.applyTo(scope)` for lanes outside a
 * topology), or let on-call freeze without editing code, from CDK context:
 *
 * ```
 * cdk deploy -c inference-lanes:freeze=1.4.0 -c inference-lanes:freeze-reason="incident 4711"
 * ```
 *
 * A freeze from context wins over one in code (it is the newer decision).
 */
export class VersionFreeze {
  /** Context key of the locked version. */
  public static readonly CONTEXT_KEY = 'inference-lanes:freeze';
  /** Context key of the reason. */
  public static readonly REASON_CONTEXT_KEY = 'inference-lanes:freeze-reason';
  /** Context key of the end time (ISO 8601). */
  public static readonly UNTIL_CONTEXT_KEY = 'inference-lanes:freeze-until';

  /**
   * Lock every lane to `version`.
   */
  public static lock(version: string, options: VersionFreezeOptions): VersionFreeze {
    return new VersionFreeze(version, options, 'VersionFreeze');
  }

  /**
   * The freeze given in CDK context at `scope` (`-c inference-lanes:freeze=<version>`), if any.
   */
  public static fromContext(scope: IConstruct): VersionFreeze | undefined {
    const version = scope.node.tryGetContext(VersionFreeze.CONTEXT_KEY);
    if (version === undefined || version === null || version === '') { return undefined; }
    const reason = scope.node.tryGetContext(VersionFreeze.REASON_CONTEXT_KEY) ?? 'frozen from the command line (no reason given)';
    const until = scope.node.tryGetContext(VersionFreeze.UNTIL_CONTEXT_KEY);
    return new VersionFreeze(String(version), { reason: String(reason), until: until === undefined ? undefined : String(until) },
      `context '${VersionFreeze.CONTEXT_KEY}'`);
  }

  /**
   * The freeze in force for lanes at `scope`: the one in CDK context, else the nearest one applied to
   * `scope` or a construct above it.
   */
  public static of(scope: IConstruct): VersionFreeze | undefined {
    const fromContext = VersionFreeze.fromContext(scope);
    if (fromContext) { return fromContext; }
    for (const s of scope.node.scopes.slice().reverse()) {
      const applied = (s as unknown as { [APPLIED]?: VersionFreeze })[APPLIED];
      if (applied) { return applied; }
    }
    return undefined;
  }

  /** The locked version. */
  public readonly version: string;
  /** Why. */
  public readonly reason: string;
  /**
   * When the freeze ends (ISO 8601).
   *
   * @default - until lifted
   */
  public readonly until?: string;
  /** Where the freeze came from (`VersionFreeze` or the context key). */
  public readonly source: string;

  private constructor(version: string, options: VersionFreezeOptions, source: string) {
    const where = source;
    if (typeof version !== 'string' || version.trim() === '' || Token.isUnresolved(version)) {
      throw invalid(where, 'version', version, 'is not a model version', "Pass the version every lane must serve, e.g. '1.4.0'.");
    }
    if (version === 'latest') {
      throw invalid(where, 'version', version, 'cannot be frozen: it names no fixed version', "Pass the version every lane serves now, e.g. '1.4.0'.");
    }
    if (options === undefined || options === null || typeof options.reason !== 'string' || options.reason.trim() === '') {
      throw invalid(where, 'reason', options?.reason, 'is required', `Say why the versions are locked, e.g. { reason: 'incident 4711' } (context: -c ${VersionFreeze.REASON_CONTEXT_KEY}="...").`);
    }
    if (options.until !== undefined && !isIsoDateTime(options.until)) {
      throw invalid(where, 'until', options.until, 'is not an ISO 8601 date-time with a time zone',
        "Pass e.g. '2026-12-02T08:00:00Z', or omit it to freeze until the freeze is lifted.");
    }
    this.version = version;
    this.reason = options.reason;
    this.until = options.until;
    this.source = source;
  }

  /**
   * True when the freeze is in force at `epochMillis` (before its end time, or without one).
   */
  public isInForceAt(epochMillis: number): boolean {
    return this.until === undefined || epochMillis < Date.parse(this.until);
  }

  /**
   * Apply the freeze to every lane created under `scope` (a stack, a construct, the app).
   */
  public applyTo(scope: IConstruct): void {
    Object.defineProperty(scope, APPLIED, { value: this, enumerable: false, configurable: true });
  }

  /** One line: `1.4.0 (incident 4711, until 2026-12-02T08:00:00Z)`. */
  public toString(): string {
    return `${this.version} (${this.reason}${this.until ? `, until ${this.until}` : ''})`;
  }
}

function isIsoDateTime(value: unknown): boolean {
  return typeof value === 'string'
    && /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/.test(value)
    && !Number.isNaN(Date.parse(value));
}
