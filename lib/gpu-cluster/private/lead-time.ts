import { Duration } from 'aws-cdk-lib';
import { LeadTimeStep, ScaleOutLeadTime } from '../../core/lead-time';
import { GpuNodeProvisioningKind } from '../gpu-node-provisioning';
import { KubernetesScalingEngine } from '../scaling-engine';

/**
 * The GPU lane's cold start as a contract (issue 19 item 4): trigger → autoscaler → (new node) →
 * image pull → weights fetch → model load → Ready, each step with where its figure comes from. The
 * node and image steps are estimates for a scale-out that needs a NEW GPU node (the common case at a
 * burst: Karpenter consolidates idle GPU nodes); a pod that lands on a free GPU of an existing node
 * skips them. Not measured on this machine (no cluster, no EC2): the sources say so.
 * @internal
 */
export interface GpuLeadTimeInputs {
  readonly engine: KubernetesScalingEngine;
  readonly pollingInterval: Duration;
  readonly scaleOutCooldown?: Duration;
  readonly provisioning: GpuNodeProvisioningKind;
}

/** Karpenter's provisioning batch window: `settings.batchMaxDuration` (chart default 10s). */
const KARPENTER_BATCH = Duration.seconds(10);
/** EC2 launch + AL2023/Bottlerocket boot + nodeadm join + kubelet Ready on a GPU instance. */
const NODE_LAUNCH_AND_JOIN = Duration.seconds(90);
/** NVIDIA device plugin pod on the new node until it advertises nvidia.com/gpu. */
const DEVICE_PLUGIN_READY = Duration.seconds(20);
/** Serving image pull on a fresh node: ~7 GiB (Triton -py3) written at gp3's 125 MiB/s baseline. */
const IMAGE_PULL = Duration.seconds(60);
/** Weights fetch (aws s3 cp) + digest check + unpack of a ~1 GiB model. */
const WEIGHTS_FETCH = Duration.seconds(20);
/** Model load in the server + the first passing readiness probe (period 5 s). */
const MODEL_LOAD_AND_READY = Duration.seconds(30);

const KARPENTER_SETTINGS = 'https://karpenter.sh/docs/reference/settings/ (BATCH_MAX_DURATION default 10s)';
const ESTIMATE = 'estimate, not measured here';

export function gpuScaleOutLeadTime(i: GpuLeadTimeInputs): ScaleOutLeadTime {
  const steps: LeadTimeStep[] = [];
  if (i.engine === KubernetesScalingEngine.HPA) {
    steps.push({ step: 'HPA sync and metrics-server scrape', duration: Duration.seconds(30),
      source: 'https://kubernetes.io/docs/tasks/run-application/horizontal-pod-autoscale/ (sync period 15 s) + metrics-server resolution 15 s' });
  } else {
    steps.push({ step: 'KEDA polling', duration: i.pollingInterval, source: 'props.pollingInterval (KEDA ScaledObject pollingInterval, default 30 s)' });
  }
  if (i.scaleOutCooldown && i.scaleOutCooldown.toSeconds() > 0) {
    steps.push({ step: 'scale-out stabilization window', duration: i.scaleOutCooldown, source: 'props.autoscaling.scaleOutCooldown (HPA behavior.scaleUp.stabilizationWindowSeconds)' });
  }
  switch (i.provisioning) {
    case GpuNodeProvisioningKind.KARPENTER:
    case GpuNodeProvisioningKind.AUTO_MODE:
      steps.push({ step: `${i.provisioning === GpuNodeProvisioningKind.KARPENTER ? 'Karpenter' : 'Auto Mode'} batching of Pending pods`, duration: KARPENTER_BATCH, source: KARPENTER_SETTINGS });
      steps.push({ step: 'GPU instance launch, boot and join', duration: NODE_LAUNCH_AND_JOIN,
        source: `${ESTIMATE}: EC2 RunInstances/CreateFleet to kubelet Ready for an EKS-optimized AL2023 or Bottlerocket GPU node` });
      steps.push({ step: 'NVIDIA device plugin advertises nvidia.com/gpu', duration: DEVICE_PLUGIN_READY,
        source: `${ESTIMATE}: the device plugin DaemonSet pod starts on the new node (Auto Mode runs it built in)` });
      steps.push({ step: 'serving image pull on the new node', duration: IMAGE_PULL,
        source: `${ESTIMATE}: ~7 GiB compressed Triton image at the gp3 root volume's 125 MiB/s baseline (https://docs.aws.amazon.com/ebs/latest/userguide/general-purpose.html)` });
      break;
    case GpuNodeProvisioningKind.MANAGED_NODE_GROUP:
      steps.push({ step: 'free GPU on the node group (no node is added: its size is fixed)', duration: Duration.seconds(0),
        source: 'gpuNodeGroup: a managed node group does not follow pod demand; pods beyond its capacity stay Pending' });
      break;
    default:
      steps.push({ step: 'free GPU on an existing node (node provisioning is the cluster\'s)', duration: Duration.seconds(0),
        source: 'nodeProvisioning: existingNodes (a node launch by your own autoscaler is not counted)' });
  }
  steps.push({ step: 'model weights fetch, digest check and unpack', duration: WEIGHTS_FETCH,
    source: `${ESTIMATE}: init containers, ~1 GiB of weights from S3 in the same Region` });
  steps.push({ step: 'model load and first passing readiness probe', duration: MODEL_LOAD_AND_READY,
    source: `${ESTIMATE}: Triton model load; readiness probe period 5 s (the chart's probe)` });
  return ScaleOutLeadTime.of(steps);
}
