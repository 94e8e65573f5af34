import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { createEdgePrivacyStack } from '../../examples/edge-privacy';
import { LocalDeploy } from '../../lib/testing';

/*
 * Local deploy of the edge privacy example to moto.
 *
 * moto has no Greengrass v2 and no CloudFormation support for IoT thing groups: the component version,
 * the four deployments and the four thing groups are skipped by moto (the stack still says
 * CREATE_COMPLETE), so the recipe, the rollout/abort configuration and the ring order are verified only
 * by the synth tests and cfn-lint. The stack is deployed with fleetHealth off: the job lookups are
 * Lambda-backed custom resources, and moto can only run Lambda functions in Docker, which this machine
 * does not have (the alarms would be skipped anyway).
 *
 * What is verified for real: the model build is uploaded to the assets bucket by `cdk deploy` (same
 * bytes as the local file), the device roles exist with the exact read policy, the role aliases point at
 * them, and the IoT policies allow assuming exactly those aliases.
 */
// No skipping: without moto, LocalDeploy throws "moto is not installed: run `pip install cfn-lint 'moto[server]'`".
const describeIfMoto = describe;

describeIfMoto('edge privacy example on moto', () => {
  let deployment: LocalDeploy;
  let policyNames: { [role: string]: string };
  let readBack: { [key: string]: any }[];
  beforeAll(() => {
    const stack = createEdgePrivacyStack(new App(), 'EdgePrivacyLocal', { fleetHealth: false });
    // The inline policy name of each device role, as written in the template.
    policyNames = {};
    for (const p of Object.values(Template.fromStack(stack).findResources('AWS::IAM::Policy'))) {
      policyNames[p.Properties.Roles[0].Ref] = p.Properties.PolicyName;
    }
    deployment = LocalDeploy.deployStack(stack);
    const r = deployment.result;
    const roles = r.created.filter(c => c.resourceType === 'AWS::IAM::Role');
    // One Python process for every read-back (each costs seconds on a loaded machine).
    readBack = deployment.describeAllViaBoto3(JSON.stringify([
      { service: 's3', operation: 'list_objects_v2', params: { Bucket: `cdk-hnb659fds-assets-${r.account}-${r.region}` } },
      ...roles.map(role => ({ service: 'iam', operation: 'get_role_policy', params: { RoleName: role.physicalId, PolicyName: policyNames[role.logicalId] } })),
      { service: 'iot', operation: 'describe_role_alias', params: { roleAlias: 'assistant-gateways-tes' } },
      { service: 'iot', operation: 'describe_role_alias', params: { roleAlias: 'assistant-kiosks-tes' } },
      { service: 'iot', operation: 'get_policy', params: { policyName: 'assistant-gateways-tes-alias' } },
      { service: 'iot', operation: 'get_policy', params: { policyName: 'assistant-kiosks-tes-alias' } },
    ]));
  });
  afterAll(() => deployment?.stop());

  test('the stack deploys; moto skips the Greengrass and thing group resources', () => {
    const r = deployment.result;
    expect(r.stackStatus).toBe('CREATE_COMPLETE');
    expect(r.unsupportedTypes.sort()).toEqual(['AWS::GreengrassV2::ComponentVersion', 'AWS::GreengrassV2::Deployment', 'AWS::IoT::ThingGroup']);
    const count = (list: { resourceType: string }[], type: string) => list.filter(x => x.resourceType === type).length;
    expect(count(r.skipped, 'AWS::GreengrassV2::ComponentVersion')).toBe(1);
    expect(count(r.skipped, 'AWS::GreengrassV2::Deployment')).toBe(4);
    expect(count(r.skipped, 'AWS::IoT::ThingGroup')).toBe(4);
    expect(count(r.created, 'AWS::IAM::Role')).toBe(2);
    expect(count(r.created, 'AWS::IAM::Policy')).toBe(2);
    // moto creates role aliases and IoT policies but lists them without a physical id, so LocalDeploy
    // counts them as skipped: the last test checks them through the IoT API instead.
    expect(r.skipped.filter(s => /^AWS::IoT::(RoleAlias|Policy)$/.test(s.resourceType)).map(s => s.reason))
      .toEqual(Array(4).fill('moto lists it without a physical id'));
    console.log(`edge-fleet local deploy: ${r.created.length} created, ${r.skipped.length} listed as skipped `
      + `(${r.unsupportedTypes.join(', ')} unsupported), deploy ${Math.round(r.timings.deployMs / 1000)} s, total ${Math.round(r.timings.totalMs / 1000)} s`);
  });

  test('the int8 build is in the assets bucket, and each device role may read exactly it', () => {
    const r = deployment.result;
    const bucket = `cdk-hnb659fds-assets-${r.account}-${r.region}`;
    const [objects, ...rest] = readBack;
    const keys: string[] = (objects.Contents ?? []).map((o: { Key: string }) => o.Key);
    const gz = keys.filter(k => /^[0-9a-f]{64}\.gz$/.test(k));
    // only the int8 edge build: no lane of this stack uses the fp32 primary build
    expect(gz).toHaveLength(1);
    for (const read of rest.slice(0, 2)) {
      const doc = typeof read.PolicyDocument === 'string' ? JSON.parse(decodeURIComponent(read.PolicyDocument)) : read.PolicyDocument;
      expect(doc.Statement).toEqual([
        { Action: 's3:GetObject', Effect: 'Allow', Resource: `arn:aws:s3:::${bucket}/${gz[0]}` },
        { Action: 's3:GetBucketLocation', Effect: 'Allow', Resource: `arn:aws:s3:::${bucket}` },
      ]);
    }
  });

  test('role aliases point at the device roles; IoT policies allow assuming exactly those aliases', () => {
    const r = deployment.result;
    const [gw, ki, gwPolicy, kiPolicy] = readBack.slice(3);
    const roleNames = r.created.filter(c => c.resourceType === 'AWS::IAM::Role').map(c => c.physicalId);
    expect(gw.roleAliasDescription.roleArn).toBe(`arn:aws:iam::${r.account}:role/${roleNames.find(n => n.includes('gateways'))}`);
    expect(ki.roleAliasDescription.roleArn).toBe(`arn:aws:iam::${r.account}:role/${roleNames.find(n => n.includes('kiosks'))}`);
    expect(gw.roleAliasDescription.credentialDurationSeconds).toBe(3600);
    const statements = (p: { [key: string]: any }) => (typeof p.policyDocument === 'string' ? JSON.parse(p.policyDocument) : p.policyDocument as any).Statement;
    expect(statements(gwPolicy)).toEqual([{
      Effect: 'Allow', Action: 'iot:AssumeRoleWithCertificate', Resource: `arn:aws:iot:${r.region}:${r.account}:rolealias/assistant-gateways-tes`,
    }]);
    expect(statements(kiPolicy)[0].Resource).toBe(`arn:aws:iot:${r.region}:${r.account}:rolealias/assistant-kiosks-tes`);
  });
});
