/**
 * After the stack is on moto, creates the resources moto's CloudFormation skipped through the
 * real service APIs on the same server (where moto implements them), with references resolved
 * from the created stack, and reads each one back. One Python process for the whole batch.
 */

/** What LocalDeploy hands the script for one skipped resource. */
export interface ApiCreateRequest {
  readonly logicalId: string;
  readonly resourceType: string;
  readonly properties: { [key: string]: any };
  readonly dependsOn: string[];
  readonly condition?: string;
  readonly plannedName?: string;
  /** `confirm`: moto's CloudFormation created it but lists no physical id: look it up, create nothing. */
  readonly mode?: string;
}

/** What the script reports for one resource. */
export interface ApiCreateOutcome {
  readonly logicalId: string;
  readonly resourceType: string;
  readonly created: boolean;
  readonly physicalId?: string;
  readonly apiCalls?: string[];
  readonly readBack?: string;
  readonly notes?: string[];
  readonly reason?: string;
}

/**
 * stdin: {endpoint, region, account, stackName, values: {logicalId: {ref, attrs}}, mappings, resources: [ApiCreateRequest]}
 * stdout: {outcomes: [ApiCreateOutcome]}
 */
export const API_CREATE_SCRIPT = String.raw`
import json, re, sys, warnings
warnings.simplefilter('ignore')
import boto3, botocore
req = json.load(sys.stdin)
REGION, ACCOUNT, STACK = req['region'], req['account'], req['stackName']
values = {k: v for k, v in req['values'].items()}
mappings = req.get('mappings') or {}
clients = {}
def client(name):
    if name not in clients:
        clients[name] = boto3.client(name, endpoint_url=req['endpoint'], region_name=REGION,
            aws_access_key_id='testing', aws_secret_access_key='testing', aws_session_token='testing')
    return clients[name]
try:
    from moto.backend_index import backend_url_patterns
    MOTO_SERVICES = set(n for n, _ in backend_url_patterns)
except Exception:
    MOTO_SERVICES = set()

for version_id, fn_id in (req.get('lambdaVersions') or {}).items():
    fn = (values.get(fn_id) or {}).get('ref')
    if not fn:
        continue
    try:
        vs = [v for v in client('lambda').list_versions_by_function(FunctionName=fn)['Versions'] if v['Version'] != '$LATEST']
        if vs:
            v = max(vs, key=lambda x: int(x['Version']))
            values[version_id] = {'ref': v['FunctionArn'], 'attrs': {'Version': v['Version'], 'FunctionArn': v['FunctionArn']}}
    except Exception:
        pass

class Unresolved(Exception):
    pass
NOVALUE = object()
PSEUDO = {'AWS::Region': REGION, 'AWS::AccountId': ACCOUNT, 'AWS::Partition': 'aws', 'AWS::StackName': STACK,
          'AWS::URLSuffix': 'amazonaws.com', 'AWS::StackId': 'arn:aws:cloudformation:%s:%s:stack/%s/local' % (REGION, ACCOUNT, STACK)}

PLACEHOLDERS = set(req.get('placeholders') or [])
used_placeholders = []
def lookup(lid, attr=None):
    if attr is None and lid in PSEUDO:
        return PSEUDO[lid]
    if lid in PLACEHOLDERS:
        # A resource LocalDeploy removed (a custom resource): the same placeholder the template got.
        used_placeholders.append(lid if attr is None else lid + '.' + attr)
        return ('%s-%s' % (STACK, lid)) if attr is None else ('local-deploy-placeholder-%s-%s' % (lid, attr))
    if lid == 'AWS::NoValue':
        return NOVALUE
    v = values.get(lid)
    if v is None:
        raise Unresolved(lid if attr is None else lid + '.' + attr)
    if attr is None:
        if v.get('ref') is None:
            raise Unresolved(lid)
        return v['ref']
    if attr not in (v.get('attrs') or {}):
        raise Unresolved(lid + '.' + attr)
    return v['attrs'][attr]

def resolve(n):
    if isinstance(n, list):
        return [x for x in (resolve(i) for i in n) if x is not NOVALUE]
    if not isinstance(n, dict):
        return n
    if len(n) == 1:
        k, a = next(iter(n.items()))
        if k == 'Ref':
            return lookup(a)
        if k == 'Fn::GetAtt':
            t, at = (a[0], a[1]) if isinstance(a, list) else a.split('.', 1)
            return lookup(t, at)
        if k == 'Fn::Join':
            return a[0].join(str(x) for x in resolve(a[1]))
        if k == 'Fn::Select':
            return resolve(a[1])[int(resolve(a[0]))]
        if k == 'Fn::Split':
            return resolve(a[1]).split(a[0])
        if k == 'Fn::Base64':
            import base64
            return base64.b64encode(resolve(a).encode()).decode()
        if k == 'Fn::ToJsonString':
            return json.dumps(resolve(a))
        if k == 'Fn::GetAZs':
            return [REGION + s for s in 'abc']
        if k == 'Fn::FindInMap':
            m, top, second = resolve(a[0]), resolve(a[1]), resolve(a[2])
            try:
                return mappings[m][top][second]
            except KeyError:
                raise Unresolved('Fn::FindInMap %s/%s/%s' % (m, top, second))
        if k == 'Fn::Sub':
            text, vs = (a[0], resolve(a[1])) if isinstance(a, list) else (a, {})
            def sub(m):
                e = m.group(1)
                if e.startswith('!'):
                    return '${' + e[1:] + '}'
                if e in vs:
                    return str(vs[e])
                t, _, at = e.partition('.')
                return str(lookup(t, at or None))
            return re.sub(r'\$\{([^}]+)\}', sub, text)
        if k.startswith('Fn::'):
            raise Unresolved(k + ' (not evaluated by LocalDeploy)')
    out = {}
    for k, v in n.items():
        r = resolve(v)
        if r is not NOVALUE:
            out[k] = r
    return out

def camel(n):
    if isinstance(n, list):
        return [camel(x) for x in n]
    if isinstance(n, dict):
        return {(k[0].lower() + k[1:]): camel(v) for k, v in n.items()}
    return n

def pick(p, keys):
    return {k: p[k] for k in keys if k in p}

def drop_unknown(service, op, params, notes):
    shape = client(service).meta.service_model.operation_model(op).input_shape
    known = set(shape.members)
    for k in list(params):
        if k not in known:
            notes.append('property %s has no %s parameter: not applied' % (k, op))
            del params[k]
    return params

def cfn_tags(p):
    return [t for t in p.get('Tags', []) if isinstance(t, dict)]

# Each handler: (props, request) -> (physical_id, ref, attrs, calls, read_back, notes)

def h_alarm(p, r):
    name = p.get('AlarmName') or r['plannedName']
    notes = []
    params = drop_unknown('cloudwatch', 'PutMetricAlarm', dict(p, AlarmName=name), notes)
    client('cloudwatch').put_metric_alarm(**params)
    a = client('cloudwatch').describe_alarms(AlarmNames=[name])['MetricAlarms']
    if len(a) != 1:
        raise RuntimeError('DescribeAlarms does not return %s' % name)
    a = a[0]
    form = ('metric math, %d queries' % len(a.get('Metrics', []))) if a.get('Metrics') else ('%s/%s %s' % (a.get('Namespace'), a.get('MetricName'), a.get('Statistic') or a.get('ExtendedStatistic')))
    rb = 'DescribeAlarms: %s %s %s over %sx%s' % (form, a['ComparisonOperator'], a.get('Threshold'), a['EvaluationPeriods'], a.get('Period', '-'))
    return name, name, {'Arn': a['AlarmArn']}, ['PutMetricAlarm'], rb, notes

def target_triple(p):
    if 'ScalingTargetId' in p:
        rid, dim, ns = p['ScalingTargetId'].split('|')
        return rid, dim, ns
    return p['ResourceId'], p['ScalableDimension'], p['ServiceNamespace']

def h_scalable_target(p, r):
    aas = client('application-autoscaling')
    rid, dim, ns = p['ResourceId'], p['ScalableDimension'], p['ServiceNamespace']
    params = pick(p, ['ServiceNamespace', 'ResourceId', 'ScalableDimension', 'MinCapacity', 'MaxCapacity', 'RoleARN', 'SuspendedState'])
    aas.register_scalable_target(**params)
    calls = ['RegisterScalableTarget']
    for s in p.get('ScheduledActions', []):
        sp = dict(ServiceNamespace=ns, ResourceId=rid, ScalableDimension=dim, **pick(s, ['ScheduledActionName', 'Schedule', 'Timezone', 'StartTime', 'EndTime', 'ScalableTargetAction']))
        aas.put_scheduled_action(**sp)
        calls.append('PutScheduledAction ' + s['ScheduledActionName'])
    t = aas.describe_scalable_targets(ServiceNamespace=ns, ResourceIds=[rid], ScalableDimension=dim)['ScalableTargets']
    if len(t) != 1:
        raise RuntimeError('DescribeScalableTargets does not return %s' % rid)
    sa = aas.describe_scheduled_actions(ServiceNamespace=ns, ResourceId=rid, ScalableDimension=dim)['ScheduledActions']
    rb = 'DescribeScalableTargets: %s %s min %s max %s; DescribeScheduledActions: %d' % (rid, dim, t[0]['MinCapacity'], t[0]['MaxCapacity'], len(sa))
    if len(sa) != len(p.get('ScheduledActions', [])):
        raise RuntimeError('%d scheduled actions put, %d read back' % (len(p.get('ScheduledActions', [])), len(sa)))
    ref = '%s|%s|%s' % (rid, dim, ns)
    return ref, ref, {}, calls, rb, []

def h_scaling_policy(p, r):
    aas = client('application-autoscaling')
    rid, dim, ns = target_triple(p)
    params = dict(PolicyName=p['PolicyName'], ServiceNamespace=ns, ResourceId=rid, ScalableDimension=dim, PolicyType=p['PolicyType'],
                  **pick(p, ['StepScalingPolicyConfiguration', 'TargetTrackingScalingPolicyConfiguration', 'PredictiveScalingPolicyConfiguration']))
    res = aas.put_scaling_policy(**params)
    # moto ignores the PolicyNames filter: filter here.
    got = [g for g in aas.describe_scaling_policies(ServiceNamespace=ns, PolicyNames=[p['PolicyName']], ResourceId=rid, ScalableDimension=dim)['ScalingPolicies'] if g['PolicyName'] == p['PolicyName']]
    if len(got) != 1:
        raise RuntimeError('DescribeScalingPolicies does not return %s' % p['PolicyName'])
    g = got[0]
    detail = ''
    if g.get('TargetTrackingScalingPolicyConfiguration'):
        detail = 'target %s' % g['TargetTrackingScalingPolicyConfiguration'].get('TargetValue')
    elif g.get('StepScalingPolicyConfiguration'):
        detail = '%d steps' % len(g['StepScalingPolicyConfiguration'].get('StepAdjustments', []))
    rb = 'DescribeScalingPolicies: %s %s on %s' % (g['PolicyType'], detail, rid)
    return res['PolicyARN'], res['PolicyARN'], {'Arn': res['PolicyARN']}, ['PutScalingPolicy'], rb, []

def h_lambda_version(p, r):
    lam = client('lambda')
    res = lam.publish_version(**pick(p, ['FunctionName', 'Description', 'CodeSha256']))
    notes = []
    if 'ProvisionedConcurrencyConfig' in p:
        notes.append('ProvisionedConcurrencyConfig not applied: moto lacks PutProvisionedConcurrencyConfig')
    got = lam.get_function(FunctionName=p['FunctionName'], Qualifier=res['Version'])['Configuration']
    return res['FunctionArn'], res['FunctionArn'], {'Version': res['Version'], 'FunctionArn': res['FunctionArn']}, ['PublishVersion'], 'GetFunction: version %s of %s' % (got['Version'], got['FunctionName']), notes

def h_lambda_alias(p, r):
    lam = client('lambda')
    params = pick(p, ['FunctionName', 'Name', 'FunctionVersion', 'Description'])
    rc = p.get('RoutingConfig', {}).get('AdditionalVersionWeights')
    if rc:
        params['RoutingConfig'] = {'AdditionalVersionWeights': {w['FunctionVersion']: float(w['FunctionWeight']) for w in rc}}
    res = lam.create_alias(**params)
    notes = []
    pc = p.get('ProvisionedConcurrencyConfig')
    if pc:
        notes.append('ProvisionedConcurrencyConfig (%s) not applied: moto lacks PutProvisionedConcurrencyConfig' % pc.get('ProvisionedConcurrentExecutions'))
    got = lam.get_alias(FunctionName=p['FunctionName'], Name=p['Name'])
    rb = 'GetAlias: %s -> version %s' % (got['Name'], got['FunctionVersion'])
    return res['AliasArn'], res['AliasArn'], {}, ['CreateAlias'], rb, notes

def h_event_invoke(p, r):
    lam = client('lambda')
    params = pick(p, ['FunctionName', 'Qualifier', 'MaximumRetryAttempts', 'MaximumEventAgeInSeconds', 'DestinationConfig'])
    lam.put_function_event_invoke_config(**params)
    got = lam.get_function_event_invoke_config(FunctionName=p['FunctionName'], Qualifier=p['Qualifier'])
    rb = 'GetFunctionEventInvokeConfig: retries %s, on failure %s' % (got.get('MaximumRetryAttempts'), (got.get('DestinationConfig') or {}).get('OnFailure', {}).get('Destination', '-'))
    return got.get('FunctionArn', p['FunctionName']), None, {}, ['PutFunctionEventInvokeConfig'], rb, []

def h_lambda_url(p, r):
    lam = client('lambda')
    params = pick(p, ['AuthType', 'Cors', 'InvokeMode', 'Qualifier'])
    params['FunctionName'] = p['TargetFunctionArn']
    res = lam.create_function_url_config(**params)
    got = lam.get_function_url_config(**pick(params, ['FunctionName', 'Qualifier']))
    return res['FunctionUrl'], None, {'FunctionUrl': res['FunctionUrl'], 'FunctionArn': res['FunctionArn']}, ['CreateFunctionUrlConfig'], 'GetFunctionUrlConfig: %s %s' % (got['AuthType'], got['FunctionUrl']), []

def h_lambda_permission(p, r):
    lam = client('lambda')
    params = pick(p, ['FunctionName', 'Action', 'Principal', 'SourceArn', 'SourceAccount', 'EventSourceToken', 'FunctionUrlAuthType', 'PrincipalOrgID'])
    sid = r['logicalId'][:100]
    lam.add_permission(StatementId=sid, **params)
    got = json.loads(lam.get_policy(FunctionName=p['FunctionName'])['Policy'])
    mine = [st for st in got.get('Statement', []) if st.get('Sid') == sid]
    return sid, sid, {}, ['AddPermission'], 'GetPolicy: %s for %s (%d statement(s))' % (sid, params.get('Principal'), len(mine)), []

def h_cd_app(p, r):
    cd = client('codedeploy')
    name = p.get('ApplicationName') or r['plannedName']
    cd.create_application(applicationName=name, computePlatform=p.get('ComputePlatform', 'Server'))
    got = cd.get_application(applicationName=name)['application']
    return name, name, {}, ['CreateApplication'], 'GetApplication: %s (%s)' % (got['applicationName'], got.get('computePlatform')), []

def h_cd_group(p, r):
    cd = client('codedeploy')
    name = p.get('DeploymentGroupName') or r['plannedName']
    params = camel(dict(p, DeploymentGroupName=name))
    notes = []
    params = drop_unknown('codedeploy', 'CreateDeploymentGroup', params, notes)
    if 'tags' in params:
        params['tags'] = [{'Key': t['key'], 'Value': t['value']} for t in params['tags']]
    cd.create_deployment_group(**params)
    g = cd.get_deployment_group(applicationName=p['ApplicationName'], deploymentGroupName=name)['deploymentGroupInfo']
    sent = len((params.get('alarmConfiguration') or {}).get('alarms', []))
    echoed = g.get('alarmConfiguration') or {}
    alarms = ('%d rollback alarms' % len(echoed.get('alarms', []))) if echoed else ('%d rollback alarms sent (moto does not return alarmConfiguration)' % sent)
    rb = 'GetDeploymentGroup: %s, config %s, %s, auto-rollback %s' % (g['deploymentGroupName'], g.get('deploymentConfigName'), alarms, (g.get('autoRollbackConfiguration') or {}).get('enabled'))
    return name, name, {}, ['CreateDeploymentGroup'], rb, notes

def h_thing_group(p, r):
    iot = client('iot')
    name = p.get('ThingGroupName') or r['plannedName']
    params = {'thingGroupName': name}
    if 'ThingGroupProperties' in p:
        params['thingGroupProperties'] = camel(p['ThingGroupProperties'])
    if 'ParentGroupName' in p:
        params['parentGroupName'] = p['ParentGroupName']
    if cfn_tags(p):
        params['tags'] = cfn_tags(p)
    if 'QueryString' in p:
        res = iot.create_dynamic_thing_group(queryString=p['QueryString'], **params)
        call = 'CreateDynamicThingGroup'
    else:
        res = iot.create_thing_group(**params)
        call = 'CreateThingGroup'
    got = iot.describe_thing_group(thingGroupName=name)
    return name, name, {'Arn': res['thingGroupArn'], 'Id': res['thingGroupId']}, [call], 'DescribeThingGroup: %s' % got['thingGroupArn'], []

def h_metric_filter(p, r):
    logs = client('logs')
    name = p.get('FilterName') or r['plannedName']
    mts = camel(p['MetricTransformations'])
    logs.put_metric_filter(logGroupName=p['LogGroupName'], filterName=name, filterPattern=p['FilterPattern'], metricTransformations=mts)
    got = logs.describe_metric_filters(logGroupName=p['LogGroupName'], filterNamePrefix=name)['metricFilters']
    if not got:
        raise RuntimeError('DescribeMetricFilters does not return %s' % name)
    m = got[0]['metricTransformations'][0]
    return name, name, {}, ['PutMetricFilter'], 'DescribeMetricFilters: %s -> %s/%s' % (name, m['metricNamespace'], m['metricName']), []

def h_bucket_policy(p, r):
    s3 = client('s3')
    s3.put_bucket_policy(Bucket=p['Bucket'], Policy=json.dumps(p['PolicyDocument']))
    got = json.loads(s3.get_bucket_policy(Bucket=p['Bucket'])['Policy'])
    return p['Bucket'], p['Bucket'], {}, ['PutBucketPolicy'], 'GetBucketPolicy: %d statement(s)' % len(got.get('Statement', [])), []

def h_queue_policy(p, r):
    sqs = client('sqs')
    n = 0
    for url in p['Queues']:
        sqs.set_queue_attributes(QueueUrl=url, Attributes={'Policy': json.dumps(p['PolicyDocument'])})
        got = json.loads(sqs.get_queue_attributes(QueueUrl=url, AttributeNames=['Policy'])['Attributes']['Policy'])
        n += len(got.get('Statement', []))
    return ','.join(p['Queues']), None, {}, ['SetQueueAttributes(Policy) x%d' % len(p['Queues'])], 'GetQueueAttributes(Policy): %d statement(s) on %d queue(s)' % (n, len(p['Queues'])), []

# Lookups for what moto's CloudFormation created but lists without a physical id.
def c_lambda_version(p, r):
    vs = [v for v in client('lambda').list_versions_by_function(FunctionName=p['FunctionName'])['Versions'] if v['Version'] != '$LATEST']
    if not vs:
        raise RuntimeError('ListVersionsByFunction returns no published version of %s' % p['FunctionName'])
    v = max(vs, key=lambda x: int(x['Version']))
    return v['FunctionArn'], v['FunctionArn'], {'Version': v['Version']}, ['ListVersionsByFunction'], 'ListVersionsByFunction: version %s of %s' % (v['Version'], v['FunctionName']), []

def c_role_alias(p, r):
    got = client('iot').describe_role_alias(roleAlias=p['RoleAlias'])['roleAliasDescription']
    return got['roleAliasArn'], got['roleAlias'], {'RoleAliasArn': got['roleAliasArn']}, ['DescribeRoleAlias'], 'DescribeRoleAlias: %s -> %s' % (got['roleAlias'], got['roleArn']), []

def c_iot_policy(p, r):
    iot = client('iot')
    name = p.get('PolicyName')
    if not name:
        want = p['PolicyDocument']
        for pol in iot.list_policies()['policies']:
            doc = iot.get_policy(policyName=pol['policyName'])['policyDocument']
            if (doc if isinstance(doc, dict) else json.loads(doc)) == want:
                name = pol['policyName']
                break
        if not name:
            raise RuntimeError('no IoT policy with this document')
    got = iot.get_policy(policyName=name)
    doc = got['policyDocument']
    n = len((doc if isinstance(doc, dict) else json.loads(doc)).get('Statement', []))
    return got['policyArn'], got['policyName'], {'Arn': got['policyArn']}, ['GetPolicy'], 'GetPolicy: %s, %d statement(s)' % (got['policyName'], n), []

def h_capacity_provider(p, r):
    # Only Auto Scaling group providers: moto models nothing else (not_possible explains the managed-instances case).
    ecs = client('ecs')
    name = p.get('Name') or r['plannedName']
    params = {'name': name, 'autoScalingGroupProvider': camel(p['AutoScalingGroupProvider'])}
    if p.get('Tags'):
        params['tags'] = camel(p['Tags'])
    ecs.create_capacity_provider(**params)
    got = ecs.describe_capacity_providers(capacityProviders=[name])['capacityProviders'][0]
    asg = got.get('autoScalingGroupProvider') or {}
    return name, name, {'Arn': got['capacityProviderArn']}, ['CreateCapacityProvider'], 'DescribeCapacityProviders: %s %s (Auto Scaling group %s, managed scaling %s)' % (
        got['name'], got.get('status'), asg.get('autoScalingGroupArn'), (asg.get('managedScaling') or {}).get('status')), []

def h_capacity_associations(p, r):
    ecs = client('ecs')
    params = {'cluster': p['Cluster'], 'capacityProviders': p.get('CapacityProviders') or [],
              'defaultCapacityProviderStrategy': camel(p.get('DefaultCapacityProviderStrategy') or [])}
    ecs.put_cluster_capacity_providers(**params)
    got = ecs.describe_clusters(clusters=[p['Cluster']])['clusters'][0]
    return p['Cluster'], p['Cluster'], {}, ['PutClusterCapacityProviders'], 'DescribeClusters: %s with capacity providers %s' % (
        got['clusterName'], ', '.join(got.get('capacityProviders') or []) or 'none'), []

def c_lambda_permission(p, r):
    # moto's CloudFormation adds the statement under a Sid of its own: find it by principal (and source ARN).
    got = json.loads(client('lambda').get_policy(FunctionName=p['FunctionName'])['Policy'])
    principal, source = p.get('Principal'), p.get('SourceArn')
    mine = [st for st in got.get('Statement', []) if principal and principal in json.dumps(st.get('Principal'))
            and (not source or source in json.dumps(st.get('Condition') or {}))]
    if not mine:
        raise RuntimeError('GetPolicy of %s has no statement for %s%s' % (p['FunctionName'], principal, ' from ' + source if source else ''))
    sid = mine[0].get('Sid') or r['logicalId']
    return sid, sid, {}, ['GetPolicy'], 'GetPolicy: %s for %s' % (sid, principal), []

CONFIRM = {'AWS::Lambda::Version': c_lambda_version, 'AWS::IoT::RoleAlias': c_role_alias, 'AWS::IoT::Policy': c_iot_policy,
           'AWS::Lambda::Permission': c_lambda_permission}

HANDLERS = {
    'AWS::CloudWatch::Alarm': h_alarm,
    'AWS::ApplicationAutoScaling::ScalableTarget': h_scalable_target,
    'AWS::ApplicationAutoScaling::ScalingPolicy': h_scaling_policy,
    'AWS::Lambda::Version': h_lambda_version,
    'AWS::Lambda::Alias': h_lambda_alias,
    'AWS::Lambda::EventInvokeConfig': h_event_invoke,
    'AWS::Lambda::Url': h_lambda_url,
    'AWS::Lambda::Permission': h_lambda_permission,
    'AWS::CodeDeploy::Application': h_cd_app,
    'AWS::CodeDeploy::DeploymentGroup': h_cd_group,
    'AWS::IoT::ThingGroup': h_thing_group,
    'AWS::Logs::MetricFilter': h_metric_filter,
    'AWS::S3::BucketPolicy': h_bucket_policy,
    'AWS::SQS::QueuePolicy': h_queue_policy,
    'AWS::ECS::CapacityProvider': h_capacity_provider,
    'AWS::ECS::ClusterCapacityProviderAssociations': h_capacity_associations,
}
# What moto lacks, per type without a handler (checked against moto's own backend list below).
SERVICE_OF = {'ApplicationSignals': 'application-signals', 'GreengrassV2': 'greengrassv2', 'CodeDeploy': 'codedeploy',
              'ApplicationAutoScaling': 'applicationautoscaling', 'CloudWatch': 'cloudwatch', 'Lambda': 'awslambda'}
LACKING_OPERATION = {'AWS::CodeDeploy::DeploymentConfig': 'CreateDeploymentConfig',
                     # moto creates a template but cannot read it back (no Get/ListExperimentTemplates).
                     'AWS::FIS::ExperimentTemplate': 'GetExperimentTemplate',
                     'AWS::CloudWatch::CompositeAlarm': 'PutCompositeAlarm'}

def moto_implements(module, cls, method):
    try:
        import importlib
        return hasattr(getattr(importlib.import_module(module), cls), method)
    except Exception:
        return False

# Types moto implements only part of: why a resource of the type cannot be created, from its properties (None: it can).
def partly_supported(t, props):
    if t == 'AWS::ECS::CapacityProvider' and 'ManagedInstancesProvider' in props:
        return ("moto lacks the API: moto's CreateCapacityProvider models Auto Scaling group providers only, not managedInstancesProvider "
                "(ECS Managed Instances), so LocalDeploy has no API mapping for AWS::ECS::CapacityProvider with a managed instances provider: "
                "it is not created locally and a service whose strategy names it has no capacity there")
    dim = props.get('ScalableDimension')
    if t == 'AWS::ApplicationAutoScaling::ScalableTarget' and isinstance(dim, str):
        try:
            from moto.applicationautoscaling.models import ScalableDimensionValueSet
            known = set(d.value for d in ScalableDimensionValueSet)
        except Exception:
            known = set()
        if known and dim not in known:
            return ("moto lacks the API: moto's RegisterScalableTarget does not know the scalable dimension %s, so the target "
                    "(and its scaling policies) is not created locally" % dim)
    if t == 'AWS::SageMaker::InferenceComponent' and not moto_implements('moto.sagemaker.responses', 'SageMakerResponse', 'create_inference_component'):
        return ('moto lacks the API: CreateInferenceComponent is not implemented by moto, so the component (its model copies, compute '
                'reservation and DeploymentConfig) is not created locally; the endpoint is created without it')
    return None

def not_possible(t):
    svc = t.split('::')[1] if t.count('::') == 2 else t
    if t in LACKING_OPERATION:
        return 'moto lacks the API: %s is not implemented by moto' % LACKING_OPERATION[t]
    if t == 'AWS::CDK::Metadata':
        return 'CDK metadata: nothing to create'
    if t.startswith('Custom::') or t == 'AWS::CloudFormation::CustomResource':
        return 'a Lambda-backed custom resource: its provider function would have to run (Docker), so it is not created locally'
    mod = SERVICE_OF.get(svc, svc.lower())
    if MOTO_SERVICES and mod not in MOTO_SERVICES:
        return 'moto lacks the API: moto has no %s service' % svc
    return 'LocalDeploy has no API mapping for %s yet (moto has a %s service)' % (t, svc)

pending = list(req['resources'])
ids = set(r['logicalId'] for r in pending)
outcomes = []
done = set()
def deps(r):
    found = set(r.get('dependsOn') or [])
    def walk(n):
        if isinstance(n, list):
            for x in n: walk(x)
        elif isinstance(n, dict):
            if isinstance(n.get('Ref'), str): found.add(n['Ref'])
            g = n.get('Fn::GetAtt')
            if isinstance(g, list) and g: found.add(g[0])
            elif isinstance(g, str): found.add(g.split('.')[0])
            s = n.get('Fn::Sub')
            if s is not None:
                for m in re.finditer(r'\$\{([^!}.][^}.]*)', s[0] if isinstance(s, list) else s): found.add(m.group(1))
            for v in n.values(): walk(v)
    walk(r['properties'])
    return (found & ids) - {r['logicalId']}
while pending:
    ready = [r for r in pending if deps(r) <= done] or pending[:1]
    for r in ready:
        pending.remove(r)
        done.add(r['logicalId'])
        t = r['resourceType']
        base = {'logicalId': r['logicalId'], 'resourceType': t}
        h = (CONFIRM if r.get('mode') == 'confirm' else HANDLERS).get(t)
        if r.get('mode') == 'confirm' and h is None:
            outcomes.append(dict(base, created=False, reason='moto lists it without a physical id and LocalDeploy cannot look it up'))
            continue
        if r.get('condition'):
            outcomes.append(dict(base, created=False, reason="it has Condition '%s', which LocalDeploy does not evaluate" % r['condition']))
            continue
        partial = partly_supported(t, r.get('properties') or {})
        if partial is not None:
            outcomes.append(dict(base, created=False, reason=partial))
            continue
        if h is None:
            outcomes.append(dict(base, created=False, reason=not_possible(t)))
            continue
        del used_placeholders[:]
        try:
            props = resolve(r['properties'])
        except Unresolved as e:
            outcomes.append(dict(base, created=False, reason='needs %s, which the emulator did not produce' % e))
            continue
        try:
            phys, ref, attrs, calls, rb, notes = h(props, r)
        except botocore.exceptions.ClientError as e:
            err = e.response.get('Error', {})
            outcomes.append(dict(base, created=False, reason='the API rejected it: %s: %s' % (err.get('Code', ''), err.get('Message', str(e)))))
            continue
        except botocore.exceptions.ParamValidationError as e:
            outcomes.append(dict(base, created=False, reason='not a valid API request: %s' % str(e).replace('\n', ' ')))
            continue
        except Exception as e:
            outcomes.append(dict(base, created=False, reason='API creation failed: %s: %s' % (type(e).__name__, e)))
            continue
        if used_placeholders:
            notes = list(notes) + ['uses a placeholder for %s (a custom resource LocalDeploy does not run)' % ', '.join(sorted(set(used_placeholders)))]
        values[r['logicalId']] = {'ref': ref, 'attrs': attrs}
        outcomes.append(dict(base, created=True, physicalId=str(phys), apiCalls=calls, readBack=rb, notes=notes))
print(json.dumps({'outcomes': outcomes}, default=str))
`;
