import { KubernetesSchema } from '../../lib/testing';
import * as processHelpers from '../../lib/testing/private/process';

/**
 * KubernetesSchema's own failure paths: its validator is `node -e <script>` (not a stub-able executable),
 * so the one process call (runSync) is replaced by a stub that crashes, prints something else than
 * JSON, or reports a fatal error (issue 21 class 1).
 */
const manifest = JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' } });

function withValidatorReply(reply: { status: number; stdout: string; stderr: string }, check: () => void): void {
  const spy = jest.spyOn(processHelpers, 'runSync').mockReturnValue({ ...reply, durationMs: 1 });
  try {
    check();
    expect(spy).toHaveBeenCalledTimes(1);
    expect(spy.mock.calls[0][0]).toBe(process.execPath);
    expect(spy.mock.calls[0][1]).toMatchObject({ label: 'Kubernetes schema validator', timeoutMs: 120_000 });
  } finally {
    spy.mockRestore();
  }
}

test('the validator exits non-zero: an error with its exit code, stderr and stdout', () => {
  withValidatorReply({ status: 1, stdout: 'partial', stderr: 'TypeError: boom' }, () => {
    expect(() => KubernetesSchema.validateManifests(manifest)).toThrow(/^Kubernetes schema validator failed \(exit code 1\):\nTypeError: boom\npartial\n$/);
  });
});

test('the validator prints something that is not JSON: an error with its output', () => {
  withValidatorReply({ status: 0, stdout: 'not json', stderr: 'warn' }, () => {
    expect(() => KubernetesSchema.validateManifests(manifest)).toThrow(/^Kubernetes schema validator printed something that is not JSON:\nnot json\nwarn\n$/);
  });
});

test('the validator reports a fatal error: it is thrown; problems make the result invalid', () => {
  withValidatorReply({ status: 0, stdout: JSON.stringify({ problems: [], objects: [], fatal: 'cannot load kubernetes-models' }), stderr: '' }, () => {
    expect(() => KubernetesSchema.validateManifests(manifest)).toThrow(/^Kubernetes schema validator: cannot load kubernetes-models$/);
  });
  const problem = { type: 'schema', kind: 'ConfigMap', name: 'c', path: '/data', message: 'must be object' };
  withValidatorReply({ status: 0, stdout: JSON.stringify({ problems: [problem], objects: [] }), stderr: '' }, () => {
    const result = KubernetesSchema.validateManifests(manifest);
    expect(result.valid).toBe(false);
    expect(result.problems).toEqual([problem]);
  });
  withValidatorReply({ status: 0, stdout: JSON.stringify({ problems: [], objects: [{ kind: 'ConfigMap' }] }), stderr: '' }, () => {
    expect(KubernetesSchema.validateManifests(manifest)).toEqual({ valid: true, problems: [], objects: [{ kind: 'ConfigMap' }] });
  });
});

test('what reaches the validator: empty documents dropped, Lists (and Lists in lists) flattened, the options with their defaults', () => {
  const cm = (name: string) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name } });
  const input = [null, cm('a'), { apiVersion: 'v1', kind: 'ConfigMapList', items: [cm('b'), { kind: 'List', items: [cm('c')] }, null] }, { kind: 'Listing', items: [cm('x')] }, { kind: 'PodList', items: 'none' }];
  const reply = { status: 0, stdout: JSON.stringify({ problems: [], objects: [] }), stderr: '', durationMs: 1 };
  const spy = jest.spyOn(processHelpers, 'runSync').mockReturnValue(reply);
  try {
    KubernetesSchema.validateManifests(JSON.stringify(input));
    const request = JSON.parse(String(spy.mock.calls[0][1].input));
    expect(request.objects).toEqual([cm('a'), cm('b'), cm('c'), { kind: 'Listing', items: [cm('x')] }, { kind: 'PodList', items: 'none' }]);
    expect(request).toMatchObject({ allow: [], ignoreUnder: [], extraPackages: [] });
    expect(request.crdPackages['keda.sh']).toBe('@kubernetes-models/keda');
    KubernetesSchema.validateManifests(JSON.stringify(cm('solo')), { allowKindsWithoutSchema: ['X'], ignoreUnknownFieldsUnder: ['spec'], modelPackages: ['@scope/models'], timeoutSeconds: 7 });
    const second = JSON.parse(String(spy.mock.calls[1][1].input));
    expect(second).toMatchObject({ objects: [cm('solo')], allow: ['X'], ignoreUnder: ['spec'], extraPackages: ['@scope/models'] });
    expect(spy.mock.calls[1][1].timeoutMs).toBe(7000);
    expect(() => KubernetesSchema.validateManifests('{ nope')).toThrow(/^KubernetesSchema: manifests are not valid JSON: /);
  } finally {
    spy.mockRestore();
  }
});
