import { App, ArnFormat, Duration, Stack, StackProps } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { ModelArtifact, ModelArtifactOptions } from '../../lib';
import type { HybridApp } from '../hybrid';
import { DeliveryAppSource, DeliveryStage, ModelDeliveryContext, ModelDeliveryPipeline, ModelDeliverySource } from '../../lib/delivery';

/**
 * The model delivery pipeline of the hybrid example: a new version of `models/assistant/model.tar.gz`
 * goes through the checks, the project's own tests, a shadow stage, a canary of the `InferenceLanesHybrid`
 * stack that rolls back on the baseline's rollback alarms, an approval on an SNS topic and the promote.
 */
export interface DeliveryStackProps extends StackProps {
  /**
   * The rollback alarms of the lanes the canary deploys.
   * @default - the hybrid baseline's alarms, imported by name (the names its stack outputs)
   */
  readonly rollbackAlarms?: cloudwatch.IAlarm[];
}

export class DeliveryStack extends Stack {
  public readonly delivery: ModelDeliveryPipeline;
  public readonly models: s3.Bucket;

  constructor(scope: Construct, id: string, props: DeliveryStackProps = {}) {
    super(scope, id, props);
    const key = new kms.Key(this, 'ModelsKey', { enableKeyRotation: true });
    this.models = new s3.Bucket(this, 'Models', {
      versioned: true,                 // required: the S3 source action reads object versions
      eventBridgeEnabled: true,        // the pipeline starts on the bucket's Object Created events
      encryption: s3.BucketEncryption.KMS, encryptionKey: key, enforceSSL: true,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      serverAccessLogsPrefix: 'access-logs/',
    });
    const approvers = new sns.Topic(this, 'Approvers', { enforceSSL: true, masterKey: key });
    // The rollback alarms of the hybrid's lanes, by name (they live in the InferenceLanesHybrid stack).
    const rollbackAlarms = props.rollbackAlarms ?? ['InferenceLanesHybrid-Baseline-RollbackLatency', 'InferenceLanesHybrid-Baseline-RollbackErrors']
      .map((name, i) => cloudwatch.Alarm.fromAlarmArn(this, `Rollback${i}`, this.formatArn({ service: 'cloudwatch', resource: 'alarm', resourceName: name, arnFormat: ArnFormat.COLON_RESOURCE_NAME })));
    this.delivery = new ModelDeliveryPipeline(this, 'Delivery', {
      source: ModelDeliverySource.s3Object(this.models, 'models/assistant/model.tar.gz'),
      app: DeliveryAppSource.s3Zip(this.models, 'apps/inference-lanes.zip'),
      stages: [
        DeliveryStage.shadow({ stacks: ['InferenceLanesHybrid'], bakeTime: Duration.minutes(20) }),
        DeliveryStage.canary({ stacks: ['InferenceLanesHybrid'], rollbackAlarms }),
        DeliveryStage.approval({ notificationTopic: approvers }),
        DeliveryStage.promote(),
      ],
    });
  }
}

/** Options of {@link createDeliveryApp}. */
export interface DeliveryAppOptions {
  /** The app. @default - the hybrid's app, else a new App */
  readonly app?: App;
  /**
   * The hybrid whose lanes the pipeline delivers to: the canary rolls back on the SLO alarms of its baseline and
   * burst lanes (a cross-stack reference: the pipeline stack imports their names).
   * @default - none: alarms imported by name
   */
  readonly hybrid?: HybridApp;
}

/** The delivery example (the pipeline stack `InferenceLanesDelivery`), next to the hybrid when one is given. */
export function createDeliveryApp(options: DeliveryAppOptions = {}): { app: App; stack: DeliveryStack } {
  const app = options.app ?? options.hybrid?.app ?? new App();
  const env = options.hybrid?.stack.environment.startsWith('aws://unknown') === false
    ? { account: options.hybrid.stack.account, region: options.hybrid.stack.region } : { account: '123456789012', region: 'us-east-1' };
  const stack = new DeliveryStack(app, 'InferenceLanesDelivery', {
    env,
    rollbackAlarms: options.hybrid ? [...options.hybrid.baseline.sloAlarms, ...options.hybrid.burst.sloAlarms] : undefined,
  });
  return { app, stack };
}

/**
 * How an app picks up the pipeline's candidate: in the pipeline (`-c inference-lanes:model-version=...`) the
 * candidate is the artifact, except in the shadow role (the app mirrors traffic to it and keeps `released`);
 * outside it, `released`.
 */
export function deliveredArtifact(scope: Construct, released: ModelArtifact, options: ModelArtifactOptions): ModelArtifact {
  const candidate = ModelDeliveryContext.artifact(scope, options);
  return candidate && ModelDeliveryContext.of(scope)!.role !== 'shadow' ? candidate : released;
}
