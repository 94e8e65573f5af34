import { CfnResource, Validations } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { invalid } from './errors';

/**
 * Acknowledging cdk-nag findings on resources a lane creates, without importing cdk-nag (which stays
 * a test-time tool and never a runtime dependency of the library). Not exported from the package.
 *
 * Two records are written per finding:
 *
 * - a CDK acknowledgement, `Validations.of(resource).acknowledge({ id, reason })`, which is what
 *   cdk-nag 3 reads (`aws:cdk:acknowledged-rules` construct metadata, on the resource and its
 *   ancestors). cdk-nag 3 matches ids exactly: a granular finding such as
 *   `AwsSolutions-IAM5[Resource::*]` is only covered by that granular id, so each `appliesTo` entry
 *   becomes its own acknowledgement `<id>[<appliesTo>]`;
 * - the `cdk_nag` CloudFormation metadata of the L1 resource (`rules_to_suppress: [{ id, reason,
 *   applies_to? }]`, merged with what is there), the format cdk-nag 2's `NagSuppressions` wrote and
 *   still reads: an audit trail in the synthesized template, and suppressions for cdk-nag 2 users.
 */

/** One cdk-nag finding to acknowledge. */
export interface NagFindingAcknowledgement {
  /** Rule id, e.g. `AwsSolutions-SQS3` or `AwsSolutions-IAM5`. */
  readonly id: string;
  /** Why the finding is acceptable for this resource (at least 10 characters, as cdk-nag requires). */
  readonly reason: string;
  /**
   * The granular findings covered, e.g. `['Resource::*', 'Action::kms:GenerateDataKey*']`. Required
   * for rules whose findings are granular (IAM4, IAM5): a rule-level id does not cover them.
   */
  readonly appliesTo?: string[];
}

/** Rules whose findings cdk-nag reports per granular item (`Rule[Item]`). */
const GRANULAR_RULES = /^AwsSolutions-IAM[45]$|-IAM[45]$/;

interface V2Suppression {
  id: string;
  reason: string;
  applies_to?: string[];
}

/**
 * Acknowledge cdk-nag findings on `resource` (an L1 resource, or a construct: then the
 * acknowledgement covers everything below it and the template metadata goes on its default child).
 *
 * @throws LaneValidationError for an empty id, a reason shorter than 10 characters, or a granular
 * rule (IAM4/IAM5) acknowledged without `appliesTo`
 */
export function acknowledgeNagFindings(resource: CfnResource | IConstruct, findings: NagFindingAcknowledgement[]): void {
  const entries: V2Suppression[] = [];
  for (const [i, f] of findings.entries()) {
    const id = (f.id ?? '').trim();
    const reason = (f.reason ?? '').trim();
    if (!id) {
      throw invalid(resource, `findings[${i}].id`, f.id, 'is empty', "Pass the cdk-nag rule id, e.g. 'AwsSolutions-SQS3'.");
    }
    if (reason.length < 10) {
      throw invalid(resource, `findings[${i}].reason`, f.reason, 'is shorter than 10 characters (cdk-nag requires a reason)', 'Say why the finding is acceptable for this resource.');
    }
    const appliesTo = f.appliesTo?.map(a => a.trim());
    if (appliesTo !== undefined && (appliesTo.length === 0 || appliesTo.some(a => !a))) {
      throw invalid(resource, `findings[${i}].appliesTo`, f.appliesTo, 'is empty or has an empty entry', "List the granular findings, e.g. ['Resource::*'], or omit appliesTo.");
    }
    if (appliesTo === undefined && GRANULAR_RULES.test(id)) {
      throw invalid(resource, `findings[${i}].appliesTo`, undefined, `is required for ${id}: its findings are granular (${id}[Resource::...]) and a rule-level id does not cover them`,
        `List the findings, e.g. appliesTo: ['Resource::*'].`);
    }
    const ids = appliesTo ? appliesTo.map(a => `${id}[${a}]`) : [id];
    Validations.of(resource).acknowledge(...ids.map(x => ({ id: x, reason })));
    entries.push({ id, reason, ...(appliesTo ? { applies_to: appliesTo } : {}) });
  }
  const cfn = CfnResource.isCfnResource(resource) ? resource : resource.node.defaultChild;
  if (cfn && CfnResource.isCfnResource(cfn)) {
    writeV2Metadata(cfn, entries);
  }
}

/** Merge into `Metadata.cdk_nag.rules_to_suppress` as cdk-nag 2's NagSuppressions did (same id: applies_to merged). */
function writeV2Metadata(cfn: CfnResource, entries: V2Suppression[]): void {
  const existing = (cfn.getMetadata('cdk_nag') as { rules_to_suppress?: V2Suppression[] } | undefined)?.rules_to_suppress ?? [];
  const merged: V2Suppression[] = existing.map(e => ({ ...e, ...(e.applies_to ? { applies_to: [...e.applies_to] } : {}) }));
  for (const e of entries) {
    const same = merged.find(m => m.id === e.id);
    if (!same) {
      merged.push(e);
    } else if (same.applies_to && e.applies_to) {
      for (const a of e.applies_to) { if (!same.applies_to.includes(a)) { same.applies_to.push(a); } }
    } else {
      // A rule-level entry covers everything: keep it rule-level.
      delete same.applies_to;
      if (!e.applies_to) { same.reason = e.reason; }
    }
  }
  cfn.addMetadata('cdk_nag', { rules_to_suppress: merged });
}
