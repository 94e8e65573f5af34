const W = process.env.W!;
const cdk8s = require('cdk8s');
const gpu = require(W + '/lib/gpu-cluster');
const c = new gpu.GpuServingChart(new cdk8s.App(), 'recsys', { model: { name: 'recsys', version: '1', weightsUri: 's3://models-bucket/k/model.tar.gz', imageUri: 'x', weightsDigest: process.env.DIGEST } });
const d = c.toJson().find((o: any) => o.kind === 'Deployment');
const u = d.spec.template.spec.initContainers[1];
process.stdout.write(JSON.stringify({ script: u.command[2], env: Object.fromEntries(u.env.map((e: any) => [e.name, e.value])) }));
