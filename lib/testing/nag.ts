import { IPolicyValidationPlugin, PolicyValidationPluginReport, Stage, Validations } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { requireOptional } from './private/optional-module';
import { checkReason } from './private/process';

/**
 * A cdk-nag rule to acknowledge (suppress) on a construct and everything below it.
 */
export interface NagSuppressionRule {
  /**
   * The rule id, e.g. `AwsSolutions-SQS3`, or a granular finding id such as
   * `AwsSolutions-IAM5[Action::s3:*]`.
   */
  readonly id: string;

  /**
   * Why the finding is acceptable. At least 10 characters.
   */
  readonly reason: string;
}

/**
 * Options for running cdk-nag.
 */
export interface NagCheckOptions {
  /**
   * The rule packs to run: cdk-nag `NagPack`s (e.g. `new AwsSolutionsChecks()`), typed as the
   * CDK's plugin interface so this package does not depend on cdk-nag at run time.
   *
   * @default - one cdk-nag `AwsSolutionsChecks` pack (cdk-nag is loaded when first needed; a
   * missing cdk-nag fails with the install command)
   */
  readonly packs?: IPolicyValidationPlugin[];

  /**
   * Include each rule's explanation in the finding messages.
   *
   * @default false
   */
  readonly verbose?: boolean;

  /**
   * Make `assertCompliant` fail on warnings too, not only on errors.
   *
   * @default false
   */
  readonly failOnWarnings?: boolean;
}

/**
 * One unsuppressed cdk-nag finding.
 */
export interface NagFinding {
  /**
   * The rule id, e.g. `AwsSolutions-SQS3` (or `AwsSolutions-IAM5[Action::s3:*]` for granular findings).
   */
  readonly ruleId: string;

  /**
   * Construct path of the violating L1 resource, e.g. `MyStack/Queue/Resource`.
   */
  readonly resourcePath: string;

  /**
   * What the rule found.
   */
  readonly message: string;

  /**
   * `error` or `warning`.
   */
  readonly severity: string;

  /**
   * The pack that reported it, e.g. `AwsSolutions`.
   */
  readonly pack: string;
}

/**
 * Result of a cdk-nag run.
 */
export interface NagCheckResult {
  /**
   * Unsuppressed findings of severity `error`.
   */
  readonly errors: NagFinding[];

  /**
   * Unsuppressed findings of severity `warning` (cdk-nag reports its WARN and INFO levels as warnings).
   */
  readonly warnings: NagFinding[];
}

/**
 * Runs cdk-nag 3 rule packs (AwsSolutions by default) against a construct tree and reports
 * every unsuppressed finding.
 *
 * cdk-nag 3 packs are CDK policy-validation plugins. Registering one on an App with
 * `Validations.of(app).addPlugins(...)` makes every later `app.synth()` (including
 * `Template.fromStack`) throw, so this class instead finalizes the tree with a normal synth
 * and then calls the pack's `validateScope(scope)` directly, which returns the structured
 * report. Suppressions are CDK acknowledgements (`Validations.of(c).acknowledge`), which
 * cdk-nag honours on the construct and all its descendants.
 */
export class NagCheck {
  /**
   * Runs the packs on `scope` (a Stack, a Stage, an App or any construct below one) and
   * returns the unsuppressed findings. The owning App is synthesized first so the tree is final.
   *
   * @param scope the construct tree to check
   * @param options run options
   */
  public static check(scope: IConstruct, options?: NagCheckOptions): NagCheckResult {
    const root = scope.node.root;
    if (Stage.isStage(root)) {
      root.synth();
    }
    const packs = options?.packs ?? [NagCheck.defaultPack(options?.verbose ?? false)];
    if (packs.length === 0) {
      throw new Error('NagCheck: at least one cdk-nag pack is required (options.packs is empty)');
    }
    const errors: NagFinding[] = [];
    const warnings: NagFinding[] = [];
    const byPath = new ConstructIndex(scope);
    for (const pack of packs) {
      const validateScope = (pack as unknown as { validateScope?: (s: IConstruct) => PolicyValidationPluginReport }).validateScope;
      if (typeof validateScope !== 'function') {
        throw new Error(`NagCheck: pack '${pack.name}' is not a cdk-nag 3 NagPack (it has no validateScope(scope)); register other policy plugins with Validations.of(app).addPlugins(...)`);
      }
      const report: PolicyValidationPluginReport = validateScope.call(pack, scope);
      for (const violation of report.violations) {
        for (const resource of violation.violatingResources) {
          if (isCoveredByRuleLevelAcknowledgement(byPath, violation.ruleName, resource.constructPath)) {
            continue;
          }
          const finding: NagFinding = {
            ruleId: violation.ruleName,
            resourcePath: resource.constructPath ?? resource.resourceLogicalId ?? '<unknown>',
            message: violation.description,
            severity: violation.severity === 'error' ? 'error' : 'warning',
            pack: pack.name,
          };
          (finding.severity === 'error' ? errors : warnings).push(finding);
        }
      }
    }
    const byKey = (a: NagFinding, b: NagFinding) => `${a.resourcePath} ${a.ruleId}`.localeCompare(`${b.resourcePath} ${b.ruleId}`);
    return { errors: errors.sort(byKey), warnings: warnings.sort(byKey) };
  }

  /**
   * Runs the packs and throws an Error listing every unsuppressed error (and warning when
   * `failOnWarnings` is set) with rule id, resource path and message. Returns the result when compliant.
   *
   * @param scope the construct tree to check
   * @param options run options
   */
  public static assertCompliant(scope: IConstruct, options?: NagCheckOptions): NagCheckResult {
    const result = NagCheck.check(scope, options);
    const failing = options?.failOnWarnings ? [...result.errors, ...result.warnings] : result.errors;
    if (failing.length > 0) {
      throw new Error(
        `cdk-nag found ${failing.length} unsuppressed finding(s) under '${scope.node.path || '<root>'}':\n${NagCheck.format(failing)}\n` +
        'Fix the resource or suppress with NagCheck.suppress(construct, [{ id, reason }]).',
      );
    }
    return result;
  }

  /**
   * Acknowledges cdk-nag rules on a construct (applies to it and all its descendants).
   * Every rule needs a reason of at least 10 characters; nothing is applied if one is invalid.
   *
   * A rule-level id (`AwsSolutions-IAM5`) also covers that rule's granular findings
   * (`AwsSolutions-IAM5[Resource::...]`) in `NagCheck.check`/`assertCompliant`. cdk-nag itself
   * only matches ids exactly, so when the packs run as a CDK validation plugin
   * (`Validations.of(app).addPlugins(...)`) acknowledge the granular ids instead.
   *
   * @param construct the construct to suppress the rules on
   * @param rules the rules, each with a reason
   */
  public static suppress(construct: IConstruct, rules: NagSuppressionRule[]): void {
    if (!rules || rules.length === 0) {
      throw new Error(`NagCheck.suppress on '${construct.node.path}': give at least one rule`);
    }
    for (const rule of rules) {
      if (!rule.id || rule.id.trim() === '') {
        throw new Error(`NagCheck.suppress on '${construct.node.path}': every rule needs an id such as 'AwsSolutions-SQS3'`);
      }
      checkReason(`cdk-nag suppression of rule on '${construct.node.path}':`, rule.id, rule.reason);
    }
    for (const rule of rules) {
      Validations.of(construct).acknowledge({ id: rule.id.trim(), reason: rule.reason.trim() });
    }
  }

  private static defaultPack(verbose: boolean): IPolicyValidationPlugin {
    const nag = requireOptional<{ AwsSolutionsChecks: new (scope?: IConstruct, props?: { verbose?: boolean }) => IPolicyValidationPlugin }>('cdk-nag', 'NagCheck');
    return new nag.AwsSolutionsChecks(undefined, { verbose });
  }

  /**
   * Renders findings one per line: `AwsSolutions-SQS3 MyStack/Queue/Resource: message`.
   *
   * @param findings the findings to render
   */
  public static format(findings: NagFinding[]): string {
    return findings.map((f) => `  [${f.severity}] ${f.ruleId} ${f.resourcePath}: ${f.message}`).join('\n');
  }
}

/**
 * Whether a granular finding (`Pack-RULE[detail]`) is covered by an acknowledgement of its rule-level
 * id (`Pack-RULE`) on the violating construct or one of its ancestors. cdk-nag matches ids exactly,
 * so without this a rule-level suppression silently leaves every granular finding unsuppressed.
 */
function isCoveredByRuleLevelAcknowledgement(index: ConstructIndex, ruleName: string, constructPath: string | undefined): boolean {
  const m = /^([^[]+)\[.*\]$/s.exec(ruleName);
  if (!m || !constructPath) {
    return false;
  }
  const ruleLevel = m[1];
  const target = index.get(constructPath);
  for (let c: IConstruct | undefined = target; c; c = c.node.scope) {
    for (const entry of c.node.metadata) {
      if (entry.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY && entry.data) {
        const ids = Object.keys(entry.data as { [id: string]: string }).map((k) => k.replace(/^annotation::/i, ''));
        if (ids.includes(ruleLevel)) {
          return true;
        }
      }
    }
  }
  return false;
}

/** Construct path -> construct of the whole tree, built on first use. */
class ConstructIndex {
  private byPath?: Map<string, IConstruct>;
  constructor(private readonly scope: IConstruct) {}
  public get(p: string): IConstruct | undefined {
    if (!this.byPath) {
      this.byPath = new Map(this.scope.node.root.node.findAll().map((c) => [c.node.path, c] as [string, IConstruct]));
    }
    return this.byPath.get(p);
  }
}
