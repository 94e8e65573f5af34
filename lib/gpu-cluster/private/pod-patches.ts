import * as cdk8s from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { k8s } from 'cdk8s-plus-28';
import { ModelServerProps } from '../model-server';
import { quantityOf, stripUndefined } from './util';

/**
 * What cdk8s-plus-28 cannot render on a model server's pod, as JSON patches: GPU resources,
 * tolerations, node selection by label and instance type, the zone spread and the priority class.
 * @internal
 */
export function patchPodSpec(deployment: kplus.Deployment, props: ModelServerProps, selector: { [key: string]: string }): void {
  // Escape hatches: what cdk8s-plus-28 cannot render.
  const podSpec = '/spec/template/spec';
  const apiObject = cdk8s.ApiObject.of(deployment);
  // The whole resources object: cdk8s-plus has no GPU resources, and without explicit values it
  // would add CPU/memory defaults of its own.
  const memory = quantityOf(props.memory);
  // Quantity objects, not plain values: the generated KubeDeployment serializer reads `.value` of
  // every resources entry, so a plain number or string comes out null.
  apiObject.addJsonPatch(cdk8s.JsonPatch.add(`${podSpec}/containers/0/resources`, {
    requests: {
      'cpu': k8s.Quantity.fromString(String(props.cpu)),
      'memory': k8s.Quantity.fromString(memory),
      'nvidia.com/gpu': k8s.Quantity.fromNumber(props.gpuCount),
      'ephemeral-storage': k8s.Quantity.fromString(quantityOf(props.modelVolumeSize)),
    },
    limits: {
      'memory': k8s.Quantity.fromString(memory),
      'nvidia.com/gpu': k8s.Quantity.fromNumber(props.gpuCount),
    },
  }));
  apiObject.addJsonPatch(cdk8s.JsonPatch.add(`${podSpec}/tolerations`, props.tolerations.map(t => ({
    key: t.key,
    operator: t.value === undefined ? 'Exists' : 'Equal',
    value: t.value,
    effect: t.effect,
  })).map(stripUndefined)));
  if (Object.keys(props.nodeSelector).length > 0) {
    apiObject.addJsonPatch(cdk8s.JsonPatch.add(`${podSpec}/nodeSelector`, { ...props.nodeSelector }));
  }
  if (props.instanceTypes.length > 0) {
    apiObject.addJsonPatch(cdk8s.JsonPatch.add(`${podSpec}/affinity`, {
      nodeAffinity: {
        requiredDuringSchedulingIgnoredDuringExecution: {
          nodeSelectorTerms: [{ matchExpressions: [{ key: 'node.kubernetes.io/instance-type', operator: 'In', values: [...props.instanceTypes] }] }],
        },
      },
    }));
  }
  if (props.spreadAcrossZones) {
    apiObject.addJsonPatch(cdk8s.JsonPatch.add(`${podSpec}/topologySpreadConstraints`, [{
      maxSkew: 1,
      topologyKey: 'topology.kubernetes.io/zone',
      whenUnsatisfiable: 'ScheduleAnyway',
      labelSelector: { matchLabels: { ...selector } },
    }]));
  }
  if (props.priorityClassName) {
    apiObject.addJsonPatch(cdk8s.JsonPatch.add(`${podSpec}/priorityClassName`, props.priorityClassName));
  }
}
