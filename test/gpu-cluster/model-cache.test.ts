import { execFileSync, spawn, spawnSync } from 'child_process';
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Size } from 'aws-cdk-lib';
import * as cdk8s from 'cdk8s';
import { GpuServingChart, GpuServingChartProps, ServedModel } from '../../lib/gpu-cluster';
import { KubernetesSchema } from '../../lib/testing/kubernetes-schema';

// The node-local model cache: what the chart renders, and the init containers' scripts run for real
// (sh, sha256sum, tar) against a fake S3 (a local directory behind a fake `aws` command that logs
// the bytes it copies).

const DIGEST_BYTES = crypto.randomBytes(3 * 1024 * 1024);
const MODEL: ServedModel = {
  name: 'recsys', version: '1.4.0',
  weightsUri: 's3://models-bucket/recsys/1.4.0/model.tar.gz',
  imageUri: 'nvcr.io/nvidia/tritonserver:24.08-py3',
  framework: 'onnx',
};

function chart(props: Partial<GpuServingChartProps> = {}): any[] {
  return new GpuServingChart(new cdk8s.App(), 'recsys', { namespace: 'recsys', model: MODEL, ...props }).toJson();
}
function podSpec(objs: any[]): any {
  return objs.find(o => o.kind === 'Deployment').spec.template.spec;
}

describe('rendered', () => {
  const digest = 'sha256:' + 'ab'.repeat(32);
  const objs = chart({ model: { ...MODEL, weightsDigest: digest }, modelCache: {} });
  const spec = podSpec(objs);
  const server = spec.containers[0];

  test('a hostPath volume at the default node directory, mounted read-only as the version directory (subPath keyed by name, version and digest)', () => {
    expect(spec.volumes).toEqual(expect.arrayContaining([
      { name: 'model-cache', hostPath: { path: '/var/lib/cdk-inference-lanes/model-cache', type: 'DirectoryOrCreate' } },
    ]));
    expect(server.volumeMounts).toEqual(expect.arrayContaining([
      { name: 'model-cache', mountPath: '/models/recsys/1', subPath: `recsys/1.4.0-sha256-${'ab'.repeat(32)}`, readOnly: true },
    ]));
    // The emptyDir stays for the rest of the repository (Triton's config.pbtxt).
    expect(server.volumeMounts).toEqual(expect.arrayContaining([expect.objectContaining({ name: 'models', mountPath: '/models' })]));
  });

  test('both init containers work in the cache (not the emptyDir) with the cache key in their environment', () => {
    for (const c of spec.initContainers) {
      expect(c.volumeMounts).toEqual(expect.arrayContaining([{ name: 'model-cache', mountPath: '/model-cache' }]));
      expect(c.volumeMounts.map((m: any) => m.name)).not.toContain('models');
      expect(c.env).toEqual(expect.arrayContaining([
        { name: 'MODEL_CACHE_ROOT', value: '/model-cache' },
        { name: 'MODEL_CACHE_KEY', value: `recsys/1.4.0-sha256-${'ab'.repeat(32)}` },
      ]));
      expect(c.securityContext).toMatchObject({ runAsNonRoot: true, readOnlyRootFilesystem: true });
    }
    expect(spec.initContainers[1].env).toEqual(expect.arrayContaining([{ name: 'MODEL_DIGEST', value: digest }]));
  });

  test('without a digest the key says so; a custom node directory is used as given', () => {
    const other = podSpec(chart({ modelCache: { hostPath: '/mnt/nvme/models' } }));
    expect(other.volumes).toEqual(expect.arrayContaining([{ name: 'model-cache', hostPath: { path: '/mnt/nvme/models', type: 'DirectoryOrCreate' } }]));
    expect(other.containers[0].volumeMounts).toEqual(expect.arrayContaining([expect.objectContaining({ subPath: 'recsys/1.4.0-unverified' })]));
  });

  test('the pod requests no ephemeral storage for weights (the emptyDir only holds the Triton config); modelVolumeSize with modelCache is rejected', () => {
    expect(server.resources.requests['ephemeral-storage']).toBe('64Mi');
    expect(spec.volumes).toEqual(expect.arrayContaining([{ name: 'models', emptyDir: { sizeLimit: '64Mi' } }]));
    expect(podSpec(chart()).containers[0].resources.requests['ephemeral-storage']).toBe('20Gi');
    expect(() => chart({ modelCache: {}, modelVolumeSize: Size.gibibytes(40) }))
      .toThrow(/recsys: 'modelVolumeSize' \("40 GiB"\) is not used with modelCache: the weights are downloaded and unpacked on the node's disk/);
  });

  test('by default (no modelCache) there is no hostPath: each pod downloads into its emptyDir', () => {
    const plain = podSpec(chart());
    expect(JSON.stringify(plain)).not.toContain('hostPath');
    expect(plain.initContainers[0].command[2]).not.toContain('MODEL_CACHE_ROOT');
  });

  test('validates against the Kubernetes schemas', () => {
    const result = KubernetesSchema.validateManifests(JSON.stringify(objs));
    expect(KubernetesSchema.format(result.problems)).toBe('');
  });

  test.each([
    ['relative', 'var/cache'],
    ['the root', '/'],
    ['with ..', '/var/../etc'],
    ['with a trailing slash', '/var/cache/'],
  ])('rejects a node directory that is %s', (_, hostPath) => {
    expect(() => chart({ modelCache: { hostPath } })).toThrow(/modelCache\.hostPath.*is not an absolute node directory \(normalized, not \/\).*Pass e\.g\. '\/var\/lib\/cdk-inference-lanes\/model-cache'/);
  });
});

describe('init scripts, run against a fake S3', () => {
  let root: string;
  let s3: string;
  let bin: string;
  let log: string;
  let archive: Buffer;
  let archiveDigest: string;
  let fetchScript: string;
  let unpackScript: string;

  beforeAll(() => {
    const spec = podSpec(chart({ modelCache: {} }));
    fetchScript = spec.initContainers[0].command[2];
    unpackScript = spec.initContainers[1].command[2];
  });

  beforeEach(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'model-cache-'));
    s3 = path.join(root, 's3');
    bin = path.join(root, 'bin');
    log = path.join(root, 'fetched.log');
    fs.mkdirSync(path.join(s3, 'models-bucket/recsys/1.4.0'), { recursive: true });
    fs.mkdirSync(bin);
    fs.mkdirSync(path.join(root, 'cache'));
    fs.chmodSync(root, 0o755);
    const src = path.join(root, 'weights-src');
    fs.mkdirSync(src);
    fs.writeFileSync(path.join(src, 'model.onnx'), DIGEST_BYTES);
    execFileSync('tar', ['-czf', path.join(s3, 'models-bucket/recsys/1.4.0/model.tar.gz'), '-C', src, 'model.onnx']);
    archive = fs.readFileSync(path.join(s3, 'models-bucket/recsys/1.4.0/model.tar.gz'));
    archiveDigest = 'sha256:' + crypto.createHash('sha256').update(archive).digest('hex');
    // `aws s3 cp --only-show-errors s3://bucket/key dest`: copy from the fake bucket and log the bytes.
    fs.writeFileSync(path.join(bin, 'aws'), [
      '#!/bin/sh',
      'set -eu',
      'src="$4"; dst="$5"',
      `file="${s3}/\${src#s3://}"`,
      // sync of a prefix copies the directory's files; cp one object.
      `case "$2" in sync) cp -R "$file." "$dst"; cat "$file"* | wc -c >> "${log}" ;; *) cp "$file" "$dst"; wc -c < "$file" >> "${log}" ;; esac`,
    ].join('\n'), { mode: 0o755 });
  });
  afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

  function startPod(pod: string, extra: { [k: string]: string } = {}, asUser?: number) {
    const env = {
      PATH: `${bin}:${process.env.PATH}`,
      HOSTNAME: pod,
      MODEL_CACHE_ROOT: path.join(root, 'cache'),
      MODEL_CACHE_KEY: `recsys/1.4.0-${archiveDigest.replace('sha256:', 'sha256-')}`,
      MODEL_S3_URI: MODEL.weightsUri,
      MODEL_NAME: 'recsys',
      MODEL_COMPRESSED: 'true',
      MODEL_DIGEST: archiveDigest,
      ...extra,
    };
    const run = (script: string) => {
      const args = asUser === undefined ? ['/bin/sh', '-c', script] : ['setpriv', `--reuid=${asUser}`, `--regid=${asUser}`, '--clear-groups', '/bin/sh', '-c', script];
      return spawnSync(args[0], args.slice(1), { env, encoding: 'utf-8' });
    };
    const fetch = run(fetchScript);
    if (fetch.status !== 0) { return { status: fetch.status, output: fetch.stdout + fetch.stderr }; }
    const unpack = run(unpackScript);
    return { status: unpack.status, output: fetch.stdout + fetch.stderr + unpack.stdout + unpack.stderr };
  }
  const bytesFetched = () => fs.existsSync(log) ? fs.readFileSync(log, 'utf-8').trim().split('\n').reduce((a, l) => a + Number(l), 0) : 0;
  const finalDir = () => path.join(root, 'cache', `recsys/1.4.0-${archiveDigest.replace('sha256:', 'sha256-')}`);

  test('the first pod on a node fetches the archive once; the second fetches 0 bytes and reads the same unpacked weights', () => {
    const first = startPod('recsys-7d9f-a');
    expect(first.status).toBe(0);
    expect(first.output).toContain('model cache miss');
    const afterFirst = bytesFetched();
    expect(afterFirst).toBe(archive.length);
    expect(fs.readFileSync(path.join(finalDir(), 'model.onnx')).equals(DIGEST_BYTES)).toBe(true);
    // No partial copy left behind.
    expect(fs.readdirSync(path.join(root, 'cache/.incoming'))).toEqual([]);

    const second = startPod('recsys-7d9f-b');
    expect(second.status).toBe(0);
    expect(second.output).toContain('model cache hit');
    expect(bytesFetched() - afterFirst).toBe(0);
    expect(fs.readFileSync(path.join(finalDir(), 'model.onnx')).equals(DIGEST_BYTES)).toBe(true);
  });

  test('an S3 prefix (a Hugging Face directory for vLLM) is synced once per node as well', () => {
    const prefix = path.join(s3, 'models-bucket/assistant/2.0.0/hf');
    fs.mkdirSync(prefix, { recursive: true });
    fs.writeFileSync(path.join(prefix, 'config.json'), '{"architectures":["LlamaForCausalLM"]}');
    fs.writeFileSync(path.join(prefix, 'model.safetensors'), DIGEST_BYTES);
    const env = { MODEL_S3_URI: 's3://models-bucket/assistant/2.0.0/hf/', MODEL_NAME: 'assistant', MODEL_COMPRESSED: 'false', MODEL_DIGEST: '', MODEL_CACHE_KEY: 'assistant/2.0.0-unverified' };
    expect(startPod('assistant-a', env).status).toBe(0);
    const first = bytesFetched();
    expect(first).toBe(DIGEST_BYTES.length + 38);
    expect(startPod('assistant-b', env).status).toBe(0);
    expect(bytesFetched()).toBe(first);
    expect(fs.readdirSync(path.join(root, 'cache/assistant/2.0.0-unverified')).sort()).toEqual(['config.json', 'model.safetensors']);
  });

  test('weights whose digest differs are refused: nothing enters the cache, and the next pod fetches again', () => {
    const bad = startPod('recsys-7d9f-a', { MODEL_DIGEST: 'sha256:' + '00'.repeat(32) });
    expect(bad.status).not.toBe(0);
    expect(bad.output).toMatch(/FAILED/);
    expect(fs.existsSync(finalDir())).toBe(false);
    const good = startPod('recsys-7d9f-b');
    expect(good.status).toBe(0);
    expect(bytesFetched()).toBe(2 * archive.length);
  });

  test('a claim left by a pod that died more than 30 minutes ago is taken over', () => {
    fs.mkdirSync(path.dirname(finalDir()), { recursive: true });
    fs.mkdirSync(`${finalDir()}.claim`);
    const old = new Date(Date.now() - 31 * 60 * 1000);
    fs.utimesSync(`${finalDir()}.claim`, old, old);
    const pod = startPod('recsys-7d9f-c');
    expect(pod.status).toBe(0);
    expect(fs.existsSync(path.join(finalDir(), 'model.onnx'))).toBe(true);
  });

  test('a pod whose download ends after another pod cached the version drops its own copy and uses the cached one', () => {
    // Another pod claimed and finished while this one was downloading.
    const fetch = spawnSync('/bin/sh', ['-c', fetchScript], {
      env: {
        PATH: `${bin}:${process.env.PATH}`, HOSTNAME: 'recsys-late', MODEL_CACHE_ROOT: path.join(root, 'cache'),
        MODEL_CACHE_KEY: `recsys/1.4.0-${archiveDigest.replace('sha256:', 'sha256-')}`, MODEL_S3_URI: MODEL.weightsUri,
      }, encoding: 'utf-8',
    });
    expect(fetch.status).toBe(0);
    expect(startPod('recsys-winner').status).toBe(0);
    const unpack = spawnSync('/bin/sh', ['-c', unpackScript], {
      env: {
        PATH: process.env.PATH, HOSTNAME: 'recsys-late', MODEL_CACHE_ROOT: path.join(root, 'cache'),
        MODEL_CACHE_KEY: `recsys/1.4.0-${archiveDigest.replace('sha256:', 'sha256-')}`, MODEL_S3_URI: MODEL.weightsUri, MODEL_COMPRESSED: 'true', MODEL_DIGEST: archiveDigest,
      }, encoding: 'utf-8',
    });
    expect(unpack.status).toBe(0);
    expect(fs.existsSync(path.join(root, 'cache/.incoming/recsys-late'))).toBe(false);
    expect(fs.readdirSync(finalDir())).toEqual(['model.onnx']);
  });

  function startPodAsync(pod: string): Promise<{ status: number | null; output: string }> {
    const env = {
      PATH: `${bin}:${process.env.PATH}`, HOSTNAME: pod, MODEL_CACHE_ROOT: path.join(root, 'cache'),
      MODEL_CACHE_KEY: `recsys/1.4.0-${archiveDigest.replace('sha256:', 'sha256-')}`, MODEL_S3_URI: MODEL.weightsUri, MODEL_COMPRESSED: 'true', MODEL_DIGEST: archiveDigest,
    };
    return new Promise(resolve => {
      const child = spawn('/bin/sh', ['-c', `${fetchScript}\n${unpackScript}`], { env });
      let output = '';
      child.stdout.on('data', d => { output += d; });
      child.stderr.on('data', d => { output += d; });
      child.on('close', status => resolve({ status, output }));
    });
  }

  test('a pod that loses the claim waits for the winner\'s directory and keeps no copy of its own', async () => {
    // The winner holds a fresh claim and has not renamed yet.
    fs.mkdirSync(path.dirname(finalDir()), { recursive: true });
    fs.mkdirSync(`${finalDir()}.claim`);
    const loser = startPodAsync('recsys-loser');
    await new Promise(r => setTimeout(r, 1500));
    // The winner's rename lands.
    fs.mkdirSync(finalDir());
    fs.writeFileSync(path.join(finalDir(), 'model.onnx'), DIGEST_BYTES);
    const result = await loser;
    expect(result.status).toBe(0);
    expect(fs.existsSync(path.join(root, 'cache/.incoming/recsys-loser'))).toBe(false);
    expect(fs.readdirSync(finalDir())).toEqual(['model.onnx']);
  });

  test('two pods starting at once on an empty node both succeed and one copy is kept', async () => {
    const [a, b] = await Promise.all([startPodAsync('recsys-a'), startPodAsync('recsys-b')]);
    expect([a.status, b.status]).toEqual([0, 0]);
    expect(fs.readdirSync(finalDir())).toEqual(['model.onnx']);
    expect(fs.readFileSync(path.join(finalDir(), 'model.onnx')).equals(DIGEST_BYTES)).toBe(true);
    expect(fs.readdirSync(path.join(root, 'cache/.incoming'))).toEqual([]);
    // Both may have downloaded (documented); never more than one per pod.
    expect(bytesFetched()).toBeLessThanOrEqual(2 * archive.length);
  });

  test('a node directory the pod user cannot write fails with the fix, before any download', () => {
    const pod = startPod('recsys-7d9f-a', {}, 65534);
    expect(pod.status).toBe(1);
    expect(pod.output).toMatch(/model cache .*cache is not writable by uid 65534: create the node directory owned by that user/);
    expect(bytesFetched()).toBe(0);
  });
});
