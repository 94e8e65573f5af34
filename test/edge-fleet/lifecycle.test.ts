import { execFileSync } from 'child_process';
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { HardwareTarget, ModelArtifact, ModelPrecision, ModelWeights, Rollout } from '../../lib';
import { EdgeFleetChannel, FleetRelease } from '../../lib/edge-fleet';
import { weightsTarball } from './tarballs';

/*
 * Runs the emitted recipes' lifecycle the way the Greengrass nucleus does, in a temp folder with bash:
 * `Skipif: exists <file>` is checked, the Install script runs with the recipe variables substituted,
 * and the Run step reads the weights under MODEL_LOCAL_DIR with the manifest's Setenv (the MODEL_* contract)
 * as its environment. {artifacts:path} is a folder per component
 * version; {work:path} is one folder per component, shared by all its versions (as on a device).
 */

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'edge-lifecycle-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

function build(name: string, content: string): string {
  return weightsTarball(tmp, name, content);
}

interface Manifest { Lifecycle: { Setenv: { [name: string]: string }; Install: { Script: string; Skipif: string } } }

const sha256 = (file: string) => 'sha256:' + crypto.createHash('sha256').update(fs.readFileSync(file)).digest('hex');

/** The synthesized recipe of a channel whose candidate is `version` built from `tarball`, plus the release it renders. */
function recipeFor(version: string, tarball: string, release?: FleetRelease): { manifest: Manifest; deployed: string[] } {
  const stack = new Stack(new App(), 'S');
  const weights = ModelWeights.fromAsset(tarball);
  const artifact = new ModelArtifact({
    name: 'assistant', version, weights,
    variants: [{ target: HardwareTarget.EDGE_ARM64, precision: ModelPrecision.INT8, weights }],
  });
  new EdgeFleetChannel(stack, 'Edge', {
    artifact,
    deviceClasses: [{ name: 'gateways', target: HardwareTarget.EDGE_ARM64 }],
    rollout: Rollout.allAtOnce(),
    release,
    fleetHealth: false,
  });
  const t = Template.fromStack(stack);
  const [component] = Object.values(t.findResources('AWS::GreengrassV2::ComponentVersion')) as any[];
  const inline = component.Properties.InlineRecipe;
  const text = typeof inline === 'string' ? inline : inline['Fn::Join'][1].map((p: unknown) => (typeof p === 'string' ? p : '<token>')).join('');
  const deployed = Object.values(t.findResources('AWS::GreengrassV2::Deployment')).map((d: any) => d.Properties.Components['models.assistant'].ComponentVersion);
  return { manifest: JSON.parse(text).Manifests[0], deployed };
}

/** A simulated core device: installs (unless skipped) and returns what Run would load. */
class Device {
  public installs: string[] = [];
  private readonly root = fs.mkdtempSync(path.join(tmp, 'device-'));
  private readonly work = path.join(this.root, 'work', 'models.assistant');

  constructor(private readonly builds: { [version: string]: { manifest: Manifest; tarball: string } }) {
    fs.mkdirSync(this.work, { recursive: true });
  }

  /** Deploy `version`: resolve variables, check Skipif, run Install, return the weights at MODEL_LOCAL_DIR. */
  public deploy(version: string): string {
    return this.run(version, 'cat "$MODEL_LOCAL_DIR/weights.txt"');
  }

  /** Deploy `version` and run `command` with bash in the recipe's Setenv environment (what a Run step sees). */
  public run(version: string, command: string): string {
    const { manifest, tarball } = this.builds[version];
    const artifacts = path.join(this.root, 'packages', 'artifacts', 'models.assistant', version);
    const resolve = (s: string) => s.replace(/\{artifacts:path\}/g, artifacts).replace(/\{work:path\}/g, this.work);
    const script = resolve(manifest.Lifecycle.Install.Script);
    // the nucleus downloads the artifact into this version's artifact folder under its S3 file name
    const fileName = /\| sha256sum -c -/.test(script) ? script.match(/ {2}(\S+)" \| sha256sum/)![1] : '';
    fs.mkdirSync(artifacts, { recursive: true });
    fs.copyFileSync(tarball, fileName);
    const skipIf = resolve(manifest.Lifecycle.Install.Skipif).match(/^exists (.+)$/)![1];
    if (!fs.existsSync(skipIf)) {
      execFileSync('bash', ['-c', script], { stdio: 'pipe' });
      this.installs.push(version);
    }
    const env: { [name: string]: string } = { PATH: process.env.PATH ?? '/usr/bin:/bin' };
    for (const [name, value] of Object.entries(manifest.Lifecycle.Setenv)) { env[name] = resolve(value); }
    return execFileSync('bash', ['-c', command], { env, encoding: 'utf-8' });
  }
}

describe('device lifecycle of the emitted recipes', () => {
  const v13 = build('v13', 'weights of 1.3.0');
  const v14 = build('v14', 'weights of 1.4.0');
  const recipes = {
    '1.3.0': { ...recipeFor('1.3.0', v13), tarball: v13 },
    '1.4.0': { ...recipeFor('1.4.0', v14), tarball: v14 },
  };

  test('1.3.0 -> 1.4.0 -> rollback to 1.3.0 runs the 1.3.0 weights (Install skipped, own folder)', () => {
    const device = new Device(recipes);
    expect(device.deploy('1.3.0')).toBe('weights of 1.3.0');
    expect(device.deploy('1.4.0')).toBe('weights of 1.4.0');
    // ROLLBACK restores the previous component version: its marker exists, Install is skipped...
    expect(device.deploy('1.3.0')).toBe('weights of 1.3.0');
    expect(device.installs).toEqual(['1.3.0', '1.4.0']);
    // ...and going forward again needs no reinstall either
    expect(device.deploy('1.4.0')).toBe('weights of 1.4.0');
    expect(device.installs).toEqual(['1.3.0', '1.4.0']);
  });

  test('a freeze on 1.3.0 renders a 1.3.0 deployment, and the device then runs the 1.3.0 weights', () => {
    // GIVEN a stack given 1.4.0 but frozen on 1.3.0
    const frozen = recipeFor('1.4.0', v14, FleetRelease.freeze('1.3.0'));
    expect(frozen.deployed).toEqual(['1.3.0']);
    const device = new Device(recipes);
    device.deploy('1.3.0');
    device.deploy('1.4.0');
    expect(device.deploy(frozen.deployed[0])).toBe('weights of 1.3.0');
  });

  test('after a rollback the Run step\'s MODEL_* environment names the restored bits (version and digest)', () => {
    const device = new Device(recipes);
    device.deploy('1.3.0');
    device.deploy('1.4.0');
    const show = 'echo "$MODEL_VERSION $MODEL_DIGEST $(cat "$MODEL_LOCAL_DIR/weights.txt")"';
    expect(device.run('1.3.0', show).trim()).toBe(`1.3.0 ${sha256(v13)} weights of 1.3.0`);
    expect(device.installs).toEqual(['1.3.0', '1.4.0']);
  });

  test('each digest has its own MODEL_LOCAL_DIR with the marker inside it', () => {
    const a = recipes['1.3.0'].manifest.Lifecycle;
    const b = recipes['1.4.0'].manifest.Lifecycle;
    expect(a.Setenv.MODEL_LOCAL_DIR).toMatch(/^\{work:path\}\/model-[0-9a-f]{64}$/);
    expect(a.Setenv.MODEL_LOCAL_DIR).not.toBe(b.Setenv.MODEL_LOCAL_DIR);
    expect(a.Install.Skipif).toBe(`exists ${a.Setenv.MODEL_LOCAL_DIR}/.verified`);
    expect(a.Install.Script.split('\n').slice(-1)[0]).toBe(`touch ${a.Setenv.MODEL_LOCAL_DIR}/.verified`);
  });

  test('a tampered download is refused before anything is unpacked', () => {
    const device = new Device({ '1.4.0': { ...recipes['1.4.0'], tarball: v13 } });
    expect(() => device.deploy('1.4.0')).toThrow(/sha256sum|FAILED|Command failed/);
  });
});
