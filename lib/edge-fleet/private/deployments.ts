import { Stack, Tags } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as greengrassv2 from 'aws-cdk-lib/aws-greengrassv2';
import { Construct } from 'constructs';
import { FleetRelease } from '../fleet-release';
import { DeviceClassState } from './device-class';
import { watchDeployment } from './fleet-health';
import { renderKeptComponents } from './groups';
import { renderJobConfiguration } from './job-config';
import { RingPlan } from './rings';

/**
 * # Ring deployments of the edge lane
 *
 * One `AWS::GreengrassV2::Deployment` per device class and ring that has a version in the release,
 * each after the previous ring's, with the shared deployment policies and the ring's IoT job settings.
 */

/** Inputs of {@link addRingDeployments}. @internal */
export interface RingDeploymentsInput {
  readonly classes: DeviceClassState[];
  readonly rings: RingPlan[];
  readonly release: FleetRelease;
  readonly component: greengrassv2.CfnComponentVersion;
  readonly componentName: string;
  readonly componentVersion: string;
  readonly policies: greengrassv2.CfnDeployment.DeploymentPoliciesProperty;
  /** Watch each deployment (job lookup + health alarm). */
  readonly fleetHealth: boolean;
  /** Failed plus rejected devices that raise a ring's health alarm. */
  readonly healthAlarmFailedDevices: number;
}

/**
 * Render every ring's job configuration (validating each ring's job settings), then the deployments of
 * every class, in `<class>/<Ring>/Deployment`. Fills each class state's deployments, versions and job
 * IDs; returns the health alarms.
 * @internal
 */
export function addRingDeployments(channel: Construct, input: RingDeploymentsInput): cloudwatch.Alarm[] {
  const jobs: { [ring: string]: greengrassv2.CfnDeployment.DeploymentIoTJobConfigurationProperty } = {};
  for (const ring of input.rings) {
    jobs[ring.name] = renderJobConfiguration(channel, ring.jobProp, ring.job, ring.jobDefaults);
  }
  const ringNames = input.rings.map(r => r.name);
  const alarms: cloudwatch.Alarm[] = [];
  for (const state of input.classes) {
    const c = state.deviceClass;
    const scope = channel.node.findChild(c.name) as Construct;
    let previous: greengrassv2.CfnDeployment | undefined;
    for (const plan of input.rings) {
      const ring = plan.name;
      const version = input.release.versionFor(ring, input.componentVersion, ringNames);
      if (version === undefined) { continue; }
      const ringScope = new Construct(scope, plan.id);
      const targetArn = Stack.of(channel).formatArn({ service: 'iot', resource: 'thinggroup', resourceName: state.groups[ring] });
      const deployment = new greengrassv2.CfnDeployment(ringScope, 'Deployment', {
        targetArn,
        deploymentName: `${input.componentName}-${c.name}-${ring}`,
        components: {
          // A deployment to a thing group replaces the group's previous one, and Greengrass removes
          // every component it does not list: the components the class keeps come first.
          ...renderKeptComponents(c.keepComponents),
          [input.componentName]: {
            componentVersion: version,
            configurationUpdate: c.configuration ? { merge: JSON.stringify(c.configuration) } : undefined,
          },
        },
        deploymentPolicies: input.policies,
        iotJobConfiguration: jobs[ring],
      });
      deployment.node.addDependency(input.component);
      const group = scope.node.tryFindChild(`${plan.id}Group`);
      if (group) { deployment.node.addDependency(group); }
      // Ring order: CloudFormation creates each ring's deployment after the previous ring's.
      if (previous) { deployment.node.addDependency(previous); }
      previous = deployment;
      state.deployments[ring] = deployment;
      state.versions[ring] = version;
      // A deployment's properties depend only on its pinned version, never on the candidate artifact:
      // a frozen ring renders identically whatever the stack is given.
      Tags.of(ringScope).remove('model:version', { priority: 300 });
      Tags.of(ringScope).add('edge:component-version', version, { priority: 300 });
      if (input.fleetHealth) {
        const health = watchDeployment(ringScope, {
          deployment, targetArn, componentName: input.componentName, className: c.name, ring, version, threshold: input.healthAlarmFailedDevices,
        });
        state.jobIds[ring] = health.jobId;
        alarms.push(health.alarm);
      }
    }
  }
  return alarms;
}
