import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';

/**
 * The failover state: an EventBridge rule delivers the primary's alarm state changes to the router
 * (the same function: no second Lambda), which writes one item per alarm into a small table
 * (`route`, `alarm` → `state`, `ts`). Every execution environment reads the route's items with one
 * Query at most every `failoverStateCacheTtl`; no DescribeAlarms call per request.
 */
export interface FailoverStateResources {
  /** One item per primary alarm. */
  readonly table: dynamodb.Table;
  /** Alarm state changes of the primary's alarms. */
  readonly rule: events.Rule;
  /** Alarm names the router fails over on. */
  readonly alarmNames: string[];
  /** Target the rule at the router and grant it the table. */
  connect(scope: Construct, alias: lambda.IFunction, role: iam.IRole): void;
}

export function buildFailoverState(scope: Construct, alarms: cloudwatch.IAlarm[], routeName: string): FailoverStateResources {
  // Alarm names, states and timestamps only (no payloads): the table's default AWS-owned encryption.
  const table = new dynamodb.Table(scope, 'FailoverState', {
    partitionKey: { name: 'route', type: dynamodb.AttributeType.STRING },
    sortKey: { name: 'alarm', type: dynamodb.AttributeType.STRING },
    billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
    pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
    // Derived state: the next alarm state change writes it again.
    removalPolicy: RemovalPolicy.DESTROY,
  });
  const rule = new events.Rule(scope, 'FailoverRule', {
    description: `Alarm state changes of the primary lane of ${scope.node.path} (failover)`,
    eventPattern: {
      source: ['aws.cloudwatch'],
      detailType: ['CloudWatch Alarm State Change'],
      resources: alarms.map(a => a.alarmArn),
    },
  });
  return {
    table,
    rule,
    alarmNames: alarms.map(a => a.alarmName),
    connect(_scope, alias, role) {
      rule.addTarget(new targets.LambdaFunction(alias, { retryAttempts: 185, maxEventAge: Duration.hours(24) }));
      role.addToPrincipalPolicy(new iam.PolicyStatement({
        actions: ['dynamodb:Query', 'dynamodb:PutItem'],
        resources: [table.tableArn],
        conditions: { 'ForAllValues:StringEquals': { 'dynamodb:LeadingKeys': [routeName] } },
      }));
    },
  };
}
