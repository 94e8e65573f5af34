import { Tags, Token } from 'aws-cdk-lib';
import * as applicationsignals from 'aws-cdk-lib/aws-applicationsignals';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as sagemaker from 'aws-cdk-lib/aws-sagemaker';
import { Construct } from 'constructs';
import { AutoscalingPolicy, DynamicBatching, HardwareTarget, ModelArtifactBinding, ServiceLevelObjective } from '../../core';
import { checkPropsObject } from '../../core/private/validation';
import { invalid } from '../../core/private/errors';
import { EndpointMode } from '../endpoint-mode';
import { ComputeReservation, InferenceComponentOptions, ModelComponent } from '../inference-component';
import { warnIfWeightsMayBeOverwritten } from './checks';
import { ComponentInstance } from './component-instances';
import { validateComponentScaling } from './component-scaling';
import { checkFleet, checkReservation, ComponentDemand, createComponent, initialCopies } from './inference-components';
import { RolloutProps } from './rollout';

/**
 * The inference components of one endpoint: the artifact's component and each model added with
 * `ManagedEndpoint.addModel`, checked together against the fleet. Internal.
 */

/** InferenceComponentName: letters, digits and hyphens, at most 63 characters. */
const COMPONENT_NAME_RE = /^[a-zA-Z0-9]([-a-zA-Z0-9]*[a-zA-Z0-9])?$/;
/** Above the lane-wide tags (priority 100), so an added model keeps its own identity. */
const MODEL_TAG_PRIORITY = 110;

/** What the fleet needs from the endpoint. */
export interface ComponentFleetProps {
  readonly mode: EndpointMode;
  readonly instance?: ComponentInstance;
  readonly hardware: HardwareTarget;
  readonly policy: AutoscalingPolicy;
  readonly role: iam.IRole;
  readonly slo?: ServiceLevelObjective;
  readonly rollout: RolloutProps;
  readonly endpointName: string;
  readonly variantName: string;
  /**
   * A `CfnModel` with id `Model` under `scope` serving `binding` (the lane's container, environment and VPC),
   * with the container's batching variables for `batching` on a copy of `reservation`.
   */
  readonly createModel: (scope: Construct, binding: ModelArtifactBinding, batching: DynamicBatching | undefined, reservation: ComputeReservation) => sagemaker.CfnModel;
  /** The lane's `sloAlarms`, `serviceLevelObjectives` and `sloBurnRateAlarms`: each component's are appended. */
  readonly laneSloAlarms: cloudwatch.IAlarm[];
  readonly laneObjectives: applicationsignals.CfnServiceLevelObjective[];
  readonly laneBurnRateAlarms: cloudwatch.IAlarm[];
}

/** The endpoint's components, in the order they were added. */
export class ComponentFleet {
  public readonly components: ModelComponent[] = [];
  private readonly demands: ComponentDemand[] = [];

  constructor(private readonly endpoint: Construct, private readonly props: ComponentFleetProps) {}

  /** The artifact's component, directly under the endpoint (IDs `InferenceComponent`, `ScalableTarget`, `Slo*`). */
  public addPrimary(model: sagemaker.CfnModel, binding: ModelArtifactBinding, batching: DynamicBatching | undefined): ModelComponent {
    const opts = this.props.mode.componentOptions!;
    return this.add(this.endpoint, 'mode', model, binding, opts.computeReservation, opts.copies, this.props.policy, undefined, batching);
  }

  /** A further model under its own construct `id`. */
  public addModel(id: string, options: InferenceComponentOptions): ModelComponent {
    checkPropsObject(this.endpoint, `addModel(${id})`, options, 'Pass { artifact, computeReservation }.');
    const prefix = `addModel(${id})`;
    if (!options.artifact) {
      throw invalid(this.endpoint, `${prefix}.artifact`, options.artifact, 'is required', 'Pass the ModelArtifact to serve.');
    }
    const name = options.componentName;
    if (name !== undefined && !Token.isUnresolved(name) && (!COMPONENT_NAME_RE.test(name) || name.length > 63)) {
      throw invalid(this.endpoint, `${prefix}.componentName`, name, 'is not an inference component name', 'Use letters, digits and hyphens (not at the ends), at most 63 characters.');
    }
    const policy = options.autoscaling ?? this.props.policy;
    if (options.autoscaling) { validateComponentScaling(this.endpoint, `${prefix}.autoscaling`, options.autoscaling); }
    const { name: artifactName, version } = options.artifact;
    const same = this.components.find(c => c.artifactName === artifactName && c.artifactVersion === version);
    if (same) {
      throw invalid(this.endpoint, `${prefix}.artifact`, `${artifactName}@${version}`, `is already served by component ${same.componentName}`, 'Add another version, or scale the existing component with more copies.');
    }
    const scope = new Construct(this.endpoint, id);
    const binding = options.artifact.bind(scope, { grantee: this.props.role, target: this.props.hardware, consumer: `${scope.node.path}` });
    warnIfWeightsMayBeOverwritten(scope, binding);
    // The reservation is checked (in add) before the batching reads it; the model is created after.
    checkReservation(this.endpoint, `${prefix}.computeReservation`, options.computeReservation, this.props.mode, binding.target ?? this.props.hardware, this.props.instance);
    const model = this.props.createModel(scope, binding, options.dynamicBatching, options.computeReservation);
    const component = this.add(scope, prefix, model, binding, options.computeReservation, options.copies, policy, name, options.dynamicBatching);
    // The lane is tagged with its artifact's identity; the added model and its component carry their own.
    for (const [k, v] of Object.entries(binding.tags)) {
      for (const r of [model, component.cfnInferenceComponent]) { Tags.of(r).add(k, v, { priority: MODEL_TAG_PRIORITY }); }
    }
    return component;
  }

  private add(scope: Construct, prop: string, model: sagemaker.CfnModel, binding: ModelArtifactBinding, reservation: ComputeReservation,
    copiesGiven: number | undefined, policy: AutoscalingPolicy, componentName: string | undefined, batching: DynamicBatching | undefined): ModelComponent {
    const p = this.props;
    checkReservation(this.endpoint, `${prop}.computeReservation`, reservation, p.mode, binding.target ?? p.hardware, p.instance);
    const copies = initialCopies(this.endpoint, `${prop}.copies`, copiesGiven, policy);
    this.demands.push({ prop: `${prop}.computeReservation`, reservation, copies, maxCopies: policy.maxCapacity });
    checkFleet(this.endpoint, p.mode, p.instance, this.demands);
    const { component: rendered, objectives, burnRateAlarms } = createComponent(scope, p.mode, {
      model, artifactName: binding.name, artifactVersion: binding.version, reservation, copies, policy, componentName,
      endpointName: p.endpointName, variantName: p.variantName, endpointPath: this.endpoint.node.path, role: p.role, slo: p.slo, rollout: p.rollout,
    });
    const component: ModelComponent = { ...rendered, dynamicBatching: batching };
    p.laneSloAlarms.push(...component.sloAlarms);
    p.laneObjectives.push(...objectives);
    p.laneBurnRateAlarms.push(...burnRateAlarms);
    this.components.push(component);
    return component;
  }
}
