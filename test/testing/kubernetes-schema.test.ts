import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { ApiObject, App, Chart } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { KubernetesProblemType, KubernetesSchema } from '../../lib/testing';

function deployment(spec: { [key: string]: unknown } = {}): { [key: string]: unknown } {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', labels: { app: 'web' }, annotations: { 'example.com/owner': 'lanes' } },
    spec: {
      replicas: 2,
      selector: { matchLabels: { app: 'web' } },
      template: {
        metadata: { labels: { app: 'web' } },
        spec: {
          containers: [{
            name: 'server',
            image: 'nginx:1.27',
            ports: [{ containerPort: 8080, name: 'http' }],
            resources: { limits: { 'nvidia.com/gpu': '1', 'cpu': 2, 'memory': '4Gi' } },
            env: [{ name: 'POD_IP', valueFrom: { fieldRef: { fieldPath: 'status.podIP' } } }],
          }],
          nodeSelector: { 'karpenter.k8s.aws/instance-gpu-count': '1' },
          tolerations: [{ key: 'nvidia.com/gpu', operator: 'Exists', effect: 'NoSchedule' }],
        },
      },
      ...spec,
    },
  };
}

/** Custom resources the lanes emit; their schemas come from the @kubernetes-models/* packages. */
const customResources = [
  {
    apiVersion: 'keda.sh/v1alpha1', kind: 'ScaledObject', metadata: { name: 'web' },
    spec: {
      scaleTargetRef: { name: 'web' }, minReplicaCount: 0, maxReplicaCount: 4,
      triggers: [
        { type: 'aws-sqs-queue', metadata: { queueURL: 'q', queueLength: '5', awsRegion: 'us-east-1' }, authenticationRef: { name: 'keda-aws' } },
        { type: 'prometheus', metadata: { serverAddress: 'http://prometheus:9090', query: 'sum(x)', threshold: '1' } },
      ],
    },
  },
  {
    apiVersion: 'gateway.networking.k8s.io/v1', kind: 'HTTPRoute', metadata: { name: 'route' },
    spec: {
      parentRefs: [{ name: 'gw' }],
      rules: [{ matches: [{ path: { type: 'PathPrefix', value: '/v1' } }], backendRefs: [{ name: 'stable', port: 80, weight: 90 }, { name: 'canary', port: 80, weight: 10 }] }],
    },
  },
  {
    apiVersion: 'argoproj.io/v1alpha1', kind: 'Rollout', metadata: { name: 'web' },
    spec: {
      replicas: 2, selector: { matchLabels: { app: 'web' } }, workloadRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' },
      strategy: {
        canary: {
          steps: [{ setWeight: 10 }, { pause: { duration: '5m' } }, { analysis: { templates: [{ templateName: 'slo' }] } }],
          // free-form in the CRD schema (x-kubernetes-preserve-unknown-fields): must not be reported
          trafficRouting: { plugins: { 'argoproj-labs/gatewayAPI': { httpRoute: 'route', namespace: 'default' } } },
        },
      },
    },
  },
  {
    apiVersion: 'argoproj.io/v1alpha1', kind: 'AnalysisTemplate', metadata: { name: 'slo' },
    spec: { metrics: [{ name: 'p99', interval: '1m', failureLimit: 1, successCondition: 'result[0] < 0.5', provider: { prometheus: { address: 'http://prometheus:9090', query: 'q' } } }] },
  },
  {
    apiVersion: 'monitoring.coreos.com/v1', kind: 'ServiceMonitor', metadata: { name: 'web' },
    spec: { selector: { matchLabels: { app: 'web' } }, endpoints: [{ port: 'metrics', interval: '15s', path: '/metrics' }] },
  },
  {
    apiVersion: 'monitoring.coreos.com/v1', kind: 'PrometheusRule', metadata: { name: 'web' },
    spec: { groups: [{ name: 'slo', rules: [{ alert: 'High', expr: 'x > 1', for: '5m', labels: { severity: 'page' }, annotations: { summary: 's' } }] }] },
  },
];

/** A kind no installed package models. */
const unknownCustomResource = { apiVersion: 'lanes.example.com/v1alpha1', kind: 'InferenceLane', metadata: { name: 'web' }, spec: {} };

describe('KubernetesSchema (kubernetes-models in a child process)', () => {
  test('accepts a valid Deployment', () => {
    const result = KubernetesSchema.validateManifests(JSON.stringify(deployment()));
    expect(result.problems).toEqual([]);
    expect(result.valid).toBe(true);
    expect(result.objects).toEqual([{ apiVersion: 'apps/v1', kind: 'Deployment', name: 'web', schemaModule: 'kubernetes-models/apps/v1/Deployment' }]);
  });

  test('accepts what cdk8s-plus renders (no false unknown fields)', () => {
    const app = new App();
    const chart = new Chart(app, 'lane');
    const dep = new kplus.Deployment(chart, 'web', {
      containers: [{ image: 'nginx:1.27', portNumber: 8080, envVariables: { MODE: kplus.EnvValue.fromValue('gpu') } }],
    });
    dep.exposeViaService({ ports: [{ port: 80, targetPort: 8080 }] });
    new kplus.HorizontalPodAutoscaler(chart, 'hpa', {
      target: dep, maxReplicas: 4, metrics: [kplus.Metric.resourceCpu(kplus.MetricTarget.averageUtilization(70))],
    });
    const result = KubernetesSchema.assertChartValid(chart);
    expect(result.objects.map((o) => o.kind).sort()).toEqual(['Deployment', 'HorizontalPodAutoscaler', 'Service']);
    expect(KubernetesSchema.validateApp(app).valid).toBe(true);
  });

  test('rejects replicas: "three" with the path and message', () => {
    const json = JSON.stringify(deployment({ replicas: 'three' }));
    const result = KubernetesSchema.validateManifests(json);
    expect(result.problems).toEqual([{
      problemType: KubernetesProblemType.SCHEMA, apiVersion: 'apps/v1', kind: 'Deployment', name: 'web', path: '/spec/replicas', message: 'must be integer', index: 0,
    }]);
    expect(() => KubernetesSchema.assertValid(json))
      .toThrow(/Kubernetes manifests have 1 problem\(s\):\n {2}\[SCHEMA\] apps\/v1 Deployment\/web \/spec\/replicas: must be integer/);
  });

  test('rejects fields the schema does not know', () => {
    const manifest = deployment() as any;
    manifest.spec.replica = 3;
    manifest.spec.template.spec.containers[0].imagePullPolicyy = 'Always';
    const json = JSON.stringify(manifest);
    const result = KubernetesSchema.validateManifests(json);
    expect(result.problems.map((p) => `${p.problemType} ${p.path}`)).toEqual([
      'UNKNOWN_FIELD /spec/replica',
      'UNKNOWN_FIELD /spec/template/spec/containers/0/imagePullPolicyy',
    ]);
    expect(() => KubernetesSchema.assertValid(json))
      .toThrow(/\[UNKNOWN_FIELD\] apps\/v1 Deployment\/web \/spec\/template\/spec\/containers\/0\/imagePullPolicyy: field is not defined by the Deployment schema/);
    const tolerated = KubernetesSchema.validateManifests(json, { ignoreUnknownFieldsUnder: ['/spec/template/spec/containers/0'] });
    expect(tolerated.problems.map((p) => p.path)).toEqual(['/spec/replica']);
  });

  test('reports missing required fields, bad enums and non-objects', () => {
    const json = JSON.stringify([
      { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'x' }, spec: { selector: {} } },
      { apiVersion: 'v1', kind: 'Service', metadata: { name: 'svc' }, spec: { type: 'Bogus', ports: [{ port: 80 }] } },
      { apiVersion: 'v1', kind: 'ConfigMap', metadata: {} },
      { hello: 'world' },
    ]);
    const problems = KubernetesSchema.validateManifests(json).problems;
    expect(problems.map((p) => `${p.index} ${p.problemType} ${p.path}: ${p.message}`)).toEqual([
      '0 SCHEMA /spec: must have required property template',
      '1 SCHEMA /spec/type: must be equal to one of the allowed values: ["ClusterIP","ExternalName","LoadBalancer","NodePort"]',
      '2 SCHEMA /metadata/name: metadata.name is required',
      '3 INVALID_OBJECT : not a Kubernetes object: needs string apiVersion and kind',
    ]);
  });

  test('custom resources are validated with the @kubernetes-models/* CRD packages', () => {
    const result = KubernetesSchema.validateManifests(JSON.stringify(customResources));
    expect(result.problems).toEqual([]);
    expect(result.objects.map((o) => o.schemaModule)).toEqual([
      '@kubernetes-models/keda/keda.sh/v1alpha1/ScaledObject',
      '@kubernetes-models/gateway-api/gateway.networking.k8s.io/v1/HTTPRoute',
      '@kubernetes-models/argo-rollouts/argoproj.io/v1alpha1/Rollout',
      '@kubernetes-models/argo-rollouts/argoproj.io/v1alpha1/AnalysisTemplate',
      '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/ServiceMonitor',
      '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/PrometheusRule',
    ]);

    const broken = JSON.parse(JSON.stringify(customResources[0]));
    broken.spec.maxReplicaCount = 'four';
    broken.spec.minReplicas = 1;
    expect(() => KubernetesSchema.assertValid(JSON.stringify(broken))).toThrow(new RegExp([
      'Kubernetes manifests have 2 problem\\(s\\):',
      '  \\[SCHEMA\\] keda.sh/v1alpha1 ScaledObject/web /spec/maxReplicaCount: must be integer',
      '  \\[UNKNOWN_FIELD\\] keda.sh/v1alpha1 ScaledObject/web /spec/minReplicas: field is not defined by the ScaledObject schema',
    ].join('\n')));
  });

  test('a kind without a known schema fails unless explicitly allowed', () => {
    const json = JSON.stringify({ apiVersion: 'v1', kind: 'List', items: [deployment(), unknownCustomResource] });
    const result = KubernetesSchema.validateManifests(json);
    expect(result.problems).toHaveLength(1);
    expect(result.problems[0]).toMatchObject({ problemType: KubernetesProblemType.NO_SCHEMA, kind: 'InferenceLane', name: 'web', index: 1 });
    expect(() => KubernetesSchema.assertValid(json)).toThrow(new RegExp(
      '\\[NO_SCHEMA\\] lanes.example.com/v1alpha1 InferenceLane/web /: no schema known for lanes.example.com/v1alpha1 InferenceLane ' +
      '\\(tried kubernetes-models/lanes.example.com/v1alpha1/InferenceLane \\(not found\\)\\); ' +
      'add a kubernetes-models style package via modelPackages or allow it with allowKindsWithoutSchema',
    ));

    for (const allow of ['lanes.example.com/v1alpha1/InferenceLane', 'lanes.example.com/*', 'InferenceLane']) {
      expect(KubernetesSchema.validateManifests(json, { allowKindsWithoutSchema: [allow] }).valid).toBe(true);
    }
    expect(KubernetesSchema.validateManifests(json, { allowKindsWithoutSchema: ['lanes.example.com/v1alpha1/OtherKind'] }).valid).toBe(false);
    // A wrong apiVersion for a known kind has no schema either.
    const wrongGroup = JSON.stringify({ apiVersion: 'apps/v1', kind: 'Service', metadata: { name: 'svc' } });
    expect(() => KubernetesSchema.assertValid(wrongGroup)).toThrow(/\[NO_SCHEMA\] apps\/v1 Service\/svc \/: no schema known for apps\/v1 Service/);
  });

  test('CRD groups map to @kubernetes-models packages; extra modelPackages are searched and reported', () => {
    expect(KubernetesSchema.crdPackageForGroup('gateway.networking.k8s.io')).toBe('@kubernetes-models/gateway-api');
    expect(KubernetesSchema.crdPackageForGroup('example.com')).toBeUndefined();
    const json = JSON.stringify({ apiVersion: 'keda.sh/v1alpha1', kind: 'ScaledObject', metadata: { name: 'so' }, spec: {} });
    // The group maps to @kubernetes-models/keda; a package that is not installed is reported as such.
    const result = KubernetesSchema.validateManifests(json, { modelPackages: ['@kubernetes-models/not-a-real-package'] });
    expect(result.objects[0].schemaModule).toBe('@kubernetes-models/keda/keda.sh/v1alpha1/ScaledObject');
    const unknown = KubernetesSchema.validateManifests(JSON.stringify(unknownCustomResource), { modelPackages: ['@kubernetes-models/not-a-real-package'] });
    expect(unknown.problems[0].message).toMatch(/@kubernetes-models\/not-a-real-package\/lanes.example.com\/v1alpha1\/InferenceLane \(package @kubernetes-models\/not-a-real-package not installed\)/);
  });

  test('a CRD object inside a cdk8s chart is caught too', () => {
    const chart = new Chart(new App(), 'crd');
    new ApiObject(chart, 'lane', unknownCustomResource);
    new ApiObject(chart, 'route', { apiVersion: 'gateway.networking.k8s.io/v1', kind: 'HTTPRoute', metadata: { name: 'route' }, spec: { parentRef: [] } });
    expect(() => KubernetesSchema.assertChartValid(chart)).toThrow(/\[NO_SCHEMA\] lanes.example.com\/v1alpha1 InferenceLane\/web/);
    expect(() => KubernetesSchema.assertChartValid(chart, { allowKindsWithoutSchema: ['lanes.example.com/*'] }))
      .toThrow(/Kubernetes manifests have 1 problem\(s\):\n {2}\[UNKNOWN_FIELD\] gateway.networking.k8s.io\/v1 HTTPRoute\/route \/spec\/parentRef: /);
  });

  test('validates YAML and JSON files', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'k8s-schema-test-'));
    try {
      const yamlFile = path.join(dir, 'all.yaml');
      fs.writeFileSync(yamlFile, [
        'apiVersion: v1', 'kind: ConfigMap', 'metadata:', '  name: cfg', 'data:', '  a: "1"', '---',
        'apiVersion: v1', 'kind: Namespace', 'metadata:', '  name: lanes', 'spec:', '  finalizerz: []', '',
      ].join('\n'));
      expect(() => KubernetesSchema.assertFileValid(yamlFile)).toThrow(/\[UNKNOWN_FIELD\] v1 Namespace\/lanes \/spec\/finalizerz/);
      const jsonFile = path.join(dir, 'one.json');
      fs.writeFileSync(jsonFile, JSON.stringify(deployment()));
      expect(KubernetesSchema.assertFileValid(jsonFile).valid).toBe(true);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  test('bad inputs throw clear errors', () => {
    expect(() => KubernetesSchema.validateManifests('{ nope')).toThrow(/KubernetesSchema: manifests are not valid JSON/);
    expect(() => KubernetesSchema.validateFile('/does/not/exist.yaml')).toThrow(/KubernetesSchema: manifest file not found: \/does\/not\/exist.yaml/);
  });
});
