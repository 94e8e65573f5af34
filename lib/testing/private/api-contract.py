# ApiContract validator (run by lib/testing/api-contract.ts in one child process per call).
#
# Reads {"templates": [{"name", "template", "paths"}]} on stdin, prints
# {"botocoreVersion", "results": [{"findings", "skipped", "resources", "uncovered"}]} on stdout.
#
# Each covered resource is mapped onto the request(s) its CloudFormation handler sends to the service
# API and walked against the service's own botocore model: required members, types, enums, ranges,
# string lengths and patterns, list sizes. CloudFormation property names are matched to API member
# names case-insensitively (ECS and IoT use camelCase, CloudFormation PascalCase), with a rename
# table for the few members whose names differ. Values that are CloudFormation intrinsics (Ref,
# Fn::GetAtt, Fn::Join with a token...) are valid placeholders: they are not checked, and counted.
# Properties with no API counterpart are counted as skipped too. Then service rules botocore does
# not encode (documented in the API reference) and rules across resources of one template run.
import json
import re
import sys

try:
    import botocore
    import botocore.session
except ImportError as e:  # pragma: no cover - exercised via the missing-tool test
    sys.stdout.write(json.dumps({"missing": "botocore is not importable: " + str(e)}))
    sys.exit(0)

SESSION = botocore.session.get_session()
MODELS = {}


def model(service):
    if service not in MODELS:
        MODELS[service] = SESSION.get_service_model(service)
    return MODELS[service]


# ---------------------------------------------------------------------------------------------
# Intrinsics

def is_token(v):
    if isinstance(v, dict) and len(v) == 1:
        k = next(iter(v))
        return k == "Ref" or k.startswith("Fn::") or k == "Condition"
    return False


def literal(v):
    """The literal string of v when it has no token (Fn::Join/Fn::Sub of literals), else None."""
    if isinstance(v, str):
        return v
    if isinstance(v, dict) and "Fn::Join" in v and len(v) == 1:
        sep, parts = v["Fn::Join"]
        if not isinstance(parts, list):
            return None
        out = []
        for p in parts:
            lp = literal(p)
            if lp is None:
                return None
            out.append(lp)
        return sep.join(out) if isinstance(sep, str) else None
    if isinstance(v, dict) and "Fn::Sub" in v and len(v) == 1 and isinstance(v["Fn::Sub"], str) and ("$" + "{") not in v["Fn::Sub"]:
        return v["Fn::Sub"]
    return None


TOKEN_MARK = "__CFN_TOKEN__"


def render_with_placeholders(v):
    """A string where every token is replaced by TOKEN_MARK (for documents built with Fn::Join)."""
    if isinstance(v, str):
        return v
    if isinstance(v, dict) and "Fn::Join" in v and len(v) == 1:
        sep, parts = v["Fn::Join"]
        if isinstance(parts, list) and isinstance(sep, str):
            return sep.join(render_with_placeholders(p) for p in parts)
    if isinstance(v, dict) and "Fn::Sub" in v and len(v) == 1:
        body = v["Fn::Sub"] if isinstance(v["Fn::Sub"], str) else (v["Fn::Sub"][0] if isinstance(v["Fn::Sub"], list) else None)
        if isinstance(body, str):
            return re.sub(r"\$\{[^!][^}]*\}", TOKEN_MARK, body)
    return TOKEN_MARK


def token_desc(v):
    k = next(iter(v))
    arg = v[k]
    if k == "Ref":
        return "Ref " + str(arg)
    if k == "Fn::GetAtt":
        return "Fn::GetAtt " + (".".join(str(a) for a in arg) if isinstance(arg, list) else str(arg))
    return k


def ref_target(v):
    """Logical id a Ref / Fn::GetAtt points at, else None."""
    if isinstance(v, dict) and len(v) == 1:
        if "Ref" in v and isinstance(v["Ref"], str):
            return v["Ref"]
        if "Fn::GetAtt" in v:
            a = v["Fn::GetAtt"]
            if isinstance(a, list) and a:
                return a[0]
            if isinstance(a, str):
                return a.split(".")[0]
    return None


def short(v, n=120):
    s = json.dumps(v, sort_keys=True) if not isinstance(v, str) else json.dumps(v)
    return s if len(s) <= n else s[: n - 3] + "..."


# ---------------------------------------------------------------------------------------------
# Context: collects findings and skips for one template

class Ctx:
    def __init__(self, name, template, paths):
        self.name = name
        self.template = template
        self.resources = template.get("Resources", {}) or {}
        self.paths = paths or {}
        self.findings = []
        self.skipped = []
        self.reports = []
        self.uncovered = []
        self.cur = None  # (logicalId, type)
        self.checked = 0
        self.cur_skipped = 0

    def cpath(self, lid):
        p = self.paths.get(lid)
        if p:
            return p
        md = (self.resources.get(lid) or {}).get("Metadata") or {}
        return md.get("aws:cdk:path", "")

    def label(self, lid):
        p = self.cpath(lid)
        return "%s (%s)" % (lid, p) if p else lid

    def finding(self, prop, value, rule_id, rule, message, fix, level="error", api=""):
        lid, rtype = self.cur
        self.findings.append({
            "level": level, "ruleId": rule_id, "template": self.name, "logicalId": lid, "resourceType": rtype,
            "constructPath": self.cpath(lid), "propertyPath": prop, "apiMember": api,
            "value": short(value) if value is not MISSING else "<absent>", "rule": rule, "message": message, "fix": fix,
        })

    def skip(self, prop, reason):
        lid, rtype = self.cur
        self.cur_skipped += 1
        self.skipped.append({"template": self.name, "logicalId": lid, "resourceType": rtype,
                             "constructPath": self.cpath(lid), "propertyPath": prop, "reason": reason})


MISSING = object()


def join(a, b):
    if a == "":
        return str(b)
    if isinstance(b, int):
        return "%s[%d]" % (a, b)
    return a + "." + b


# ---------------------------------------------------------------------------------------------
# The botocore walk

# (API shape name, CloudFormation key) -> API member name, where the names differ beyond case.
RENAMES = {
    ("CreateServiceLevelObjectiveInput", "Sli"): "SliConfig",
    ("CreateServiceLevelObjectiveInput", "RequestBasedSli"): "RequestBasedSliConfig",
    ("ServiceLevelIndicatorConfig", "SliMetric"): "SliMetricConfig",
    ("RequestBasedServiceLevelIndicatorConfig", "RequestBasedSliMetric"): "RequestBasedSliMetricConfig",
    ("CreateFunctionRequest", "KmsKeyArn"): "KMSKeyArn",
    ("CreateClusterRequest", "ClusterSettings"): "settings",
    ("CreateCapacityProviderRequest", "ClusterName"): "cluster",
}

# list-of-pairs -> map conversions CloudFormation does for map-shaped API members.
PAIR_KEYS = [("key", "value"), ("functionversion", "functionweight")]

PATTERN_CACHE = {}


# botocore patterns are Java regular expressions. Python's re has no \p{...} classes and no surrogate
# pairs: translate them to permissive equivalents (a value they accept may still be rejected by the
# service, never the other way round). A pattern that still does not compile is skipped and counted.
JAVA_CLASSES = [
    ("\\uD800\\uDC00-\\uDBFF\\uDFFF", "\\U00010000-\\U0010FFFF"),
    ("\\p{L}", "\\w"), ("\\p{N}", "\\w"), ("\\p{Z}", "\\s"), ("\\p{Graph}", "\\S"),
]


def compile_pattern(p):
    if p not in PATTERN_CACHE:
        q = p
        for a, b in JAVA_CLASSES:
            q = q.replace(a, b)
        q = re.sub(r"(?<!\[)\\p\{Print\}", lambda _m: "[^\\x00-\\x1f\\x7f]", q).replace("\\p{Print}", "^\\x00-\\x1f\\x7f")
        try:
            PATTERN_CACHE[p] = re.compile(q)
        except re.error:
            PATTERN_CACHE[p] = None
    return PATTERN_CACHE[p]


def type_name(shape):
    t = shape.type_name
    if t in ("integer", "long"):
        return "integer"
    if t in ("float", "double"):
        return "number"
    return t


def describe_limits(shape):
    m = shape.metadata
    bits = [type_name(shape)]
    if getattr(shape, "enum", None):
        bits.append("one of " + ", ".join(shape.enum))
    if "min" in m or "max" in m:
        unit = " characters" if shape.type_name == "string" else (" items" if shape.type_name in ("list", "map") else "")
        bits.append("%s..%s%s" % (m.get("min", "-"), m.get("max", "-"), unit))
    return " ".join(bits)


class Walk:
    def __init__(self, ctx, service, operation, generated=(), cfn_only=None):
        self.ctx = ctx
        self.service = service
        self.operation = operation
        self.generated = set(generated)
        self.cfn_only = cfn_only or {}
        self.api = "%s %s" % (service, operation)

    def run(self, value, paths=None):
        """value: the request as {member-ish key: CFN value}; paths: key -> CFN property path."""
        op = model(self.service).operation_model(self.operation)
        self.paths = paths or {}
        self.struct(value, op.input_shape, "", "", top=True)

    def fmt_api(self, api_path):
        return "%s %s" % (self.api, api_path) if api_path else self.api

    def value(self, v, shape, cpath, apath):
        ctx = self.ctx
        if is_token(v):
            ctx.skip(cpath, "unresolved %s: a valid placeholder for %s %s, not checked" % (token_desc(v), type_name(shape), apath))
            return
        if shape.type_name == "structure" and not shape.metadata.get("document"):
            self.struct(v, shape, cpath, apath)
            return
        if shape.type_name == "structure":  # document
            ctx.checked += 1
            return
        if shape.type_name == "list":
            self.list(v, shape, cpath, apath)
            return
        if shape.type_name == "map":
            self.map(v, shape, cpath, apath)
            return
        self.scalar(v, shape, cpath, apath)

    def struct(self, v, shape, cpath, apath, top=False):
        ctx = self.ctx
        if not isinstance(v, dict):
            ctx.finding(cpath, v, "type", "%s is a structure (%s)" % (apath or self.operation, shape.name),
                        "%s: %s is not an object, %s needs a %s structure" % (cpath, short(v), self.fmt_api(apath), shape.name),
                        "give an object with the members of %s" % shape.name, api=self.fmt_api(apath))
            return
        members = shape.members
        lower = {k.lower(): k for k in members}
        present = set()
        for key, val in v.items():
            kp = self.paths.get(key, join(cpath, key)) if top else join(cpath, key)
            if top and key in self.cfn_only:
                ctx.skip(kp, self.cfn_only[key])
                continue
            # KMS-style tags name their members TagKey/TagValue where CloudFormation says Key/Value.
            member = RENAMES.get((shape.name, key)) or (key if key in members else lower.get(key.lower()) or lower.get("tag" + key.lower()))
            if member is None:
                ctx.skip(kp, "no %s member matches this property (%s has: %s); not checked"
                         % (self.api, shape.name, ", ".join(sorted(members)[:12]) + (", ..." if len(members) > 12 else "")))
                continue
            present.add(member)
            self.value(val, members[member], kp, join(apath, member))
        for req in shape.required_members:
            if req in present:
                continue
            if top and req in self.generated:
                ctx.skip(self.paths.get(req, req), "%s %s is generated or supplied by CloudFormation; not checked" % (self.api, req))
                continue
            mshape = members[req]
            # camelCase APIs (ECS, IoT...): name the missing CloudFormation property the way its siblings are written.
            creq = req[0].upper() + req[1:] if req[:1].islower() and any(k[:1].isupper() for k in v) else req
            ctx.finding(join(cpath, creq) if cpath else self.paths.get(req, creq), MISSING, "required",
                        "%s requires %s (%s.%s)" % (self.api, join(apath, req), shape.name, req),
                        "%s is missing %s: %s rejects the request (%s.%s is required, %s)"
                        % (cpath or "the resource", creq, self.api, shape.name, req, describe_limits(mshape)),
                        "set %s (%s)" % (join(cpath, creq) if cpath else creq, describe_limits(mshape)),
                        api=self.fmt_api(join(apath, req)))

    def list(self, v, shape, cpath, apath):
        ctx = self.ctx
        if not isinstance(v, list):
            ctx.finding(cpath, v, "type", "%s is a list" % apath, "%s: %s is not a list; %s expects a list of %s"
                        % (cpath, short(v), self.fmt_api(apath), shape.member.name), "give a list", api=self.fmt_api(apath))
            return
        self.size(v, shape, cpath, apath, "items")
        for i, item in enumerate(v):
            self.value(item, shape.member, join(cpath, i), join(apath, i))

    def map(self, v, shape, cpath, apath):
        ctx = self.ctx
        if isinstance(v, list):
            conv = {}
            for i, item in enumerate(v):
                if is_token(item):
                    ctx.skip(join(cpath, i), "unresolved %s in a map entry; not checked" % token_desc(item))
                    continue
                if not isinstance(item, dict):
                    break
                low = {k.lower(): k for k in item}
                pair = next((p for p in PAIR_KEYS if p[0] in low and p[1] in low), None)
                if pair is None:
                    break
                key = item[low[pair[0]]]
                if not isinstance(key, str):
                    ctx.skip(join(cpath, i), "map key is a token; not checked")
                    continue
                conv[key] = (item[low[pair[1]]], join(join(cpath, i), low[pair[1]]))
            else:
                self.size(conv, shape, cpath, apath, "entries")
                for k, (val, p) in conv.items():
                    self.scalar_or(k, shape.key, join(cpath, "key"), join(apath, "key"))
                    self.value(val, shape.value, p, join(apath, k))
                return
        if not isinstance(v, dict):
            ctx.finding(cpath, v, "type", "%s is a map" % apath, "%s: %s is not an object; %s expects a map"
                        % (cpath, short(v), self.fmt_api(apath)), "give an object of key/value pairs", api=self.fmt_api(apath))
            return
        self.size(v, shape, cpath, apath, "entries")
        for k, val in v.items():
            self.scalar_or(k, shape.key, join(cpath, k), join(apath, "key"))
            self.value(val, shape.value, join(cpath, k), join(apath, k))

    def scalar_or(self, v, shape, cpath, apath):
        if shape is not None:
            self.scalar(v, shape, cpath, apath)

    def size(self, v, shape, cpath, apath, unit):
        m = shape.metadata
        n = len(v)
        if ("min" in m and n < m["min"]) or ("max" in m and n > m["max"]):
            self.ctx.finding(cpath, v if unit != "entries" else "%d entries" % n, "size",
                             "%s holds %s..%s %s" % (self.fmt_api(apath), m.get("min", 0), m.get("max", "-"), unit),
                             "%s has %d %s; %s accepts %s to %s" % (cpath, n, unit, self.fmt_api(apath), m.get("min", 0), m.get("max", "any")),
                             "give between %s and %s %s" % (m.get("min", 0), m.get("max", "any"), unit), api=self.fmt_api(apath))

    def scalar(self, v, shape, cpath, apath):
        ctx = self.ctx
        t = shape.type_name
        api = self.fmt_api(apath)
        ctx.checked += 1
        if t == "string":
            if isinstance(v, bool):
                v = "true" if v else "false"
            elif isinstance(v, (int, float)):
                v = str(v)
            if isinstance(v, dict) and literal(v) is not None:
                v = literal(v)
            if not isinstance(v, str):
                if isinstance(v, dict) and any(k.startswith("Fn::") for k in v):
                    ctx.skip(cpath, "intrinsic %s: a valid placeholder for string %s, not checked" % (", ".join(v), apath))
                    return
                ctx.finding(cpath, v, "type", "%s is a string" % api, "%s: %s is not a string (%s)" % (cpath, short(v), api),
                            "give a string", api=api)
                return
            enum = getattr(shape, "enum", None)
            if enum and v not in enum:
                ctx.finding(cpath, v, "enum", "%s is one of %s" % (api, ", ".join(enum)),
                            "%s: %s is not a valid %s: %s accepts one of %s" % (cpath, json.dumps(v), shape.name, api, ", ".join(enum)),
                            "use one of %s" % ", ".join(enum), api=api)
                return
            m = shape.metadata
            if ("min" in m and len(v) < m["min"]) or ("max" in m and len(v) > m["max"]):
                ctx.finding(cpath, v, "length", "%s is %s..%s characters" % (api, m.get("min", 0), m.get("max", "-")),
                            "%s: %s has %d characters; %s accepts %s to %s" % (cpath, short(v, 60), len(v), api, m.get("min", 0), m.get("max", "any")),
                            "use %s to %s characters" % (m.get("min", 0), m.get("max", "any")), api=api)
                return
            if "pattern" in m:
                rx = compile_pattern(m["pattern"])
                if rx is None:
                    ctx.skip(cpath, "pattern %s of %s uses regex syntax Python cannot check" % (m["pattern"], api))
                elif not rx.fullmatch(v) and not rx.match(v):
                    ctx.finding(cpath, v, "pattern", "%s matches %s" % (api, m["pattern"]),
                                "%s: %s does not match the pattern %s of %s" % (cpath, short(v, 80), m["pattern"], api),
                                "give a value matching %s" % m["pattern"], api=api)
            return
        if t in ("integer", "long", "float", "double"):
            num = v
            if isinstance(v, str):
                try:
                    num = int(v) if t in ("integer", "long") else float(v)
                except ValueError:
                    num = None
            if isinstance(num, bool) or not isinstance(num, (int, float)) or (t in ("integer", "long") and isinstance(num, float) and not num.is_integer()):
                ctx.finding(cpath, v, "type", "%s is %s" % (api, "an integer" if t in ("integer", "long") else "a number"),
                            "%s: %s is not %s (%s)" % (cpath, short(v), "an integer" if t in ("integer", "long") else "a number", api),
                            "give %s" % ("an integer" if t in ("integer", "long") else "a number"), api=api)
                return
            m = shape.metadata
            if ("min" in m and num < m["min"]) or ("max" in m and num > m["max"]):
                ctx.finding(cpath, v, "range", "%s is in %s..%s" % (api, m.get("min", "-"), m.get("max", "-")),
                            "%s: %s is out of range; %s accepts %s to %s" % (cpath, short(v), api, m.get("min", "any"), m.get("max", "any")),
                            "use a value between %s and %s" % (m.get("min", "any"), m.get("max", "any")), api=api)
            return
        if t == "boolean":
            if not isinstance(v, bool) and v not in ("true", "false", "True", "False"):
                ctx.finding(cpath, v, "type", "%s is a boolean" % api, "%s: %s is not a boolean (%s)" % (cpath, short(v), api),
                            "give true or false", api=api)
            return
        if t == "timestamp":
            if not isinstance(v, (str, int, float)):
                ctx.finding(cpath, v, "type", "%s is a timestamp" % api, "%s: %s is not a timestamp (%s)" % (cpath, short(v), api),
                            "give an ISO 8601 date-time", api=api)
            return
        # blob and anything else: any string
        if not isinstance(v, (str, dict)):
            ctx.finding(cpath, v, "type", "%s is %s" % (api, t), "%s: %s is not a %s (%s)" % (cpath, short(v), t, api), "give a string", api=api)


def call(ctx, service, operation, request, paths=None, generated=(), cfn_only=None):
    Walk(ctx, service, operation, generated, cfn_only).run(request, paths)
    ctx.ops.append("%s:%s" % (service, operation))


# ---------------------------------------------------------------------------------------------
# Resource mappings (CloudFormation type -> API request(s))

def props_without(props, *keys):
    return {k: v for k, v in props.items() if k not in keys}


def map_simple(service, operation, generated=(), cfn_only=None, drop=()):
    def m(ctx, lid, props):
        call(ctx, service, operation, props_without(props, *drop), generated=generated, cfn_only=cfn_only)
    return m


def sagemaker_endpoint(ctx, lid, props):
    call(ctx, "sagemaker", "CreateEndpoint", props, generated=["EndpointName"], cfn_only={
        "RetainAllVariantProperties": "UpdateEndpoint-only parameter; no create API to check it against",
        "ExcludeRetainedVariantProperties": "UpdateEndpoint-only parameter; no create API to check it against",
        "RetainDeploymentConfig": "UpdateEndpoint-only parameter; no create API to check it against",
    })
    rules_sagemaker_endpoint(ctx, lid, props)


def sagemaker_endpoint_config(ctx, lid, props):
    call(ctx, "sagemaker", "CreateEndpointConfig", props, generated=["EndpointConfigName"])
    rules_endpoint_config(ctx, lid, props)
    rules_managed_instance_scaling(ctx, lid, props)


def sagemaker_inference_component(ctx, lid, props):
    call(ctx, "sagemaker", "CreateInferenceComponent", props_without(props, "DeploymentConfig"), generated=["InferenceComponentName"], cfn_only={
        "EndpointArn": "CloudFormation-only alternative to EndpointName; not checked",
    })
    if "DeploymentConfig" in props:
        # CreateInferenceComponent has no DeploymentConfig: CloudFormation sends it with UpdateInferenceComponent,
        # on every stack update that changes the component. Checked against that request.
        req = {"DeploymentConfig": props["DeploymentConfig"]}
        if "InferenceComponentName" in props:
            req["InferenceComponentName"] = props["InferenceComponentName"]
        call(ctx, "sagemaker", "UpdateInferenceComponent", req, generated=["InferenceComponentName"])
    rules_inference_component(ctx, lid, props)


def scalable_target(ctx, lid, props):
    base = props_without(props, "ScheduledActions")
    call(ctx, "application-autoscaling", "RegisterScalableTarget", base)
    for i, action in enumerate(props.get("ScheduledActions") or []):
        if is_token(action) or not isinstance(action, dict):
            ctx.skip("ScheduledActions[%d]" % i, "unresolved scheduled action; not checked")
            continue
        req = dict(action)
        paths = {k: "ScheduledActions[%d].%s" % (i, k) for k in action}
        for k in ("ServiceNamespace", "ResourceId", "ScalableDimension"):
            if k in props:
                req[k] = props[k]
                paths[k] = k
        call(ctx, "application-autoscaling", "PutScheduledAction", req, paths)
    rules_scalable_target(ctx, lid, props)


def scaling_policy(ctx, lid, props):
    req = props_without(props, "ScalingTargetId")
    paths = {}
    target = ref_target(props.get("ScalingTargetId"))
    tprops = (ctx.resources.get(target) or {}).get("Properties") or {} if target else {}
    if "ScalingTargetId" in props:
        if target and target in ctx.resources:
            for k in ("ServiceNamespace", "ResourceId", "ScalableDimension"):
                if k in tprops:
                    req[k] = tprops[k]
                    paths[k] = "ScalingTargetId->%s.%s" % (target, k)
        else:
            ctx.skip("ScalingTargetId", "scalable target outside this template; ResourceId, ScalableDimension and ServiceNamespace not checked")
            for k in ("ServiceNamespace", "ResourceId", "ScalableDimension"):
                req.setdefault(k, {"Ref": "ScalingTargetId"})
    call(ctx, "application-autoscaling", "PutScalingPolicy", req, paths)
    rules_scaling_policy(ctx, lid, req)


def alarm(ctx, lid, props):
    call(ctx, "cloudwatch", "PutMetricAlarm", props, generated=["AlarmName"])
    rules_alarm(ctx, lid, props)


def lambda_function(ctx, lid, props):
    fn_only = {
        "ReservedConcurrentExecutions": None, "RuntimeManagementConfig": None, "RecursiveLoop": None,
    }
    call(ctx, "lambda", "CreateFunction", props_without(props, *fn_only), generated=["FunctionName"])
    rules_snapstart(ctx, lid, props)
    name = props.get("FunctionName", {"Ref": lid})
    if "ReservedConcurrentExecutions" in props:
        call(ctx, "lambda", "PutFunctionConcurrency", {"FunctionName": name, "ReservedConcurrentExecutions": props["ReservedConcurrentExecutions"]},
             {"FunctionName": "FunctionName"})
    if "RuntimeManagementConfig" in props and isinstance(props["RuntimeManagementConfig"], dict):
        req = dict(props["RuntimeManagementConfig"])
        paths = {k: "RuntimeManagementConfig." + k for k in req}
        req["FunctionName"] = name
        call(ctx, "lambda", "PutRuntimeManagementConfig", req, paths)
    if "RecursiveLoop" in props:
        call(ctx, "lambda", "PutFunctionRecursionConfig", {"FunctionName": name, "RecursiveLoop": props["RecursiveLoop"]})


def provisioned(ctx, props, qualifier, qpath):
    pc = props.get("ProvisionedConcurrencyConfig")
    if pc is None:
        return
    req = dict(pc) if isinstance(pc, dict) else {}
    paths = {k: "ProvisionedConcurrencyConfig." + k for k in req}
    if not isinstance(pc, dict):
        ctx.skip("ProvisionedConcurrencyConfig", "unresolved provisioned concurrency; not checked")
        return
    req["FunctionName"] = props.get("FunctionName", {"Ref": "FunctionName"})
    req["Qualifier"] = qualifier
    paths["Qualifier"] = qpath
    call(ctx, "lambda", "PutProvisionedConcurrencyConfig", req, paths)


def lambda_version(ctx, lid, props):
    call(ctx, "lambda", "PublishVersion", props_without(props, "ProvisionedConcurrencyConfig", "RuntimePolicy"))
    provisioned(ctx, props, {"Fn::GetAtt": [lid, "Version"]}, "(version number, assigned at publish)")
    rp = props.get("RuntimePolicy")
    if isinstance(rp, dict):
        req = dict(rp)
        paths = {k: "RuntimePolicy." + k for k in req}
        req["FunctionName"] = props.get("FunctionName")
        req["Qualifier"] = {"Fn::GetAtt": [lid, "Version"]}
        call(ctx, "lambda", "PutRuntimeManagementConfig", req, paths)


def lambda_alias(ctx, lid, props):
    call(ctx, "lambda", "CreateAlias", props_without(props, "ProvisionedConcurrencyConfig"))
    provisioned(ctx, props, props.get("Name"), "Name")
    rules_alias(ctx, lid, props)


def codedeploy_group(ctx, lid, props):
    call(ctx, "codedeploy", "CreateDeploymentGroup", props, generated=["deploymentGroupName"], cfn_only={
        "Deployment": "CloudFormation-only: triggers a CreateDeployment, whose revision is not checked",
        "Ec2TagSet": "nested shape differs from the API's ec2TagSet (lists of lists); not checked",
        "OnPremisesTagSet": "nested shape differs from the API's onPremisesTagSet (lists of lists); not checked",
    })
    rules_codedeploy_group(ctx, lid, props)


def ecs_task_definition(ctx, lid, props):
    call(ctx, "ecs", "RegisterTaskDefinition", props, generated=["family"])
    rules_ecs_task(ctx, lid, props)
    rules_ecs_task_managed(ctx, lid, props)


def events_rule(ctx, lid, props):
    req = props_without(props, "Targets")
    paths = {}
    if isinstance(props.get("EventPattern"), (dict, list)):
        # CloudFormation takes the pattern as an object; PutRule as its JSON text (at most 4096 characters).
        if refs_in(props["EventPattern"]):
            ctx.skip("EventPattern", "the event pattern holds tokens; its JSON length is not checked")
            req.pop("EventPattern")
        else:
            req["EventPattern"] = json.dumps(props["EventPattern"], separators=(",", ":"))
    call(ctx, "events", "PutRule", req, paths, generated=["Name"])
    targets = props.get("Targets")
    if targets is not None:
        treq = {"Rule": props.get("Name", {"Ref": lid}), "Targets": targets}
        if "EventBusName" in props:
            treq["EventBusName"] = props["EventBusName"]
        call(ctx, "events", "PutTargets", treq, {"Rule": "Name"})
    rules_events_rule(ctx, lid, props)


def ecs_capacity_provider(ctx, lid, props):
    call(ctx, "ecs", "CreateCapacityProvider", props, generated=["name"])
    rules_ecs_capacity_provider(ctx, lid, props)


def ecs_service(ctx, lid, props):
    call(ctx, "ecs", "CreateService", props, generated=["serviceName"])
    rules_ecs_service(ctx, lid, props)
    rules_ecs_capacity_strategy(ctx, lid, props)


SQS_ATTRS = {
    # attribute: (min, max) integer ranges from the SQS CreateQueue API reference (Attributes)
    "DelaySeconds": (0, 900),
    "MaximumMessageSize": (1024, 1048576),
    "MessageRetentionPeriod": (60, 1209600),
    "ReceiveMessageWaitTimeSeconds": (0, 20),
    "VisibilityTimeout": (0, 43200),
    "KmsDataKeyReusePeriodSeconds": (60, 86400),
}
SQS_OTHER = {
    "RedrivePolicy", "RedriveAllowPolicy", "KmsMasterKeyId", "SqsManagedSseEnabled", "FifoQueue",
    "ContentBasedDeduplication", "DeduplicationScope", "FifoThroughputLimit",
}


def sqs_queue(ctx, lid, props):
    req = {}
    paths = {}
    if "QueueName" in props:
        req["QueueName"] = props["QueueName"]
    if "Tags" in props:
        req["tags"] = props["Tags"]
        paths["tags"] = "Tags"
    attrs = {k: v for k, v in props.items() if k not in ("QueueName", "Tags")}
    req["Attributes"] = {k: (json.dumps(v) if isinstance(v, dict) and not is_token(v) and k.endswith("Policy") else v) for k, v in attrs.items()}
    paths["Attributes"] = ""
    call(ctx, "sqs", "CreateQueue", req, paths, generated=["QueueName"])
    rules_sqs(ctx, lid, props)


def greengrass_component(ctx, lid, props):
    req = dict(props)
    recipe = props.get("InlineRecipe")
    if recipe is not None and not isinstance(recipe, str):
        req.pop("InlineRecipe")
        ctx.checked += 1
    call(ctx, "greengrassv2", "CreateComponentVersion", req)
    if recipe is not None:
        rules_recipe(ctx, lid, recipe)


def greengrass_deployment(ctx, lid, props):
    call(ctx, "greengrassv2", "CreateDeployment", props)
    rules_gg_deployment(ctx, lid, props)


def iot_thing_group(ctx, lid, props):
    if "QueryString" in props:
        call(ctx, "iot", "CreateDynamicThingGroup", props, generated=["thingGroupName"])
    else:
        call(ctx, "iot", "CreateThingGroup", props, generated=["thingGroupName"])


def iot_policy(ctx, lid, props):
    req = dict(props)
    doc = props.get("PolicyDocument")
    if isinstance(doc, dict) and not is_token(doc):
        req["PolicyDocument"] = json.dumps(doc)  # the API takes the document as a JSON string
    call(ctx, "iot", "CreatePolicy", req, generated=["policyName"])
    if isinstance(doc, dict) and not is_token(doc):
        rules_iot_policy(ctx, lid, doc)
    elif doc is not None and isinstance(doc, str):
        try:
            rules_iot_policy(ctx, lid, json.loads(doc))
        except ValueError:
            ctx.finding("PolicyDocument", doc, "iot-policy-json", "an IoT policy document is JSON",
                        "PolicyDocument is not valid JSON", "give the policy document as a JSON object")


def slo(ctx, lid, props):
    call(ctx, "application-signals", "CreateServiceLevelObjective", props, cfn_only={
        "ExclusionWindows": "set by BatchUpdateExclusionWindows after create; not checked",
    })
    api = "application-signals CreateServiceLevelObjective"
    if ("Sli" in props) == ("RequestBasedSli" in props):
        ctx.finding("Sli", props.get("Sli", MISSING), "slo-sli-exclusive", "an SLO has exactly one of SliConfig and RequestBasedSliConfig (%s)" % api,
                    "the SLO has %s" % ("both Sli and RequestBasedSli" if "Sli" in props else "neither Sli nor RequestBasedSli"),
                    "give exactly one of Sli and RequestBasedSli", api=api)
    sli = props.get("Sli")
    metric = sli.get("SliMetric") if isinstance(sli, dict) else None
    if isinstance(metric, dict):
        if "MetricDataQueries" in metric and any(k in metric for k in ("KeyAttributes", "OperationName", "MetricType")):
            ctx.finding("Sli.SliMetric", metric, "slo-metric-source",
                        "an SLI metric is either an Application Signals service metric (KeyAttributes, MetricType) or MetricDataQueries (%s)" % api,
                        "Sli.SliMetric sets both MetricDataQueries and KeyAttributes/OperationName/MetricType", "keep one of them", api=api)
        check_metric_queries(ctx, metric.get("MetricDataQueries"), "Sli.SliMetric.MetricDataQueries", api, "sli")


LOG_RETENTION_DAYS = [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653]


def log_group(ctx, lid, props):
    call(ctx, "logs", "CreateLogGroup", props_without(props, "RetentionInDays"), generated=["logGroupName"], cfn_only={
        "DataProtectionPolicy": "set by PutDataProtectionPolicy; not checked",
        "FieldIndexPolicies": "set by PutIndexPolicy; not checked",
        "ResourcePolicyDocument": "set by PutResourcePolicy; not checked",
    })
    if "RetentionInDays" in props:
        call(ctx, "logs", "PutRetentionPolicy", {"logGroupName": props.get("LogGroupName", {"Ref": lid}), "retentionInDays": props["RetentionInDays"]},
             {"retentionInDays": "RetentionInDays", "logGroupName": "LogGroupName"})
        n = num(props["RetentionInDays"])
        if n is not None and n not in LOG_RETENTION_DAYS and not is_token(props["RetentionInDays"]):
            ctx.finding("RetentionInDays", props["RetentionInDays"], "logs-retention",
                        "retentionInDays is one of %s (CloudWatch Logs PutRetentionPolicy)" % ", ".join(str(d) for d in LOG_RETENTION_DAYS),
                        "RetentionInDays %s is not a retention CloudWatch Logs offers: PutRetentionPolicy rejects it" % n,
                        "use the nearest allowed value, e.g. %s" % min(LOG_RETENTION_DAYS, key=lambda d: abs(d - n)), api="logs PutRetentionPolicy")


def lambda_url(ctx, lid, props):
    req = props_without(props, "TargetFunctionArn")
    paths = {}
    if "TargetFunctionArn" in props:
        req["FunctionName"] = props["TargetFunctionArn"]
        paths["FunctionName"] = "TargetFunctionArn"
    call(ctx, "lambda", "CreateFunctionUrlConfig", req, paths)
    rules_url_streaming(ctx, lid, props)


def kms_key(ctx, lid, props):
    req = props_without(props, "KeyPolicy", "EnableKeyRotation", "PendingWindowInDays", "RotationPeriodInDays", "Enabled")
    paths = {}
    pol = props.get("KeyPolicy")
    if isinstance(pol, dict) and not is_token(pol):
        req["Policy"] = json.dumps(pol)  # the API takes the policy as a JSON string
        paths["Policy"] = "KeyPolicy"
    call(ctx, "kms", "CreateKey", req, paths)
    for prop, lo, hi, api in (("PendingWindowInDays", 7, 30, "kms ScheduleKeyDeletion"), ("RotationPeriodInDays", 90, 2560, "kms EnableKeyRotation")):
        n = num(props.get(prop))
        if n is not None and not (lo <= n <= hi):
            ctx.finding(prop, props[prop], "kms-range", "%s is %d to %d (%s)" % (prop, lo, hi, api),
                        "%s %s is outside %d..%d" % (prop, n, lo, hi), "use %d to %d" % (lo, hi), api=api)
    if "RotationPeriodInDays" in props and props.get("EnableKeyRotation") not in (True, "true"):
        ctx.finding("RotationPeriodInDays", props["RotationPeriodInDays"], "kms-rotation", "RotationPeriodInDays needs EnableKeyRotation (kms EnableKeyRotation)",
                    "RotationPeriodInDays is set but EnableKeyRotation is not true", "set EnableKeyRotation: true", api="kms EnableKeyRotation")


def dashboard(ctx, lid, props):
    body = props.get("DashboardBody")
    call(ctx, "cloudwatch", "PutDashboard", props, generated=["DashboardName"])
    if body is None:
        return
    text = render_with_placeholders(body)
    try:
        doc = json.loads(text)
    except ValueError as e:
        if TOKEN_MARK in text:
            ctx.skip("DashboardBody", "the dashboard body holds tokens outside JSON strings; not parsed")
            return
        ctx.finding("DashboardBody", short(body), "dashboard-body", "DashboardBody is a JSON object (cloudwatch PutDashboard)",
                    "DashboardBody is not JSON: %s" % e, "give a JSON dashboard body", api="cloudwatch PutDashboard")
        return
    if TOKEN_MARK in text:
        ctx.skip("DashboardBody", "%d token(s) inside the dashboard body are not checked" % text.count(TOKEN_MARK))
    widgets = doc.get("widgets") if isinstance(doc, dict) else None
    if not isinstance(widgets, list):
        ctx.finding("DashboardBody.widgets", MISSING, "dashboard-body", "a dashboard body has a widgets list (CloudWatch dashboard body structure)",
                    "DashboardBody has no widgets list", "add widgets", api="cloudwatch PutDashboard")
        return
    for i, w in enumerate(widgets):
        if isinstance(w, dict) and w.get("type") not in ("metric", "text", "log", "alarm", "explorer", "custom"):
            ctx.finding("DashboardBody.widgets[%d].type" % i, w.get("type", MISSING), "dashboard-body",
                        "a widget type is metric, text, log, alarm, explorer or custom (CloudWatch dashboard body structure)",
                        "widget %d has type %s" % (i, json.dumps(w.get("type"))), "use a supported widget type", api="cloudwatch PutDashboard")


def policy_json(doc):
    """The policy document as the JSON string IAM receives (tokens rendered as placeholders)."""
    if isinstance(doc, str):
        return doc
    return json.dumps(doc, separators=(",", ":"))


def iam_role(ctx, lid, props):
    req = props_without(props, "Policies", "ManagedPolicyArns", "AssumeRolePolicyDocument")
    paths = {}
    if "AssumeRolePolicyDocument" in props:
        req["AssumeRolePolicyDocument"] = policy_json(props["AssumeRolePolicyDocument"])
        paths["AssumeRolePolicyDocument"] = "AssumeRolePolicyDocument"
    call(ctx, "iam", "CreateRole", req, paths, generated=["RoleName"])
    name = props.get("RoleName", {"Ref": lid})
    for i, pol in enumerate(props.get("Policies") or [] if isinstance(props.get("Policies"), list) else []):
        if isinstance(pol, dict):
            call(ctx, "iam", "PutRolePolicy", {"RoleName": name, "PolicyName": pol.get("PolicyName"), "PolicyDocument": policy_json(pol.get("PolicyDocument"))},
                 {"PolicyName": "Policies[%d].PolicyName" % i, "PolicyDocument": "Policies[%d].PolicyDocument" % i, "RoleName": "RoleName"})
    for i, arn in enumerate(props.get("ManagedPolicyArns") or [] if isinstance(props.get("ManagedPolicyArns"), list) else []):
        call(ctx, "iam", "AttachRolePolicy", {"RoleName": name, "PolicyArn": arn}, {"PolicyArn": "ManagedPolicyArns[%d]" % i, "RoleName": "RoleName"})
    n = len(props.get("ManagedPolicyArns") or []) if isinstance(props.get("ManagedPolicyArns"), list) else 0
    if n > 10:
        ctx.finding("ManagedPolicyArns", "%d policies" % n, "iam-managed-policy-quota", "a role has at most 10 managed policies unless the quota was raised (IAM quotas)",
                    "%d managed policies are attached" % n, "merge policies or raise the managed-policies-per-role quota (up to 20)", level="warning", api="iam AttachRolePolicy")


def iam_policy(ctx, lid, props):
    roles = props.get("Roles") if isinstance(props.get("Roles"), list) else []
    doc = policy_json(props.get("PolicyDocument")) if "PolicyDocument" in props else None
    for i, role in enumerate(roles or [{"Ref": "Roles"}]):
        call(ctx, "iam", "PutRolePolicy", {"RoleName": role, "PolicyName": props.get("PolicyName"), "PolicyDocument": doc},
             {"RoleName": "Roles[%d]" % i, "PolicyName": "PolicyName", "PolicyDocument": "PolicyDocument"})
        if not roles:
            break
    for key in ("Users", "Groups"):
        if props.get(key):
            ctx.skip(key, "PutUserPolicy/PutGroupPolicy are not mapped; %s not checked" % key)


def inline_size(doc):
    """Characters IAM counts for a policy (JSON without whitespace), tokens counted as 0; and whether tokens were present."""
    text = render_with_placeholders(doc) if isinstance(doc, dict) and ("Fn::Join" in doc or "Fn::Sub" in doc) and len(doc) == 1 else policy_json(doc)
    has_token = "Ref" in text or "Fn::" in text or TOKEN_MARK in text
    text = re.sub(r'\{"(Ref|Fn::[A-Za-z]+)":[^{}]*\}', "", text)
    text = re.sub(r'\{"Fn::Join":\["",\[("[^"]*",?|\{[^{}]*\},?)*\]\]\}', "", text)
    return len(re.sub(r"\s", "", text.replace(TOKEN_MARK, ""))), has_token


def rules_role_inline_size(ctx):
    """IAM counts every inline policy of a role (its Policies and each AWS::IAM::Policy attached) against 10,240 characters."""
    for k, r in ctx.resources.items():
        if r.get("Type") != "AWS::IAM::Role":
            continue
        parts = []
        rprops = r.get("Properties") or {}
        for pol in rprops.get("Policies") or [] if isinstance(rprops.get("Policies"), list) else []:
            if isinstance(pol, dict):
                parts.append(inline_size(pol.get("PolicyDocument")))
        for pk, pr in ctx.resources.items():
            p = pr.get("Properties") or {}
            if pr.get("Type") == "AWS::IAM::Policy" and any(ref_target(x) == k for x in (p.get("Roles") or [] if isinstance(p.get("Roles"), list) else [])):
                parts.append(inline_size(p.get("PolicyDocument")))
        total = sum(x[0] for x in parts)
        if total > 10240:
            ctx.cur = (k, "AWS::IAM::Role")
            ctx.finding("Policies", "%d characters" % total, "iam-inline-policy-size",
                        "a role's inline policies total at most 10,240 characters without whitespace (IAM quotas)",
                        "the inline policies of role %s total at least %d characters%s: PutRolePolicy fails with LimitExceeded"
                        % (ctx.label(k), total, " (tokens not counted)" if any(x[1] for x in parts) else ""),
                        "move statements into a managed policy (6,144 characters each) or merge statements", api="iam PutRolePolicy")


def sqs_queue_policy(ctx, lid, props):
    queues = props.get("Queues") if isinstance(props.get("Queues"), list) else [{"Ref": "Queues"}]
    doc = policy_json(props.get("PolicyDocument")) if "PolicyDocument" in props else None
    for i, q in enumerate(queues):
        call(ctx, "sqs", "SetQueueAttributes", {"QueueUrl": q, "Attributes": {"Policy": doc}},
             {"QueueUrl": "Queues[%d]" % i, "Attributes": "PolicyDocument"})


def s3_bucket_policy(ctx, lid, props):
    req = {"Bucket": props.get("Bucket"), "Policy": policy_json(props.get("PolicyDocument")) if "PolicyDocument" in props else None}
    call(ctx, "s3", "PutBucketPolicy", {k: v for k, v in req.items() if v is not None}, {"Policy": "PolicyDocument"})


MAPPINGS = {
    "AWS::SageMaker::Model": map_simple("sagemaker", "CreateModel", generated=["ModelName"]),
    "AWS::SageMaker::EndpointConfig": sagemaker_endpoint_config,
    "AWS::SageMaker::Endpoint": sagemaker_endpoint,
    "AWS::SageMaker::InferenceComponent": sagemaker_inference_component,
    "AWS::ApplicationAutoScaling::ScalableTarget": scalable_target,
    "AWS::ApplicationAutoScaling::ScalingPolicy": scaling_policy,
    "AWS::CloudWatch::Alarm": alarm,
    "AWS::Lambda::Function": lambda_function,
    "AWS::Lambda::Version": lambda_version,
    "AWS::Lambda::Alias": lambda_alias,
    "AWS::Lambda::EventInvokeConfig": map_simple("lambda", "PutFunctionEventInvokeConfig"),
    "AWS::Lambda::CodeSigningConfig": map_simple("lambda", "CreateCodeSigningConfig"),
    "AWS::CodeDeploy::Application": map_simple("codedeploy", "CreateApplication", generated=["applicationName"]),
    "AWS::CodeDeploy::DeploymentGroup": codedeploy_group,
    "AWS::CodeDeploy::DeploymentConfig": map_simple("codedeploy", "CreateDeploymentConfig", generated=["deploymentConfigName"]),
    "AWS::SageMaker::DataQualityJobDefinition": map_simple("sagemaker", "CreateDataQualityJobDefinition", generated=["JobDefinitionName"], cfn_only={
        "EndpointName": "CloudFormation-only: the endpoint is named in DataQualityJobInput.EndpointInput, which is checked"}),
    "AWS::SageMaker::MonitoringSchedule": map_simple("sagemaker", "CreateMonitoringSchedule", generated=["MonitoringScheduleName"], cfn_only={
        "EndpointName": "CloudFormation-only: the endpoint is named by the job definition's input, which is checked",
        "FailureReason": "read-only status in the CloudFormation schema; not an API input",
        "LastMonitoringExecutionSummary": "read-only status in the CloudFormation schema; not an API input",
        "MonitoringScheduleStatus": "read-only status in the CloudFormation schema; not an API input"}),
    "AWS::FIS::ExperimentTemplate": map_simple("fis", "CreateExperimentTemplate", generated=["clientToken"]),
    "AWS::CloudWatch::CompositeAlarm": map_simple("cloudwatch", "PutCompositeAlarm", generated=["AlarmName"]),
    "AWS::ECS::TaskDefinition": ecs_task_definition,
    "AWS::ECS::Service": ecs_service,
    "AWS::ECS::CapacityProvider": ecs_capacity_provider,
    "AWS::Events::Rule": events_rule,
    "AWS::SQS::Queue": sqs_queue,
    "AWS::GreengrassV2::ComponentVersion": greengrass_component,
    "AWS::GreengrassV2::Deployment": greengrass_deployment,
    "AWS::IoT::ThingGroup": iot_thing_group,
    "AWS::IoT::RoleAlias": map_simple("iot", "CreateRoleAlias", generated=["roleAlias"]),
    "AWS::IoT::Policy": iot_policy,
    "AWS::ApplicationSignals::ServiceLevelObjective": slo,
    "AWS::Logs::LogGroup": log_group,
    "AWS::Logs::MetricFilter": map_simple("logs", "PutMetricFilter", generated=["filterName"]),
    "AWS::Lambda::Url": lambda_url,
    "AWS::ECS::Cluster": map_simple("ecs", "CreateCluster"),
    "AWS::KMS::Key": kms_key,
    "AWS::CloudWatch::Dashboard": dashboard,
    "AWS::EKS::PodIdentityAssociation": map_simple("eks", "CreatePodIdentityAssociation"),
    "AWS::IAM::Role": iam_role,
    "AWS::IAM::Policy": iam_policy,
    "AWS::SQS::QueuePolicy": sqs_queue_policy,
    "AWS::S3::BucketPolicy": s3_bucket_policy,
}


# ---------------------------------------------------------------------------------------------
# Service rules botocore does not encode (each cites the API reference it comes from)

def num(v):
    if isinstance(v, bool):
        return None
    if isinstance(v, (int, float)):
        return v
    if isinstance(v, str):
        try:
            return float(v) if "." in v else int(v)
        except ValueError:
            return None
    return None


def rules_sagemaker_endpoint(ctx, lid, props):
    dc = props.get("DeploymentConfig")
    if not isinstance(dc, dict):
        return
    bg = dc.get("BlueGreenUpdatePolicy")
    if isinstance(bg, dict):
        trc = bg.get("TrafficRoutingConfiguration")
        if isinstance(trc, dict) and isinstance(trc.get("Type"), str):
            need = {"CANARY": "CanarySize", "LINEAR": "LinearStepSize"}.get(trc["Type"])
            if need and need not in trc:
                ctx.finding("DeploymentConfig.BlueGreenUpdatePolicy.TrafficRoutingConfiguration", trc, "sagemaker-traffic-routing",
                            "TrafficRoutingConfig of Type %s needs %s (SageMaker API reference, TrafficRoutingConfig)" % (trc["Type"], need),
                            "a %s traffic routing configuration without %s: CreateEndpoint/UpdateEndpoint rejects it" % (trc["Type"], need),
                            "set %s { Type: CAPACITY_PERCENT | INSTANCE_COUNT, Value }" % need, api="sagemaker CreateEndpoint")
    # Deployment guardrails apply to real-time (and asynchronous) endpoints, not serverless ones.
    cfg = ref_target(props.get("EndpointConfigName"))
    cprops = (ctx.resources.get(cfg) or {}).get("Properties") or {} if cfg else {}
    variants = cprops.get("ProductionVariants") if isinstance(cprops.get("ProductionVariants"), list) else []
    if bg is not None and any(isinstance(v, dict) and "ServerlessConfig" in v for v in variants):
        ctx.finding("DeploymentConfig.BlueGreenUpdatePolicy", bg, "sagemaker-guardrails-serverless",
                    "deployment guardrails (blue/green, rolling) apply to real-time and asynchronous endpoints only (SageMaker guide: Deployment guardrails)",
                    "the endpoint config %s has serverless variants, which deployment guardrails do not support" % cfg,
                    "remove DeploymentConfig.BlueGreenUpdatePolicy on a serverless endpoint", api="sagemaker CreateEndpoint DeploymentConfig")
    alarms = (dc.get("AutoRollbackConfiguration") or {}).get("Alarms") if isinstance(dc.get("AutoRollbackConfiguration"), dict) else None
    if isinstance(alarms, list) and alarms:
        check_rollback_permission(ctx, cprops, cfg)
    if isinstance(alarms, list):
        for i, a in enumerate(alarms):
            if isinstance(a, dict):
                check_alarm_name(ctx, "DeploymentConfig.AutoRollbackConfiguration.Alarms[%d].AlarmName" % i, a.get("AlarmName"),
                                 "sagemaker CreateEndpoint AutoRollbackConfiguration")


def statements_of(doc):
    st = doc.get("Statement") if isinstance(doc, dict) else None
    if isinstance(st, dict):
        st = [st]
    return [x for x in st if isinstance(x, dict)] if isinstance(st, list) else []


def role_statements(ctx, role):
    """Every statement the template attaches to role (inline, AWS::IAM::Policy, AWS::IAM::ManagedPolicy), and its managed policy ARNs."""
    out = []
    rprops = (ctx.resources.get(role) or {}).get("Properties") or {}
    for pol in rprops.get("Policies") or [] if isinstance(rprops.get("Policies"), list) else []:
        if isinstance(pol, dict):
            out.extend(statements_of(pol.get("PolicyDocument")))
    for k, r in ctx.resources.items():
        if r.get("Type") in ("AWS::IAM::Policy", "AWS::IAM::ManagedPolicy", "AWS::IAM::RolePolicy"):
            p = r.get("Properties") or {}
            roles = p.get("Roles") if isinstance(p.get("Roles"), list) else ([p.get("RoleName")] if "RoleName" in p else [])
            if any(ref_target(x) == role for x in roles):
                out.extend(statements_of(p.get("PolicyDocument")))
    managed = rprops.get("ManagedPolicyArns") if isinstance(rprops.get("ManagedPolicyArns"), list) else []
    return out, managed


def allows(statements, action):
    import fnmatch
    for st in statements:
        if st.get("Effect") != "Allow":
            continue
        acts = st.get("Action")
        for a in (acts if isinstance(acts, list) else [acts]):
            if isinstance(a, str) and fnmatch.fnmatchcase(action.lower(), a.lower()):
                return True
    return False


def check_rollback_permission(ctx, cprops, cfg, api="sagemaker CreateEndpoint DeploymentConfig"):
    """SageMaker reads the auto-rollback alarms with the execution role: it needs cloudwatch:DescribeAlarms."""
    path = "DeploymentConfig.AutoRollbackConfiguration.Alarms"
    arns = []
    if "ExecutionRoleArn" in cprops:
        arns.append(cprops["ExecutionRoleArn"])
    else:
        variants = cprops.get("ProductionVariants")
        for v in variants if isinstance(variants, list) else []:
            m = ref_target(v.get("ModelName")) if isinstance(v, dict) else None
            if m and (ctx.resources.get(m) or {}).get("Type") == "AWS::SageMaker::Model":
                arns.append(((ctx.resources[m].get("Properties") or {}).get("ExecutionRoleArn")))
            else:
                arns.append(None)
    if not arns:
        ctx.skip(path, "endpoint config outside this template; the execution role's cloudwatch:DescribeAlarms permission is not checked")
        return
    for arn in arns:
        role = ref_target(arn)
        if not role or (ctx.resources.get(role) or {}).get("Type") != "AWS::IAM::Role":
            ctx.skip(path, "execution role %s is not defined in this template; its cloudwatch:DescribeAlarms permission is not checked" % short(arn, 80))
            continue
        statements, managed = role_statements(ctx, role)
        if allows(statements, "cloudwatch:DescribeAlarms"):
            continue
        if managed:
            ctx.skip(path, "execution role %s has managed policies this check cannot read; cloudwatch:DescribeAlarms not checked" % role)
            continue
        ctx.finding(path, "execution role %s" % role, "sagemaker-rollback-permission",
                    "the execution role may call cloudwatch:DescribeAlarms on the auto-rollback alarms (SageMaker guide: Auto-Rollback Configuration and Monitoring)",
                    "no policy of execution role %s allows cloudwatch:DescribeAlarms: SageMaker cannot read the rollback alarms, so a bad version is not rolled back" % ctx.label(role),
                    "grant cloudwatch:DescribeAlarms on the rollback alarm ARNs to %s" % ctx.label(role), api=api)


# (resource type, property) -> (service principal prefix, what fails without it)
ROLE_TRUST = [
    ("AWS::SageMaker::Model", "ExecutionRoleArn", "sagemaker.", "CreateModel fails: SageMaker cannot assume the role"),
    ("AWS::SageMaker::EndpointConfig", "ExecutionRoleArn", "sagemaker.", "CreateEndpointConfig fails: SageMaker cannot assume the role"),
    ("AWS::Lambda::Function", "Role", "lambda.", "CreateFunction fails: the role cannot be assumed by Lambda"),
    ("AWS::CodeDeploy::DeploymentGroup", "ServiceRoleArn", "codedeploy.", "CodeDeploy cannot assume the service role"),
    ("AWS::ECS::TaskDefinition", "TaskRoleArn", "ecs-tasks.", "tasks fail to start: ECS cannot assume the task role"),
    ("AWS::ECS::TaskDefinition", "ExecutionRoleArn", "ecs-tasks.", "tasks fail to start: ECS cannot pull the image or write logs"),
    ("AWS::IoT::RoleAlias", "RoleArn", "credentials.iot.", "devices get no credentials: the AWS IoT credentials provider cannot assume the role"),
]


def trusted_services(ctx, role):
    doc = ((ctx.resources.get(role) or {}).get("Properties") or {}).get("AssumeRolePolicyDocument")
    out = []
    has_token = False
    for st in statements_of(doc):
        if st.get("Effect") != "Allow":
            continue
        acts = st.get("Action")
        acts = acts if isinstance(acts, list) else [acts]
        if not any(isinstance(a, str) and a.lower() in ("sts:assumerole", "sts:*", "*") for a in acts):
            continue
        pr = st.get("Principal")
        svc = pr.get("Service") if isinstance(pr, dict) else None
        for x in (svc if isinstance(svc, list) else [svc] if svc is not None else []):
            pre = literal_prefix(x)
            if pre:
                out.append(pre)
            else:
                has_token = True
    return out, has_token


def rules_role_trust(ctx):
    for k, r in ctx.resources.items():
        for rtype, prop, principal, consequence in ROLE_TRUST:
            if r.get("Type") != rtype:
                continue
            v = (r.get("Properties") or {}).get(prop)
            role = ref_target(v)
            if v is None:
                continue
            ctx.cur = (k, rtype)
            if not role or (ctx.resources.get(role) or {}).get("Type") != "AWS::IAM::Role":
                continue  # an imported role: counted where the property was walked as a token or literal
            services, has_token = trusted_services(ctx, role)
            if any(sv.startswith(principal) or principal.startswith(sv) for sv in services) or has_token:
                continue
            ctx.finding(prop, v, "role-trust", "the role's trust policy allows %samazonaws.com to assume it (IAM roles for AWS services)" % principal,
                        "role %s does not trust %samazonaws.com (it trusts %s): %s" % (ctx.label(role), principal, ", ".join(sorted(set(services))) or "no service", consequence),
                        "add %samazonaws.com to the AssumeRolePolicyDocument of %s" % (principal, ctx.label(role)), api="iam trust policy")


def rules_iot_role_alias_refs(ctx):
    """An IoT policy that grants iot:AssumeRoleWithCertificate names a role alias the template defines."""
    aliases = {}
    for k, r in ctx.resources.items():
        if r.get("Type") == "AWS::IoT::RoleAlias":
            n = literal((r.get("Properties") or {}).get("RoleAlias"))
            if n is not None:
                aliases[n] = k
    if not aliases:
        return
    for k, r in ctx.resources.items():
        if r.get("Type") != "AWS::IoT::Policy":
            continue
        for i, st in enumerate(statements_of((r.get("Properties") or {}).get("PolicyDocument"))):
            acts = st.get("Action")
            acts = acts if isinstance(acts, list) else [acts]
            if "iot:AssumeRoleWithCertificate" not in acts:
                continue
            res = st.get("Resource")
            for rv in (res if isinstance(res, list) else [res]):
                text = render_with_placeholders(rv) if not isinstance(rv, str) else rv
                m = re.search(r":rolealias/([^/*]+)$", text or "")
                if m and TOKEN_MARK not in m.group(1) and m.group(1) not in aliases:
                    ctx.cur = (k, "AWS::IoT::Policy")
                    ctx.finding("PolicyDocument.Statement[%d].Resource" % i, rv, "iot-role-alias-ref",
                                "iot:AssumeRoleWithCertificate names the role alias devices use (AWS IoT credentials provider)",
                                "the policy grants role alias %s, but this template defines %s" % (json.dumps(m.group(1)), ", ".join(sorted(aliases))),
                                "grant rolealias/%s" % sorted(aliases)[0], level="warning", api="iot CreatePolicy policyDocument")


def rules_endpoint_config(ctx, lid, props):
    api = "sagemaker CreateEndpointConfig"
    names = {}
    kinds = {}
    for key in ("ProductionVariants", "ShadowProductionVariants"):
        variants = props.get(key)
        for i, v in enumerate(variants if isinstance(variants, list) else []):
            if not isinstance(v, dict):
                continue
            vp = "%s[%d]" % (key, i)
            serverless = "ServerlessConfig" in v
            kinds.setdefault(key, set()).add("serverless" if serverless else "instance")
            if serverless and any(k in v for k in ("InstanceType", "InitialInstanceCount")):
                ctx.finding(vp, v, "sagemaker-variant-kind", "a variant has ServerlessConfig or InstanceType/InitialInstanceCount, not both (%s, ProductionVariant)" % api,
                            "%s mixes ServerlessConfig with InstanceType/InitialInstanceCount" % vp, "keep one of them", api=api)
            if not serverless and "InstanceType" not in v and "InferenceAmiVersion" not in v and "ManagedInstanceScaling" not in v:
                ctx.finding(vp + ".InstanceType", MISSING, "sagemaker-variant-kind", "an instance variant needs InstanceType (%s, ProductionVariant)" % api,
                            "%s has neither ServerlessConfig nor InstanceType" % vp, "set InstanceType and InitialInstanceCount, or ServerlessConfig", api=api)
            n = literal(v.get("VariantName"))
            if n is not None:
                if n in names:
                    ctx.finding(vp + ".VariantName", n, "sagemaker-variant-name", "variant names are unique across production and shadow variants (%s)" % api,
                                "VariantName %s is also used by %s" % (json.dumps(n), names[n]), "give every variant its own name", api=api)
                names[n] = vp
    if len(kinds.get("ProductionVariants", set()) | kinds.get("ShadowProductionVariants", set())) > 1:
        ctx.finding("ShadowProductionVariants", props.get("ShadowProductionVariants"), "sagemaker-variant-kind",
                    "production and shadow variants are all serverless or all instance-based (%s)" % api,
                    "the endpoint config mixes serverless and instance variants", "use the same kind for every variant", api=api)
    if "serverless" in kinds.get("ProductionVariants", set()) and "AsyncInferenceConfig" in props:
        ctx.finding("AsyncInferenceConfig", props["AsyncInferenceConfig"], "sagemaker-async-serverless",
                    "asynchronous inference runs on instances, not serverless variants (%s)" % api,
                    "AsyncInferenceConfig on a serverless endpoint config", "use instance variants for asynchronous inference", api=api)


def variant_of_resource_id(ctx, rid):
    """(endpoint config logical id, variant name) for a sagemaker variant ResourceId built in this template."""
    if not (isinstance(rid, dict) and "Fn::Join" in rid):
        return None, None
    sep, parts = rid["Fn::Join"]
    if sep != "" or not isinstance(parts, list) or len(parts) != 3:
        return None, None
    head, ep, tail_ = parts
    if head != "endpoint/" or not isinstance(tail_, str) or not tail_.startswith("/variant/"):
        return None, None
    e = ref_target(ep)
    if not e or (ctx.resources.get(e) or {}).get("Type") != "AWS::SageMaker::Endpoint":
        return None, None
    cfg = ref_target(((ctx.resources[e].get("Properties") or {}).get("EndpointConfigName")))
    if not cfg or (ctx.resources.get(cfg) or {}).get("Type") != "AWS::SageMaker::EndpointConfig":
        return None, None
    return cfg, tail_[len("/variant/"):]


def rules_sagemaker_target(ctx, props):
    cfg, variant = variant_of_resource_id(ctx, props.get("ResourceId"))
    if cfg is None:
        return
    variants = (ctx.resources[cfg].get("Properties") or {}).get("ProductionVariants")
    by_name = {literal(v.get("VariantName")): v for v in (variants if isinstance(variants, list) else []) if isinstance(v, dict)}
    api = "application-autoscaling RegisterScalableTarget"
    if None in by_name:
        return
    if variant not in by_name:
        ctx.finding("ResourceId", props.get("ResourceId"), "autoscaling-sagemaker-variant",
                    "the ResourceId names a production variant of the endpoint (%s)" % api,
                    "ResourceId scales variant %s, but endpoint config %s has variants %s" % (json.dumps(variant), cfg, ", ".join(sorted(str(n) for n in by_name))),
                    "use one of the production variant names", api=api)
        return
    v = by_name[variant]
    dim = props.get("ScalableDimension")
    serverless = "ServerlessConfig" in v
    if dim == "sagemaker:variant:DesiredInstanceCount" and serverless:
        ctx.finding("ScalableDimension", dim, "autoscaling-sagemaker-variant",
                    "a serverless variant scales sagemaker:variant:DesiredProvisionedConcurrency, an instance variant DesiredInstanceCount (%s)" % api,
                    "variant %s is serverless: it has no instance count to scale" % variant, "scale sagemaker:variant:DesiredProvisionedConcurrency", api=api)
    if dim == "sagemaker:variant:DesiredProvisionedConcurrency":
        sc = v.get("ServerlessConfig") if serverless else None
        if not serverless or (isinstance(sc, dict) and "ProvisionedConcurrency" not in sc):
            ctx.finding("ScalableDimension", dim, "autoscaling-sagemaker-variant",
                        "sagemaker:variant:DesiredProvisionedConcurrency scales a serverless variant with ProvisionedConcurrency (%s)" % api,
                        "variant %s %s" % (variant, "is not serverless" if not serverless else "has no ServerlessConfig.ProvisionedConcurrency"),
                        "set ServerlessConfig.ProvisionedConcurrency, or scale DesiredInstanceCount", api=api)
        if isinstance(sc, dict):
            mc = num(sc.get("MaxConcurrency"))
            hi = num(props.get("MaxCapacity"))
            if mc is not None and hi is not None and hi > mc:
                ctx.finding("MaxCapacity", props.get("MaxCapacity"), "autoscaling-sagemaker-variant",
                            "provisioned concurrency of a serverless variant is at most its MaxConcurrency (SageMaker ServerlessConfig)",
                            "MaxCapacity %s exceeds the variant's MaxConcurrency %s" % (hi, mc), "keep MaxCapacity at most %s" % mc, api=api)


def alarm_names(ctx):
    names = set()
    ids = set()
    for k, r in ctx.resources.items():
        if r.get("Type") == "AWS::CloudWatch::Alarm":
            ids.add(k)
            n = literal((r.get("Properties") or {}).get("AlarmName"))
            if n is not None:
                names.add(n)
    return names, ids


QUEUE_AGE_METRICS = {("AWS/SQS", "ApproximateAgeOfOldestMessage"), ("AWS/SQS", "ApproximateNumberOfMessagesVisible")}


def alarm_resource(ctx, value):
    """Logical id of the template's alarm a name value (Ref or literal AlarmName) designates."""
    t = ref_target(value)
    if t and (ctx.resources.get(t) or {}).get("Type") == "AWS::CloudWatch::Alarm":
        return t
    lit = literal(value)
    for k, r in ctx.resources.items():
        if r.get("Type") == "AWS::CloudWatch::Alarm" and lit is not None and literal((r.get("Properties") or {}).get("AlarmName")) == lit:
            return k
    return None


def alarm_metrics(props):
    out = []
    if "MetricName" in props:
        out.append((literal(props.get("Namespace")), literal(props.get("MetricName"))))
    for q in props.get("Metrics") or [] if isinstance(props.get("Metrics"), list) else []:
        m = ((q.get("MetricStat") or {}).get("Metric") or {}) if isinstance(q, dict) else {}
        if m:
            out.append((literal(m.get("Namespace")), literal(m.get("MetricName"))))
    return out


def check_rollback_alarm_signal(ctx, path, value, api):
    """A rollback alarm judges the new version; a queue's backlog or age measures capacity and predates the deploy."""
    a = alarm_resource(ctx, value)
    if a is None:
        return
    aprops = ctx.resources[a].get("Properties") or {}
    m_of_n = num(aprops.get("DatapointsToAlarm", aprops.get("EvaluationPeriods")))
    # One datapoint over a window of 2 minutes or more (Period = the window, 1 of 1, as ServiceLevelObjective's
    # rollbackWindow renders it) judges several minutes of requests together: not a single noisy minute.
    periods = [num(aprops.get("Period"))] + [
        num((q.get("MetricStat") or {}).get("Period", q.get("Period"))) if isinstance(q, dict) else None
        for q in (aprops.get("Metrics") if isinstance(aprops.get("Metrics"), list) else [])]
    known = [p for p in periods if p is not None]
    window = max(known) if known else None
    if m_of_n is not None and m_of_n < 2 and not (window is not None and window * m_of_n >= 120):
        ctx.finding(path, value, "rollback-alarm-single-period",
                    "a rollback alarm needs at least 2 breaching periods, or one noisy period rolls back a healthy version (%s)" % api,
                    "rollback alarm %s fires on %s breaching period" % (ctx.label(a), int(m_of_n)),
                    "set DatapointsToAlarm (M of N) to 2 or more, or judge one window of at least 2 minutes (Period >= 120 s)", level="warning", api=api)
    metrics = alarm_metrics(aprops)
    if metrics and all(m in QUEUE_AGE_METRICS for m in metrics):
        ctx.finding(path, value, "rollback-alarm-queue-signal",
                    "a rollback alarm measures the health of the new version (errors, latency), not the queue's backlog or age, which a backlog from before the deploy already trips (%s)" % api,
                    "rollback alarm %s watches only %s: a backlog that existed before the deploy rolls back a healthy version"
                    % (ctx.label(a), ", ".join(sorted(set(m[1] for m in metrics)))),
                    "page on the queue alarm, and roll back on error-rate or latency alarms", level="warning", api=api)


def check_alarm_name(ctx, path, value, api):
    if value is None:
        return
    check_rollback_alarm_signal(ctx, path, value, api)
    names, ids = alarm_names(ctx)
    t = ref_target(value)
    if t is not None:
        if t in ctx.resources and ctx.resources[t].get("Type") != "AWS::CloudWatch::Alarm":
            ctx.finding(path, value, "alarm-reference", "%s names CloudWatch alarms" % api,
                        "%s refers to %s, a %s, not a CloudWatch alarm" % (path, t, ctx.resources[t].get("Type")),
                        "reference an AWS::CloudWatch::Alarm", api=api)
        return
    lit = literal(value)
    if lit is not None and names and lit not in names:
        ctx.finding(path, value, "alarm-reference", "%s names existing CloudWatch alarms" % api,
                    "%s names alarm %s, which no AWS::CloudWatch::Alarm in this template defines" % (path, json.dumps(lit)),
                    "use the AlarmName of an alarm in the stack (or create that alarm elsewhere first)", level="warning", api=api)


def dim_namespace(dim):
    if not isinstance(dim, str) or ":" not in dim:
        return None
    ns = dim.split(":")[0]
    return {"elasticmapreduce": "elasticmapreduce"}.get(ns, ns)


RESOURCE_ID_PREFIX = {
    "sagemaker:variant:DesiredInstanceCount": "endpoint/", "sagemaker:variant:DesiredProvisionedConcurrency": "endpoint/",
    "sagemaker:inference-component:DesiredCopyCount": "inference-component/", "lambda:function:ProvisionedConcurrency": "function:",
    "ecs:service:DesiredCount": "service/", "dynamodb:table:ReadCapacityUnits": "table/", "dynamodb:table:WriteCapacityUnits": "table/",
    "rds:cluster:ReadReplicaCount": "cluster:", "neptune:cluster:ReadReplicaCount": "cluster:", "ec2:spot-fleet-request:TargetCapacity": "spot-fleet-request/",
    "appstream:fleet:DesiredCapacity": "fleet/", "cassandra:table:ReadCapacityUnits": "keyspace/", "cassandra:table:WriteCapacityUnits": "keyspace/",
    "elasticache:replication-group:NodeGroups": "replication-group/", "elasticache:replication-group:Replicas": "replication-group/",
    "elasticache:cache-cluster:Nodes": "cache-cluster/", "workspaces:workspacespool:DesiredUserSessions": "workspacespool/",
}


def literal_prefix(v):
    """The literal start of a string or Fn::Join (before its first token)."""
    if isinstance(v, str):
        return v
    if isinstance(v, dict) and "Fn::Join" in v and len(v) == 1:
        sep, parts = v["Fn::Join"]
        out = ""
        for i, p in enumerate(parts if isinstance(parts, list) else []):
            if i > 0:
                out += sep if isinstance(sep, str) else ""
            lp = literal(p)
            if lp is None:
                return out
            out += lp
        return out
    return ""


def check_dimension(ctx, props, prefix, api):
    ns = props.get("ServiceNamespace")
    dim = props.get("ScalableDimension")
    if isinstance(ns, str) and isinstance(dim, str) and dim_namespace(dim) is not None and dim_namespace(dim) != ns:
        ctx.finding(prefix + "ScalableDimension", dim, "autoscaling-dimension-namespace",
                    "a scalable dimension belongs to its service namespace (Application Auto Scaling API reference, ScalableDimension)",
                    "ScalableDimension %s belongs to namespace %s, but ServiceNamespace is %s: %s rejects the pair"
                    % (dim, dim_namespace(dim), ns, api),
                    "use a %s:... dimension with ServiceNamespace %s, or ServiceNamespace %s" % (ns, ns, dim_namespace(dim)), api=api)
    rid = props.get("ResourceId")
    want = RESOURCE_ID_PREFIX.get(dim) if isinstance(dim, str) else None
    pre = literal_prefix(rid)
    if want and pre and not (pre.startswith(want) or want.startswith(pre)):
        ctx.finding(prefix + "ResourceId", rid, "autoscaling-resource-id",
                    "the ResourceId of %s starts with %s (Application Auto Scaling API reference, ResourceId)" % (dim, want),
                    "ResourceId %s does not identify a %s resource (expected %s...)" % (short(rid, 80), dim, want),
                    "use a ResourceId of the form %s..." % want, api=api)


def capacity_bounds(ctx, obj, prefix, api):
    lo, hi = num(obj.get("MinCapacity")), num(obj.get("MaxCapacity"))
    if lo is not None and hi is not None and lo > hi:
        ctx.finding(prefix + "MinCapacity", obj.get("MinCapacity"), "autoscaling-min-max",
                    "MinCapacity <= MaxCapacity (%s)" % api, "%sMinCapacity (%s) is greater than MaxCapacity (%s)" % (prefix, lo, hi),
                    "make MinCapacity at most MaxCapacity", api=api)


SCHEDULE_RX = re.compile(r"^(at\(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\)|rate\(\d+ (minute|minutes|hour|hours|day|days)\)|cron\((\S+ ){5}\S+\))$")


def depends_on(ctx, lid, target, seen=None):
    """Whether resource lid waits for target (DependsOn or a Ref/GetAtt, transitively)."""
    seen = seen if seen is not None else set()
    if lid in seen:
        return False
    seen.add(lid)
    r = ctx.resources.get(lid) or {}
    deps = r.get("DependsOn")
    direct = set(deps if isinstance(deps, list) else [deps] if isinstance(deps, str) else []) | set(refs_in(r.get("Properties")))
    return target in direct or any(depends_on(ctx, d, target, seen) for d in direct if d in ctx.resources)


def rules_ic_target_order(ctx, lid, props):
    """A scalable target naming an inference component of the template by its literal name waits for it."""
    rid = literal(props.get("ResourceId"))
    if not isinstance(rid, str) or not rid.startswith("inference-component/"):
        return
    name = rid[len("inference-component/"):]
    for k, r in ctx.resources.items():
        if r.get("Type") == "AWS::SageMaker::InferenceComponent" and literal((r.get("Properties") or {}).get("InferenceComponentName")) == name:
            if not depends_on(ctx, lid, k):
                ctx.finding("ResourceId", rid, "autoscaling-target-order",
                            "a scalable target is registered after the resource it scales exists (RegisterScalableTarget validates the ResourceId)",
                            "ResourceId names inference component %s by its literal name, so nothing makes CloudFormation create %s first: RegisterScalableTarget can run before the component exists and fail"
                            % (name, k), "add DependsOn: %s to the scalable target" % k, api="application-autoscaling RegisterScalableTarget")


def rules_scalable_target(ctx, lid, props):
    rules_ic_target_order(ctx, lid, props)
    check_dimension(ctx, props, "", "application-autoscaling RegisterScalableTarget")
    rules_sagemaker_target(ctx, props)
    capacity_bounds(ctx, props, "", "application-autoscaling RegisterScalableTarget")
    for i, a in enumerate(props.get("ScheduledActions") or []):
        if not isinstance(a, dict):
            continue
        p = "ScheduledActions[%d]." % i
        s = a.get("Schedule")
        if isinstance(s, str) and not SCHEDULE_RX.match(s):
            ctx.finding(p + "Schedule", s, "autoscaling-schedule",
                        "Schedule is at(yyyy-mm-ddThh:mm:ss), rate(value unit) or cron(6 fields) (PutScheduledAction)",
                        "%sSchedule %s is not an at(), rate() or six-field cron() expression" % (p, json.dumps(s)),
                        "use e.g. cron(30 16 2 3 ? *) or rate(5 minutes)", api="application-autoscaling PutScheduledAction")
        if isinstance(a.get("ScalableTargetAction"), dict):
            capacity_bounds(ctx, a["ScalableTargetAction"], p + "ScalableTargetAction.", "application-autoscaling PutScheduledAction")


PREDEFINED_PREFIX = [
    ("SageMakerVariant", "sagemaker:variant:"), ("SageMakerInferenceComponent", "sagemaker:inference-component:"),
    ("ECSService", "ecs:service:"), ("LambdaProvisionedConcurrency", "lambda:function:"), ("DynamoDB", "dynamodb:"),
    ("RDSReader", "rds:cluster:"), ("EC2SpotFleetRequest", "ec2:spot-fleet-request:"), ("AppStream", "appstream:fleet:"),
    ("Comprehend", "comprehend:"), ("Cassandra", "cassandra:table:"), ("KafkaBrokerStorage", "kafka:"),
    ("ElastiCache", "elasticache:"), ("NeptuneReader", "neptune:cluster:"), ("WorkSpaces", "workspaces:"),
]
PREDEFINED_DIMENSION = {
    "SageMakerVariantProvisionedConcurrencyUtilization": "sagemaker:variant:DesiredProvisionedConcurrency",
    "SageMakerVariantInvocationsPerInstance": "sagemaker:variant:DesiredInstanceCount",
    "SageMakerVariantConcurrentRequestsPerModelHighResolution": "sagemaker:variant:DesiredInstanceCount",
}


STAT_RX = re.compile(r"^(SampleCount|Average|Sum|Minimum|Maximum|IQM)$|^(p|tm|wm|tc|ts)(100|\d{1,2}(\.\d+)?)$|^(TM|WM|TC|TS|PR)\(.+\)$", re.I)


def check_stat(ctx, path, stat, api):
    if isinstance(stat, str) and not STAT_RX.match(stat):
        ctx.finding(path, stat, "metric-statistic",
                    "a statistic is SampleCount, Average, Sum, Minimum, Maximum, IQM, pNN(.N), tmNN, wmNN, tcNN, tsNN or TM/WM/TC/TS/PR(a:b) (CloudWatch statistics definitions)",
                    "%s %s is not a CloudWatch statistic" % (path, json.dumps(stat)), "use e.g. Average, Sum or p95", api=api)


def expression_ids(expr):
    """Identifiers an expression references: lowercase-initial words outside quoted strings (functions are upper case)."""
    text = re.sub(r"'[^']*'|\"[^\"]*\"", " ", expr)
    return set(re.findall(r"(?<![A-Za-z0-9_.])([a-z][A-Za-z0-9_]*)(?![A-Za-z0-9_]*\s*\()", text))


def check_metric_queries(ctx, metrics, path, api, form):
    """Metric-math rules shared by alarms, customized scaling metrics and SLOs (ReturnData, Id, one source, references)."""
    if not isinstance(metrics, list):
        return
    returned = []
    ids = set(q.get("Id") for q in metrics if isinstance(q, dict) and isinstance(q.get("Id"), str))
    seen_ids = set()
    for i, q in enumerate(metrics):
        if not isinstance(q, dict):
            continue
        qp = "%s[%d]" % (path, i)
        has_expr, has_stat = "Expression" in q, "MetricStat" in q
        if has_expr == has_stat:
            ctx.finding(qp, q, "metric-query-source", "each metric query has exactly one of Expression and MetricStat (%s)" % api,
                        "%s has %s" % (qp, "both Expression and MetricStat" if has_expr else "neither Expression nor MetricStat"),
                        "give either Expression or MetricStat", api=api)
        qid = q.get("Id")
        if isinstance(qid, str) and not re.match(r"^[a-z][A-Za-z0-9_]*$", qid):
            ctx.finding(qp + ".Id", qid, "metric-query-id", "a metric query Id starts with a lowercase letter and holds letters, digits and _ (%s)" % api,
                        "%s.Id %s is not a valid metric query id" % (qp, json.dumps(qid)), "start the Id with a lowercase letter, e.g. m1", api=api)
        if isinstance(qid, str):
            if qid in seen_ids:
                ctx.finding(qp + ".Id", qid, "metric-query-id", "metric query ids are unique within the request (%s)" % api,
                            "%s.Id %s is used twice" % (qp, json.dumps(qid)), "give every query its own Id", api=api)
            seen_ids.add(qid)
        expr = q.get("Expression")
        if isinstance(expr, str) and "SEARCH(" not in expr.upper():
            unknown = sorted(x for x in expression_ids(expr) - ids)
            if unknown:
                ctx.finding(qp + ".Expression", expr, "metric-math-reference",
                            "an expression references the Ids of other queries of the same request (%s)" % api,
                            "%s.Expression references %s, which no query of %s defines" % (qp, ", ".join(unknown), path),
                            "add a query with Id %s or fix the expression" % unknown[0], api=api)
            if isinstance(qid, str) and qid in expression_ids(expr):
                ctx.finding(qp + ".Expression", expr, "metric-math-reference", "an expression cannot reference itself (%s)" % api,
                            "%s.Expression references its own Id %s" % (qp, qid), "reference other queries", api=api)
        ms = q.get("MetricStat")
        if isinstance(ms, dict):
            check_stat(ctx, qp + ".MetricStat.Stat", ms.get("Stat"), api)
        rd = q.get("ReturnData", True)
        if rd is True or rd == "true":
            returned.append(i)
    if form in ("alarm", "sli") and len(returned) != 1:
        ctx.finding(path, "%d queries return data" % len(returned), "metric-math-return-data",
                    "exactly one metric query has ReturnData true (an omitted ReturnData means true) (%s)" % api,
                    "%s: %d queries return data (%s); the %s needs exactly one" % (path, len(returned), ", ".join("[%d]" % i for i in returned) or "none",
                                                                            "alarm" if form == "alarm" else "SLI"),
                    "set ReturnData: false on every query but the %s" % ("alarm's expression" if form == "alarm" else "SLI's"), api=api)


def rules_scaling_policy(ctx, lid, req):
    api = "application-autoscaling PutScalingPolicy"
    check_dimension(ctx, req, "", api)
    ptype = req.get("PolicyType")
    tt = req.get("TargetTrackingScalingPolicyConfiguration")
    st = req.get("StepScalingPolicyConfiguration")
    want = {"TargetTrackingScaling": "TargetTrackingScalingPolicyConfiguration", "StepScaling": "StepScalingPolicyConfiguration",
            "PredictiveScaling": "PredictiveScalingPolicyConfiguration"}.get(ptype) if isinstance(ptype, str) else None
    if want and want not in req:
        ctx.finding(want, MISSING, "autoscaling-policy-type", "a %s policy needs %s (%s)" % (ptype, want, api),
                    "PolicyType %s without %s" % (ptype, want), "set %s" % want, api=api)
    for other in ("TargetTrackingScalingPolicyConfiguration", "StepScalingPolicyConfiguration", "PredictiveScalingPolicyConfiguration"):
        if want and other != want and other in req:
            ctx.finding(other, req[other], "autoscaling-policy-type", "only the configuration of the PolicyType is allowed (%s)" % api,
                        "%s is set on a %s policy" % (other, ptype), "remove %s or change PolicyType" % other, api=api)
    if isinstance(tt, dict):
        pre, cus = tt.get("PredefinedMetricSpecification"), tt.get("CustomizedMetricSpecification")
        if (pre is None) == (cus is None):
            ctx.finding("TargetTrackingScalingPolicyConfiguration", tt, "autoscaling-metric-source",
                        "a target tracking policy has exactly one of PredefinedMetricSpecification and CustomizedMetricSpecification (%s)" % api,
                        "TargetTrackingScalingPolicyConfiguration has %s" % ("both" if pre is not None else "neither"),
                        "give exactly one metric specification", api=api)
        if isinstance(pre, dict):
            mt = pre.get("PredefinedMetricType")
            dim = req.get("ScalableDimension")
            if isinstance(mt, str) and isinstance(dim, str):
                wrong = None
                exact = PREDEFINED_DIMENSION.get(mt)
                if exact and exact != dim:
                    wrong = exact
                else:
                    for p, d in PREDEFINED_PREFIX:
                        if mt.startswith(p) and not dim.startswith(d):
                            wrong = d + "..."
                if wrong:
                    ctx.finding("TargetTrackingScalingPolicyConfiguration.PredefinedMetricSpecification.PredefinedMetricType", mt,
                                "autoscaling-metric-dimension", "a predefined metric applies to its own scalable dimension (%s)" % api,
                                "PredefinedMetricType %s measures %s, but the policy scales %s" % (mt, wrong, dim),
                                "pick a predefined metric of %s, or a customized metric" % dim, api=api)
            if mt == "ALBRequestCountPerTarget" and "ResourceLabel" not in pre:
                ctx.finding("TargetTrackingScalingPolicyConfiguration.PredefinedMetricSpecification", pre, "autoscaling-resource-label",
                            "ALBRequestCountPerTarget needs ResourceLabel (%s)" % api, "ResourceLabel is missing", "set ResourceLabel", api=api)
        if isinstance(cus, dict):
            if "Metrics" in cus and any(k in cus for k in ("MetricName", "Namespace", "Dimensions", "Statistic")):
                ctx.finding("TargetTrackingScalingPolicyConfiguration.CustomizedMetricSpecification", cus, "metric-math-exclusive",
                            "a customized metric is either MetricName/Namespace/Statistic or Metrics, not both (%s)" % api,
                            "CustomizedMetricSpecification sets both Metrics and MetricName/Namespace/Dimensions/Statistic",
                            "keep only Metrics (metric math) or only the single metric", api=api)
            check_metric_queries(ctx, cus.get("Metrics"), "TargetTrackingScalingPolicyConfiguration.CustomizedMetricSpecification.Metrics", api, "alarm")
    if isinstance(st, dict) and "MinAdjustmentMagnitude" in st and st.get("AdjustmentType") != "PercentChangeInCapacity":
        ctx.finding("StepScalingPolicyConfiguration.MinAdjustmentMagnitude", st["MinAdjustmentMagnitude"], "autoscaling-min-adjustment",
                    "MinAdjustmentMagnitude applies to AdjustmentType PercentChangeInCapacity only (%s, StepScalingPolicyConfiguration)" % api,
                    "MinAdjustmentMagnitude is set with AdjustmentType %s" % st.get("AdjustmentType"), "remove MinAdjustmentMagnitude", api=api)
    if isinstance(tt, dict) and isinstance(tt.get("CustomizedMetricSpecification"), dict):
        check_stat(ctx, "TargetTrackingScalingPolicyConfiguration.CustomizedMetricSpecification.Statistic",
                   tt["CustomizedMetricSpecification"].get("Statistic"), api)
    if isinstance(st, dict) and isinstance(st.get("StepAdjustments"), list):
        steps = [s for s in st["StepAdjustments"] if isinstance(s, dict)]
        for i, s in enumerate(steps):
            lo, hi = num(s.get("MetricIntervalLowerBound")), num(s.get("MetricIntervalUpperBound"))
            if lo is not None and hi is not None and lo >= hi:
                ctx.finding("StepScalingPolicyConfiguration.StepAdjustments[%d]" % i, s, "autoscaling-step-interval",
                            "a step's lower bound is below its upper bound (%s, StepAdjustment)" % api,
                            "step %d: lower bound %s is not below upper bound %s" % (i, lo, hi), "fix the interval", api=api)
        check_steps(ctx, steps, st["StepAdjustments"], api)


def check_steps(ctx, steps, raw, api):
    """Application Auto Scaling StepAdjustment rules: no overlap, no gap, at most one open end each side,
    a negative lower bound needs a step with a null lower bound, a positive upper bound one with a null upper bound."""
    path = "StepScalingPolicyConfiguration.StepAdjustments"
    rule = "step intervals neither overlap nor leave a gap; at most one step is open below and one above (%s, StepAdjustment)" % api
    if any(is_token(s.get("MetricIntervalLowerBound")) or is_token(s.get("MetricIntervalUpperBound")) for s in steps):
        ctx.skip(path, "step bounds given as tokens; overlap and gap rules not checked")
        return
    open_lo = [s for s in steps if "MetricIntervalLowerBound" not in s]
    open_hi = [s for s in steps if "MetricIntervalUpperBound" not in s]
    problems = []
    if len(open_lo) > 1:
        problems.append("%d steps have no lower bound" % len(open_lo))
    if len(open_hi) > 1:
        problems.append("%d steps have no upper bound" % len(open_hi))
    if not open_lo and any((num(s.get("MetricIntervalLowerBound")) or 0) < 0 for s in steps):
        problems.append("a step has a negative lower bound but no step has a null lower bound")
    if not open_hi and any((num(s.get("MetricIntervalUpperBound")) or 0) > 0 for s in steps):
        problems.append("a step has a positive upper bound but no step has a null upper bound")
    inf = float("inf")
    ivs = sorted((num(s.get("MetricIntervalLowerBound")) if "MetricIntervalLowerBound" in s else -inf,
                  num(s.get("MetricIntervalUpperBound")) if "MetricIntervalUpperBound" in s else inf) for s in steps)
    for (lo1, hi1), (lo2, hi2) in zip(ivs, ivs[1:]):
        if hi1 is None or lo2 is None:
            continue
        if hi1 > lo2:
            problems.append("[%s, %s) overlaps [%s, %s)" % (lo1, hi1, lo2, hi2))
        elif hi1 < lo2:
            problems.append("gap between %s and %s" % (hi1, lo2))
    if problems:
        ctx.finding(path, raw, "autoscaling-step-intervals", rule, "; ".join(problems),
                    "make the step intervals contiguous (each upper bound is the next lower bound) with open ends only at the extremes", api=api)


def rules_alarm(ctx, lid, props):
    api = "cloudwatch PutMetricAlarm"
    has_name, has_metrics = "MetricName" in props, "Metrics" in props
    if has_name and has_metrics:
        ctx.finding("Metrics", props.get("Metrics"), "alarm-metric-exclusive",
                    "an alarm has MetricName (single metric) or Metrics (metric math), not both (PutMetricAlarm)",
                    "both MetricName (%s) and Metrics are set: PutMetricAlarm rejects the alarm" % json.dumps(props.get("MetricName")),
                    "remove MetricName/Namespace/Statistic/Period/Dimensions, or remove Metrics", api=api)
    elif not has_name and not has_metrics and "ThresholdMetricId" not in props:
        ctx.finding("MetricName", MISSING, "alarm-metric-exclusive", "an alarm has MetricName or Metrics (PutMetricAlarm)",
                    "neither MetricName nor Metrics is set", "set MetricName (with Namespace, Statistic, Period) or Metrics", api=api)
    if has_metrics and not has_name:
        for k in ("Namespace", "Statistic", "ExtendedStatistic", "Dimensions", "Period", "Unit"):
            if k in props:
                ctx.finding(k, props[k], "alarm-metric-exclusive",
                            "a metric-math alarm sets the metric inside Metrics, not %s (PutMetricAlarm)" % k,
                            "%s is set on an alarm that uses Metrics" % k, "move %s into Metrics[].MetricStat or remove it" % k, api=api)
        check_metric_queries(ctx, props.get("Metrics"), "Metrics", api, "alarm")
    if has_name and not has_metrics:
        if ("Statistic" in props) == ("ExtendedStatistic" in props):
            ctx.finding("Statistic", props.get("Statistic", MISSING), "alarm-statistic",
                        "a single-metric alarm has exactly one of Statistic and ExtendedStatistic (PutMetricAlarm)",
                        "%s" % ("both Statistic and ExtendedStatistic are set" if "Statistic" in props else "neither Statistic nor ExtendedStatistic is set"),
                        "set Statistic (e.g. Average) or ExtendedStatistic (e.g. p95)", api=api)
        if "Period" not in props:
            ctx.finding("Period", MISSING, "alarm-period", "a static-threshold single-metric alarm needs Period (PutMetricAlarm)",
                        "Period is missing", "set Period (10, 20, 30 or a multiple of 60)", api=api)
        if "Namespace" not in props:
            ctx.finding("Namespace", MISSING, "alarm-namespace", "a single-metric alarm needs Namespace (PutMetricAlarm)",
                        "Namespace is missing", "set Namespace", api=api)
    periods = [("Period", props.get("Period"))]
    for i, q in enumerate(props.get("Metrics") or [] if isinstance(props.get("Metrics"), list) else []):
        if isinstance(q, dict) and isinstance(q.get("MetricStat"), dict):
            periods.append(("Metrics[%d].MetricStat.Period" % i, q["MetricStat"].get("Period")))
        if isinstance(q, dict) and "Period" in q:
            periods.append(("Metrics[%d].Period" % i, q.get("Period")))
    for p, v in periods:
        n = num(v)
        if n is not None and not (n in (10, 20, 30) or (n >= 60 and n % 60 == 0)):
            ctx.finding(p, v, "alarm-period", "Period is 10, 20, 30 or a multiple of 60 (PutMetricAlarm)",
                        "%s %s is not 10, 20, 30 or a multiple of 60" % (p, v), "use 10, 20, 30 or a multiple of 60 seconds", api=api)
    check_stat(ctx, "ExtendedStatistic", props.get("ExtendedStatistic"), api)
    if "EvaluateLowSampleCountPercentile" in props and "ExtendedStatistic" not in props:
        ctx.finding("EvaluateLowSampleCountPercentile", props["EvaluateLowSampleCountPercentile"], "alarm-low-sample",
                    "EvaluateLowSampleCountPercentile applies to percentile (ExtendedStatistic) alarms only (PutMetricAlarm)",
                    "EvaluateLowSampleCountPercentile is set on an alarm without ExtendedStatistic", "remove it, or use a percentile statistic", api=api)
    dp, ev = num(props.get("DatapointsToAlarm")), num(props.get("EvaluationPeriods"))
    if dp is not None and ev is not None and dp > ev:
        ctx.finding("DatapointsToAlarm", props.get("DatapointsToAlarm"), "alarm-m-of-n",
                    "DatapointsToAlarm (M) is at most EvaluationPeriods (N) (PutMetricAlarm)",
                    "DatapointsToAlarm %s is greater than EvaluationPeriods %s" % (dp, ev), "make DatapointsToAlarm <= EvaluationPeriods", api=api)
    if "EvaluationPeriods" not in props and "EvaluationCriteria" not in props:
        ctx.finding("EvaluationPeriods", MISSING, "alarm-evaluation-periods", "a metric alarm needs EvaluationPeriods (PutMetricAlarm)",
                    "EvaluationPeriods is missing", "set EvaluationPeriods", api=api)


def function_of(ctx, v):
    """Logical id of the AWS::Lambda::Function a FunctionName value refers to, else None."""
    t = ref_target(v)
    if t and (ctx.resources.get(t) or {}).get("Type") == "AWS::Lambda::Function":
        return t
    lit = literal(v)
    if lit is not None:
        for k, r in ctx.resources.items():
            if r.get("Type") == "AWS::Lambda::Function" and literal((r.get("Properties") or {}).get("FunctionName")) == lit:
                return k
    return None


def rules_alias(ctx, lid, props):
    pc = props.get("ProvisionedConcurrencyConfig")
    fv = props.get("FunctionVersion")
    if isinstance(pc, dict) and fv == "$LATEST":
        ctx.finding("FunctionVersion", fv, "lambda-provisioned-latest",
                    "provisioned concurrency needs a published version or an alias of one, not $LATEST (PutProvisionedConcurrencyConfig)",
                    "an alias with ProvisionedConcurrencyConfig points at $LATEST", "point the alias at a published version", api="lambda PutProvisionedConcurrencyConfig")


def rules_alias_autoscaled(ctx):
    """An alias whose provisioned concurrency is both set by CloudFormation and scaled by Application Auto Scaling."""
    for k, r in ctx.resources.items():
        if r.get("Type") != "AWS::ApplicationAutoScaling::ScalableTarget":
            continue
        p = r.get("Properties") or {}
        if p.get("ScalableDimension") != "lambda:function:ProvisionedConcurrency":
            continue
        for ref in refs_in(p.get("ResourceId")):
            res = ctx.resources.get(ref) or {}
            if res.get("Type") in ("AWS::Lambda::Alias", "AWS::Lambda::Version") and isinstance((res.get("Properties") or {}).get("ProvisionedConcurrencyConfig"), dict):
                ctx.cur = (ref, res.get("Type"))
                ctx.finding("ProvisionedConcurrencyConfig", res["Properties"]["ProvisionedConcurrencyConfig"], "lambda-provisioned-autoscaled",
                            "provisioned concurrency is managed either by the alias (CloudFormation) or by Application Auto Scaling, not both (Lambda: Configuring provisioned concurrency)",
                            "%s sets ProvisionedConcurrencyConfig and scalable target %s scales it too: every stack update resets what autoscaling set" % (ref, k),
                            "remove ProvisionedConcurrencyConfig and let the scalable target's MinCapacity keep the floor", level="warning",
                            api="lambda PutProvisionedConcurrencyConfig")


def rules_lambda_cross(ctx):
    """Provisioned concurrency on a function's versions/aliases (and its autoscaling bounds) fits in its reserved concurrency."""
    reserved = {}
    for k, r in ctx.resources.items():
        if r.get("Type") == "AWS::Lambda::Function":
            n = num((r.get("Properties") or {}).get("ReservedConcurrentExecutions"))
            if n is not None:
                reserved[k] = n
    if not reserved:
        return
    per_fn = {}
    alias_fn = {}
    for k, r in ctx.resources.items():
        if r.get("Type") in ("AWS::Lambda::Alias", "AWS::Lambda::Version"):
            p = r.get("Properties") or {}
            fn = function_of(ctx, p.get("FunctionName"))
            if fn is None:
                continue
            if r.get("Type") == "AWS::Lambda::Alias":
                alias_fn[k] = fn
            pcv = num((p.get("ProvisionedConcurrencyConfig") or {}).get("ProvisionedConcurrentExecutions")) if isinstance(p.get("ProvisionedConcurrencyConfig"), dict) else None
            if pcv is not None:
                per_fn.setdefault(fn, []).append((k, r.get("Type"), pcv))
    api = "lambda PutProvisionedConcurrencyConfig"
    for fn, items in per_fn.items():
        if fn not in reserved:
            continue
        total = sum(x[2] for x in items)
        if total > reserved[fn]:
            for k, t, v in items:
                ctx.cur = (k, t)
                ctx.finding("ProvisionedConcurrencyConfig.ProvisionedConcurrentExecutions", v, "lambda-provisioned-over-reserved",
                            "provisioned concurrency of a function's versions and aliases fits in its reserved concurrency (Lambda: PutProvisionedConcurrencyConfig)",
                            "provisioned concurrency %s%s exceeds the reserved concurrency %s of function %s: PutProvisionedConcurrencyConfig fails"
                            % (v, " (%s in total over %d versions/aliases)" % (total, len(items)) if len(items) > 1 else "", reserved[fn], fn),
                            "lower the provisioned concurrency to at most %s, or raise ReservedConcurrentExecutions of %s" % (reserved[fn], fn), api=api)
    # Application Auto Scaling of provisioned concurrency: the bounds it will set.
    for k, r in ctx.resources.items():
        if r.get("Type") != "AWS::ApplicationAutoScaling::ScalableTarget":
            continue
        p = r.get("Properties") or {}
        if p.get("ScalableDimension") != "lambda:function:ProvisionedConcurrency":
            continue
        fn = None
        for ref in refs_in(p.get("ResourceId")):
            fn = fn or alias_fn.get(ref) or (ref if ref in reserved else None)
        if fn is None or fn not in reserved:
            continue
        ctx.cur = (k, r.get("Type"))
        checks = [("MinCapacity", p.get("MinCapacity"), "error"), ("MaxCapacity", p.get("MaxCapacity"), "warning")]
        for i, a in enumerate(p.get("ScheduledActions") or []):
            if isinstance(a, dict) and isinstance(a.get("ScalableTargetAction"), dict):
                checks.append(("ScheduledActions[%d].ScalableTargetAction.MinCapacity" % i, a["ScalableTargetAction"].get("MinCapacity"), "error"))
                checks.append(("ScheduledActions[%d].ScalableTargetAction.MaxCapacity" % i, a["ScalableTargetAction"].get("MaxCapacity"), "warning"))
        for path, v, level in checks:
            n = num(v)
            if n is not None and n > reserved[fn]:
                ctx.finding(path, v, "lambda-provisioned-over-reserved",
                            "provisioned concurrency fits in the function's reserved concurrency (Lambda: PutProvisionedConcurrencyConfig)",
                            "%s %s exceeds the reserved concurrency %s of function %s: Application Auto Scaling's PutProvisionedConcurrencyConfig calls fail%s"
                            % (path, n, reserved[fn], fn, "" if level == "error" else " when it scales that far"),
                            "keep %s at most %s, or raise ReservedConcurrentExecutions of %s" % (path, reserved[fn], fn), level=level,
                            api="application-autoscaling RegisterScalableTarget")


def refs_in(v):
    out = []
    if isinstance(v, dict):
        t = ref_target(v)
        if t:
            out.append(t)
        for x in v.values():
            out.extend(refs_in(x))
    elif isinstance(v, list):
        for x in v:
            out.extend(refs_in(x))
    return out


def rules_codedeploy_group(ctx, lid, props):
    api = "codedeploy CreateDeploymentGroup"
    ac = props.get("AlarmConfiguration")
    if isinstance(ac, dict) and ac.get("Enabled") in (True, "true") and not ac.get("Alarms"):
        ctx.finding("AlarmConfiguration.Alarms", ac.get("Alarms", MISSING), "codedeploy-alarms-empty",
                    "an enabled alarm configuration names at least one alarm (CreateDeploymentGroup)",
                    "AlarmConfiguration is enabled with no alarms: CreateDeploymentGroup rejects it", "add alarms or disable the configuration", api=api)
    if isinstance(ac, dict) and isinstance(ac.get("Alarms"), list):
        for i, a in enumerate(ac["Alarms"]):
            if isinstance(a, dict):
                check_alarm_name(ctx, "AlarmConfiguration.Alarms[%d].Name" % i, a.get("Name"), api)
        if len(ac["Alarms"]) > 10:
            ctx.finding("AlarmConfiguration.Alarms", ac["Alarms"], "codedeploy-alarm-count", "at most 10 alarms per deployment group (CodeDeploy AlarmConfiguration)",
                        "%d alarms configured" % len(ac["Alarms"]), "keep at most 10 alarms (combine them in a composite alarm)", api=api)
    if isinstance(ac, dict) and ac.get("Enabled") in (True, "true") and ac.get("Alarms"):
        role = ref_target(props.get("ServiceRoleArn"))
        if role and (ctx.resources.get(role) or {}).get("Type") == "AWS::IAM::Role":
            statements, managed = role_statements(ctx, role)
            if managed and not allows(statements, "cloudwatch:DescribeAlarms"):
                ctx.skip("AlarmConfiguration", "service role %s has managed policies (e.g. AWSCodeDeployRoleForLambda, which allows cloudwatch:DescribeAlarms) this check cannot read" % role)
            elif not allows(statements, "cloudwatch:DescribeAlarms"):
                ctx.finding("AlarmConfiguration.Alarms", "service role %s" % role, "codedeploy-alarm-permission",
                            "the deployment group's service role may call cloudwatch:DescribeAlarms (CodeDeploy: service role permissions for alarm monitoring)",
                            "no policy of service role %s allows cloudwatch:DescribeAlarms: CodeDeploy cannot read the alarms and stops the deployment" % ctx.label(role),
                            "attach AWSCodeDeployRoleForLambda (or ...ForECS) or grant cloudwatch:DescribeAlarms to %s" % ctx.label(role), api=api)
        else:
            ctx.skip("ServiceRoleArn", "service role outside this template; its cloudwatch:DescribeAlarms permission is not checked")
    app = ref_target(props.get("ApplicationName"))
    platform = literal(((ctx.resources.get(app) or {}).get("Properties") or {}).get("ComputePlatform")) if app else None
    cfg = literal(props.get("DeploymentConfigName"))
    if platform and cfg and cfg.startswith("CodeDeployDefault."):
        kind = "Lambda" if cfg.startswith("CodeDeployDefault.Lambda") else ("ECS" if cfg.startswith("CodeDeployDefault.ECS") else "Server")
        if kind != platform:
            ctx.finding("DeploymentConfigName", cfg, "codedeploy-config-platform",
                        "a predefined deployment configuration matches the application's compute platform (CreateDeploymentGroup)",
                        "%s is a %s configuration, but application %s has ComputePlatform %s" % (cfg, kind, app, platform),
                        "use a CodeDeployDefault.%s* configuration" % platform, api=api)
    ds = props.get("DeploymentStyle")
    if platform in ("Lambda", "ECS") and isinstance(ds, dict):
        if ds.get("DeploymentType") not in (None, "BLUE_GREEN") or ds.get("DeploymentOption") not in (None, "WITH_TRAFFIC_CONTROL"):
            ctx.finding("DeploymentStyle", ds, "codedeploy-style-platform",
                        "%s deployments are BLUE_GREEN WITH_TRAFFIC_CONTROL (CodeDeploy DeploymentStyle)" % platform,
                        "DeploymentStyle %s on a %s application" % (short(ds), platform), "use BLUE_GREEN with WITH_TRAFFIC_CONTROL", api=api)


FARGATE = {256: [512, 1024, 2048], 512: list(range(1024, 4097, 1024)), 1024: list(range(2048, 8193, 1024)),
           2048: list(range(4096, 16385, 1024)), 4096: list(range(8192, 30721, 1024)), 8192: list(range(16384, 61441, 4096)),
           16384: list(range(32768, 122881, 8192))}


def rules_ecs_task(ctx, lid, props):
    api = "ecs RegisterTaskDefinition"
    comp = props.get("RequiresCompatibilities")
    fargate = isinstance(comp, list) and "FARGATE" in comp
    containers = props.get("ContainerDefinitions") if isinstance(props.get("ContainerDefinitions"), list) else []
    task_mem, task_cpu = num(props.get("Memory")), num(props.get("Cpu"))
    cpu_sum = 0
    if containers and not any(isinstance(c, dict) and c.get("Essential", True) in (True, "true") for c in containers):
        ctx.finding("ContainerDefinitions", "no essential container", "ecs-essential", "a task definition has at least one essential container (ECS)",
                    "every container sets Essential: false", "mark the main container Essential: true", api=api)
    for i, c in enumerate(containers):
        if not isinstance(c, dict):
            continue
        cp = "ContainerDefinitions[%d]" % i
        for rr in c.get("ResourceRequirements") or [] if isinstance(c.get("ResourceRequirements"), list) else []:
            if isinstance(rr, dict) and rr.get("Type") == "GPU" and fargate:
                ctx.finding(cp + ".ResourceRequirements", rr, "ecs-fargate-gpu", "Fargate tasks cannot reserve GPUs (ECS: Fargate task definition considerations)",
                            "%s reserves a GPU on a FARGATE task definition" % cp, "run GPU containers on EC2 capacity", api=api)
        cm = num(c.get("Memory")) if c.get("Memory") is not None else num(c.get("MemoryReservation"))
        if cm is not None and task_mem is not None and cm > task_mem:
            ctx.finding(cp + ".Memory", c.get("Memory", c.get("MemoryReservation")), "ecs-container-memory",
                        "a container's memory fits in the task's Memory (ECS RegisterTaskDefinition)",
                        "%s asks %s MiB, more than the task's %s MiB" % (cp, cm, task_mem), "lower the container memory or raise the task's", api=api)
        cpu_sum += num(c.get("Cpu")) or 0
        lc = c.get("LogConfiguration")
        if isinstance(lc, dict) and lc.get("LogDriver") == "awslogs":
            opts = lc.get("Options") if isinstance(lc.get("Options"), dict) else {}
            for req in ("awslogs-group", "awslogs-region"):
                if req not in opts:
                    ctx.finding(cp + ".LogConfiguration.Options." + req, MISSING, "ecs-awslogs",
                                "the awslogs driver needs awslogs-group and awslogs-region (ECS: Using the awslogs log driver)",
                                "%s uses awslogs without %s" % (cp, req), "set Options.%s" % req, api=api)
    if task_cpu is not None and cpu_sum > task_cpu:
        ctx.finding("ContainerDefinitions", "%s CPU units" % cpu_sum, "ecs-container-cpu", "the containers' Cpu sum fits in the task's Cpu (ECS RegisterTaskDefinition)",
                    "containers reserve %s CPU units, more than the task's %s" % (cpu_sum, task_cpu), "lower the container Cpu values", api=api)
    if isinstance(comp, list) and "FARGATE" in comp:
        cpu, mem = num(props.get("Cpu")), num(props.get("Memory"))
        if cpu is not None and mem is not None:
            if cpu not in FARGATE or mem not in FARGATE[cpu]:
                ctx.finding("Memory", props.get("Memory"), "ecs-fargate-size",
                            "a Fargate task's Cpu/Memory is a supported combination (ECS: Task size)",
                            "Cpu %s with Memory %s is not a Fargate task size" % (props.get("Cpu"), props.get("Memory")),
                            "use one of: %s" % ("Memory " + ", ".join(str(m) for m in FARGATE[cpu]) if cpu in FARGATE else "Cpu " + ", ".join(str(c) for c in FARGATE)),
                            api="ecs RegisterTaskDefinition")
        if props.get("NetworkMode") not in (None, "awsvpc") and not is_token(props.get("NetworkMode")):
            ctx.finding("NetworkMode", props.get("NetworkMode"), "ecs-fargate-network", "Fargate tasks use NetworkMode awsvpc (ECS)",
                        "NetworkMode %s on a Fargate task definition" % props.get("NetworkMode"), "use awsvpc", api="ecs RegisterTaskDefinition")


def rules_ecs_service(ctx, lid, props):
    dc = props.get("DeploymentConfiguration")
    if isinstance(dc, dict) and isinstance(dc.get("Alarms"), dict) and isinstance(dc["Alarms"].get("AlarmNames"), list):
        for i, n in enumerate(dc["Alarms"]["AlarmNames"]):
            check_alarm_name(ctx, "DeploymentConfiguration.Alarms.AlarmNames[%d]" % i, n, "ecs CreateService DeploymentConfiguration")
    if "LaunchType" in props and "CapacityProviderStrategy" in props:
        ctx.finding("CapacityProviderStrategy", props["CapacityProviderStrategy"], "ecs-launch-type-exclusive",
                    "a service has LaunchType or CapacityProviderStrategy, not both (CreateService)",
                    "both LaunchType and CapacityProviderStrategy are set", "remove one of them", api="ecs CreateService")


# ---------------------------------------------------------------------------------------------
# Issue 19 resources: inference components, managed instance scaling, ECS Managed Instances, SnapStart, streaming URLs

def endpoint_config_of(ctx, endpoint_value):
    """(config logical id, config properties) behind an EndpointName given as Fn::GetAtt/Ref of an endpoint in this template."""
    e = ref_target(endpoint_value)
    if not e or (ctx.resources.get(e) or {}).get("Type") != "AWS::SageMaker::Endpoint":
        return None, {}
    cfg = ref_target((ctx.resources[e].get("Properties") or {}).get("EndpointConfigName"))
    if not cfg or (ctx.resources.get(cfg) or {}).get("Type") != "AWS::SageMaker::EndpointConfig":
        return None, {}
    return cfg, ctx.resources[cfg].get("Properties") or {}


def check_batch_size(ctx, path, size, copies, api):
    if not isinstance(size, dict):
        return
    t, v = size.get("Type"), num(size.get("Value"))
    if v is None or not isinstance(t, str):
        return
    if t == "CAPACITY_PERCENT" and not 5 <= v <= 50:
        ctx.finding(path + ".Value", size.get("Value"), "sagemaker-ic-batch-size",
                    "a rolling step is 5% to 50% of the inference component's copy count (SageMaker API reference, InferenceComponentRollingUpdatePolicy)",
                    "%s of Type CAPACITY_PERCENT is %s%%: UpdateInferenceComponent accepts 5 to 50" % (path, size.get("Value")),
                    "use a Value between 5 and 50, or Type COPY_COUNT", api=api)
    elif t == "COPY_COUNT" and copies is not None and copies >= 2 and v > max(1, copies // 2):
        ctx.finding(path + ".Value", size.get("Value"), "sagemaker-ic-batch-size",
                    "a rolling step is 5% to 50% of the inference component's copy count (SageMaker API reference, InferenceComponentRollingUpdatePolicy)",
                    "%s is %s copies, more than half of the component's %s copies: the update is rejected or replaces most copies at once"
                    % (path, size.get("Value"), copies),
                    "use at most %d copies (50%% of %s)" % (max(1, copies // 2), copies), level="warning", api=api)


def rules_inference_component(ctx, lid, props):
    api = "sagemaker UpdateInferenceComponent DeploymentConfig"
    dc = props.get("DeploymentConfig")
    copies = num((props.get("RuntimeConfig") or {}).get("CopyCount")) if isinstance(props.get("RuntimeConfig"), dict) else None
    cfg, cprops = endpoint_config_of(ctx, props.get("EndpointName"))
    variants = cprops.get("ProductionVariants") if isinstance(cprops.get("ProductionVariants"), list) else []
    vname = literal(props.get("VariantName"))
    for i, v in enumerate(variants):
        if not isinstance(v, dict) or (vname is not None and literal(v.get("VariantName")) not in (None, vname)):
            continue
        if "ServerlessConfig" in v:
            ctx.finding("EndpointName", props.get("EndpointName"), "sagemaker-ic-variant",
                        "inference components run on instance-based real-time variants (SageMaker guide: inference components)",
                        "the component's endpoint config %s has a serverless variant %s" % (cfg, literal(v.get("VariantName"))),
                        "host inference components on a variant with InstanceType", api="sagemaker CreateInferenceComponent")
        if v.get("ModelName") is not None:
            ctx.finding("EndpointName", props.get("EndpointName"), "sagemaker-ic-variant",
                        "an endpoint that hosts inference components has variants without ModelName (the components name the models)",
                        "variant %s of endpoint config %s names a model (ModelName), so the endpoint does not accept inference components"
                        % (literal(v.get("VariantName")), cfg), "remove ModelName from the variant and set ExecutionRoleArn on the endpoint config",
                        api="sagemaker CreateInferenceComponent")
    if cfg and "ExecutionRoleArn" not in cprops and variants:
        ctx.finding("EndpointName", props.get("EndpointName"), "sagemaker-ic-variant",
                    "an endpoint config for inference components sets ExecutionRoleArn (SageMaker CreateEndpointConfig)",
                    "endpoint config %s has no ExecutionRoleArn: its variants cannot host inference components" % cfg,
                    "set ExecutionRoleArn on the endpoint config", api="sagemaker CreateEndpointConfig")
    if not isinstance(dc, dict):
        return
    ru = dc.get("RollingUpdatePolicy")
    if isinstance(ru, dict):
        check_batch_size(ctx, "DeploymentConfig.RollingUpdatePolicy.MaximumBatchSize", ru.get("MaximumBatchSize"), copies, api)
        check_batch_size(ctx, "DeploymentConfig.RollingUpdatePolicy.RollbackMaximumBatchSize", ru.get("RollbackMaximumBatchSize"), copies, api)
    alarms = (dc.get("AutoRollbackConfiguration") or {}).get("Alarms") if isinstance(dc.get("AutoRollbackConfiguration"), dict) else None
    if isinstance(alarms, list) and alarms:
        if cfg:
            check_rollback_permission(ctx, cprops, cfg, api=api)
        else:
            ctx.skip("DeploymentConfig.AutoRollbackConfiguration.Alarms", "endpoint outside this template; cloudwatch:DescribeAlarms of its execution role not checked")
        for i, a in enumerate(alarms):
            if isinstance(a, dict):
                check_alarm_name(ctx, "DeploymentConfig.AutoRollbackConfiguration.Alarms[%d].AlarmName" % i, a.get("AlarmName"),
                                 "sagemaker UpdateInferenceComponent AutoRollbackConfiguration")


def rules_managed_instance_scaling(ctx, lid, props):
    """ManagedInstanceScaling and RoutingConfig of endpoint-config variants."""
    api = "sagemaker CreateEndpointConfig ProductionVariants"
    variants = props.get("ProductionVariants")
    ics = [k for k, r in ctx.resources.items() if r.get("Type") == "AWS::SageMaker::InferenceComponent"
           and endpoint_config_of(ctx, (r.get("Properties") or {}).get("EndpointName"))[0] == lid]
    for i, v in enumerate(variants if isinstance(variants, list) else []):
        if not isinstance(v, dict):
            continue
        vp = "ProductionVariants[%d]" % i
        mis = v.get("ManagedInstanceScaling")
        if isinstance(mis, dict):
            lo, hi = num(mis.get("MinInstanceCount")), num(mis.get("MaxInstanceCount"))
            if lo is not None and hi is not None and lo > hi:
                ctx.finding(vp + ".ManagedInstanceScaling.MinInstanceCount", mis.get("MinInstanceCount"), "sagemaker-managed-scaling",
                            "MinInstanceCount does not exceed MaxInstanceCount (ProductionVariantManagedInstanceScaling)",
                            "MinInstanceCount %s is above MaxInstanceCount %s" % (lo, hi), "lower MinInstanceCount or raise MaxInstanceCount", api=api)
            init = num(v.get("InitialInstanceCount"))
            if init is not None and hi is not None and init > hi:
                ctx.finding(vp + ".InitialInstanceCount", v.get("InitialInstanceCount"), "sagemaker-managed-scaling",
                            "InitialInstanceCount lies within the managed instance scaling range (ProductionVariantManagedInstanceScaling)",
                            "InitialInstanceCount %s is above MaxInstanceCount %s: managed scaling removes the extra instances" % (init, hi),
                            "set InitialInstanceCount at most MaxInstanceCount", level="warning", api=api)
            if "ServerlessConfig" in v:
                ctx.finding(vp + ".ManagedInstanceScaling", mis, "sagemaker-managed-scaling",
                            "managed instance scaling applies to instance-based variants (ProductionVariantManagedInstanceScaling)",
                            "%s is serverless: it has no instances to scale" % vp, "remove ManagedInstanceScaling from the serverless variant", api=api)
            if lo == 0 and mis.get("Status") != "DISABLED":
                if not ics and not any(isinstance(x, dict) and x.get("ModelName") is None for x in (variants or [])):
                    ctx.finding(vp + ".ManagedInstanceScaling.MinInstanceCount", 0, "sagemaker-scale-to-zero",
                                "an endpoint scales to zero instances only if it hosts inference components (SageMaker guide: Scale an endpoint to zero instances)",
                                "%s allows 0 instances but its variant names a model and no inference component uses this endpoint config" % vp,
                                "keep MinInstanceCount at 1 or more, or host the model as an inference component", api=api)
        rc = v.get("RoutingConfig")
        if isinstance(rc, dict) and "ServerlessConfig" in v:
            ctx.finding(vp + ".RoutingConfig", rc, "sagemaker-routing-serverless",
                        "RoutingConfig routes requests among a variant's instances (ProductionVariantRoutingConfig)",
                        "%s is serverless: it has no instances to route among" % vp, "remove RoutingConfig from the serverless variant", api=api)


INSTANCE_PROFILE_ARN = re.compile(r"^arn:aws[a-z-]*:iam::[0-9]{12}:instance-profile/")
ROLE_ARN = re.compile(r"^arn:aws[a-z-]*:iam::[0-9]{12}:role/")


def rules_ecs_capacity_provider(ctx, lid, props):
    api = "ecs CreateCapacityProvider"
    asg, mip = props.get("AutoScalingGroupProvider"), props.get("ManagedInstancesProvider")
    if (asg is None) == (mip is None):
        ctx.finding("ManagedInstancesProvider" if mip is not None else "AutoScalingGroupProvider", mip if mip is not None else MISSING,
                    "ecs-capacity-provider-kind", "a capacity provider has exactly one of autoScalingGroupProvider and managedInstancesProvider (ECS CreateCapacityProvider)",
                    "the capacity provider has %s" % ("both" if asg is not None else "neither"),
                    "keep one of AutoScalingGroupProvider and ManagedInstancesProvider", api=api)
    if not isinstance(mip, dict):
        return
    mp = "ManagedInstancesProvider"
    infra = mip.get("InfrastructureRoleArn")
    t = ref_target(infra)
    ttype = (ctx.resources.get(t) or {}).get("Type") if t else None
    lit = literal(infra)
    if ttype == "AWS::IAM::InstanceProfile" or (lit is not None and INSTANCE_PROFILE_ARN.match(lit)):
        ctx.finding(mp + ".InfrastructureRoleArn", infra, "ecs-managed-instances-role",
                    "infrastructureRoleArn is an IAM role ARN that ECS assumes (ECS Managed Instances infrastructure role)",
                    "InfrastructureRoleArn is an instance profile, not a role", "give the ARN of the infrastructure role", api=api)
    elif ttype == "AWS::IAM::Role":
        services, has_token = trusted_services(ctx, t)
        if not has_token and not any(sv.startswith("ecs.") for sv in services):
            ctx.finding(mp + ".InfrastructureRoleArn", infra, "role-trust",
                        "the infrastructure role trusts ecs.amazonaws.com (ECS Managed Instances infrastructure role)",
                        "role %s does not trust ecs.amazonaws.com (it trusts %s): ECS cannot launch the managed instances"
                        % (ctx.label(t), ", ".join(sorted(set(services))) or "no service"),
                        "add ecs.amazonaws.com to the AssumeRolePolicyDocument of %s" % ctx.label(t), api="iam trust policy")
    tpl = mip.get("InstanceLaunchTemplate")
    if not isinstance(tpl, dict):
        return
    tp = mp + ".InstanceLaunchTemplate"
    prof = tpl.get("Ec2InstanceProfileArn")
    t = ref_target(prof)
    ttype = (ctx.resources.get(t) or {}).get("Type") if t else None
    lit = literal(prof)
    if ttype == "AWS::IAM::Role" or (lit is not None and ROLE_ARN.match(lit)):
        ctx.finding(tp + ".Ec2InstanceProfileArn", prof, "ecs-managed-instances-profile",
                    "ec2InstanceProfileArn is an instance profile ARN (ECS Managed Instances instance profile)",
                    "Ec2InstanceProfileArn is a role ARN, not an instance profile: ECS cannot launch instances with it",
                    "create an AWS::IAM::InstanceProfile for the role and give its Arn", api=api)
    elif ttype == "AWS::IAM::InstanceProfile":
        for r in ((ctx.resources[t].get("Properties") or {}).get("Roles") or []):
            role = ref_target(r)
            if role and (ctx.resources.get(role) or {}).get("Type") == "AWS::IAM::Role":
                services, has_token = trusted_services(ctx, role)
                if not has_token and not any(sv.startswith("ec2.") for sv in services):
                    ctx.finding(tp + ".Ec2InstanceProfileArn", prof, "role-trust",
                                "the instance profile's role trusts ec2.amazonaws.com (ECS Managed Instances instance profile)",
                                "role %s of instance profile %s does not trust ec2.amazonaws.com: the instances get no credentials and never register"
                                % (ctx.label(role), t), "add ec2.amazonaws.com to the AssumeRolePolicyDocument of %s" % ctx.label(role), api="iam trust policy")
    req = tpl.get("InstanceRequirements")
    if isinstance(req, dict):
        rp = tp + ".InstanceRequirements"
        for k, rng in req.items():
            if isinstance(rng, dict) and ci(rng, "Min") is not None and ci(rng, "Max") is not None:
                lo, hi = num(ci(rng, "Min")), num(ci(rng, "Max"))
                if lo is not None and hi is not None and lo > hi:
                    ctx.finding("%s.%s" % (rp, k), rng, "ecs-instance-requirements",
                                "a range's Min does not exceed its Max (EC2 InstanceRequirements)", "%s.%s has Min %s above Max %s" % (rp, k, lo, hi),
                                "lower Min or raise Max", api=api)
        if req.get("AllowedInstanceTypes") and req.get("ExcludedInstanceTypes"):
            ctx.finding(rp + ".ExcludedInstanceTypes", req.get("ExcludedInstanceTypes"), "ecs-instance-requirements",
                        "AllowedInstanceTypes and ExcludedInstanceTypes are exclusive (EC2 InstanceRequirements)",
                        "both AllowedInstanceTypes and ExcludedInstanceTypes are set", "keep one of them", api=api)


def capacity_provider_kind(ctx, v):
    """'managed-instances', 'asg', 'fargate' or None for a capacityProvider value."""
    t = ref_target(v)
    if t and (ctx.resources.get(t) or {}).get("Type") == "AWS::ECS::CapacityProvider":
        p = ctx.resources[t].get("Properties") or {}
        return "managed-instances" if "ManagedInstancesProvider" in p else "asg" if "AutoScalingGroupProvider" in p else None
    lit = literal(v)
    if lit in ("FARGATE", "FARGATE_SPOT"):
        return "fargate"
    return None


def rules_ecs_capacity_strategy(ctx, lid, props):
    api = "ecs CreateService capacityProviderStrategy"
    strat = props.get("CapacityProviderStrategy")
    if not isinstance(strat, list) or not strat:
        return
    items = [s for s in strat if isinstance(s, dict)]
    with_base = [i for i, s in enumerate(strat) if isinstance(s, dict) and (num(s.get("Base")) or 0) > 0]
    if len(with_base) > 1:
        ctx.finding("CapacityProviderStrategy[%d].Base" % with_base[1], strat[with_base[1]].get("Base"), "ecs-capacity-strategy",
                    "only one capacity provider of a strategy has a base (ECS CapacityProviderStrategyItem)",
                    "%d providers of the strategy set Base" % len(with_base), "set Base on one provider only", api=api)
    weights = [num(s.get("Weight")) for s in items]
    if len(items) > 1 and all(w is not None and w == 0 for w in weights):
        ctx.finding("CapacityProviderStrategy", strat, "ecs-capacity-strategy",
                    "with several capacity providers, at least one has a weight above 0 (ECS CapacityProviderStrategyItem)",
                    "every provider of the strategy has Weight 0", "give at least one provider a Weight of 1 or more", api=api)
    kinds = set(capacity_provider_kind(ctx, s.get("CapacityProvider")) for s in items)
    if len(kinds - {None}) > 1:
        ctx.finding("CapacityProviderStrategy", strat, "ecs-capacity-strategy",
                    "a strategy holds one kind of capacity provider: Auto Scaling group, Fargate or Managed Instances, never two (ECS guide: capacity providers)",
                    "the strategy mixes %s providers" % " and ".join(sorted({"asg": "Auto Scaling group", "fargate": "Fargate",
                                                                              "managed-instances": "Managed Instances"}[k] for k in kinds - {None})),
                    "use providers of one kind in the strategy", api=api)
    td = ref_target(props.get("TaskDefinition"))
    tdp = (ctx.resources.get(td) or {}).get("Properties") or {} if td and (ctx.resources.get(td) or {}).get("Type") == "AWS::ECS::TaskDefinition" else None
    comp = tdp.get("RequiresCompatibilities") if tdp is not None else None
    if isinstance(comp, list) and not any(is_token(c) for c in comp):
        need = {"managed-instances": "MANAGED_INSTANCES", "fargate": "FARGATE", "asg": "EC2"}
        for k in sorted(kinds - {None}):
            if need[k] not in comp:
                ctx.finding("CapacityProviderStrategy", strat, "ecs-task-compatibility",
                            "the task definition's requiresCompatibilities includes the launch type of the service's capacity (ECS CreateService)",
                            "the strategy uses %s capacity but task definition %s requires %s: CreateService rejects the task definition"
                            % (need[k], td, ", ".join(comp) or "nothing"),
                            "add %s to RequiresCompatibilities of %s" % (need[k], td), api=api)


def rules_ecs_task_managed(ctx, lid, props):
    comp = props.get("RequiresCompatibilities")
    if not (isinstance(comp, list) and "MANAGED_INSTANCES" in comp):
        return
    nm = props.get("NetworkMode")
    if nm is None:
        ctx.finding("NetworkMode", MISSING, "ecs-managed-instances-network",
                    "a task definition for ECS Managed Instances names its network mode: awsvpc or host (ECS guide: task networking for Managed Instances)",
                    "RequiresCompatibilities has MANAGED_INSTANCES but NetworkMode is not set: its tasks cannot run on Managed Instances",
                    "set NetworkMode awsvpc (or host)", api="ecs RegisterTaskDefinition")
    elif isinstance(nm, str) and nm not in ("awsvpc", "host", "none"):
        ctx.finding("NetworkMode", nm, "ecs-managed-instances-network",
                    "ECS Managed Instances run tasks in awsvpc, host or none network mode (ECS ManagedInstancesNetworkConfiguration)",
                    "NetworkMode %s on a MANAGED_INSTANCES task definition" % nm, "use awsvpc", api="ecs RegisterTaskDefinition")


SNAPSTART_RUNTIMES = re.compile(r"^(java(1[1-9]|[2-9][0-9])|python3\.(1[2-9]|[2-9][0-9])|dotnet([89]|[1-9][0-9]))$")


def rules_snapstart(ctx, lid, props):
    ss = props.get("SnapStart")
    if not isinstance(ss, dict) or ss.get("ApplyOn") != "PublishedVersions":
        return
    api = "lambda CreateFunction SnapStart"
    rule = "SnapStart supports Java 11+, Python 3.12+ and .NET 8+ managed runtimes (zip packages), no EFS and at most 512 MB of ephemeral storage (Lambda guide: SnapStart)"
    rt = props.get("Runtime")
    if props.get("PackageType") == "Image":
        ctx.finding("SnapStart", ss, "lambda-snapstart", rule, "SnapStart on a container image function", "use a zip package, or provisioned concurrency", api=api)
    elif isinstance(rt, str) and not SNAPSTART_RUNTIMES.match(rt):
        ctx.finding("SnapStart.ApplyOn", "PublishedVersions", "lambda-snapstart", rule,
                    "runtime %s does not support SnapStart: CreateFunction rejects it" % rt, "use a Java 11+, Python 3.12+ or .NET 8+ runtime, or provisioned concurrency", api=api)
    if props.get("FileSystemConfigs"):
        ctx.finding("FileSystemConfigs", props.get("FileSystemConfigs"), "lambda-snapstart", rule, "SnapStart with an EFS file system", "remove the file system or SnapStart", api=api)
    size = num((props.get("EphemeralStorage") or {}).get("Size")) if isinstance(props.get("EphemeralStorage"), dict) else None
    if size is not None and size > 512:
        ctx.finding("EphemeralStorage.Size", size, "lambda-snapstart", rule, "SnapStart with %s MB of ephemeral storage" % size, "use at most 512 MB", api=api)


def rules_snapstart_cross(ctx):
    """Provisioned concurrency on a version or alias of a SnapStart function."""
    snap = set(k for k, r in ctx.resources.items() if r.get("Type") == "AWS::Lambda::Function"
               and ((r.get("Properties") or {}).get("SnapStart") or {}).get("ApplyOn") == "PublishedVersions")
    if not snap:
        return
    for k, r in ctx.resources.items():
        if r.get("Type") not in ("AWS::Lambda::Alias", "AWS::Lambda::Version"):
            continue
        p = r.get("Properties") or {}
        fn = function_of(ctx, p.get("FunctionName"))
        if fn in snap and isinstance(p.get("ProvisionedConcurrencyConfig"), dict):
            ctx.cur = (k, r.get("Type"))
            ctx.finding("ProvisionedConcurrencyConfig", p["ProvisionedConcurrencyConfig"], "lambda-snapstart-provisioned",
                        "SnapStart and provisioned concurrency are exclusive on a function (Lambda guide: SnapStart)",
                        "%s sets provisioned concurrency on function %s, which has SnapStart: PutProvisionedConcurrencyConfig fails" % (k, fn),
                        "choose one warm mode: remove ProvisionedConcurrencyConfig or SnapStart", api="lambda PutProvisionedConcurrencyConfig")
    for k, r in ctx.resources.items():
        p = r.get("Properties") or {}
        if r.get("Type") == "AWS::ApplicationAutoScaling::ScalableTarget" and p.get("ScalableDimension") == "lambda:function:ProvisionedConcurrency":
            fns = set(function_of(ctx, (ctx.resources.get(x) or {}).get("Properties", {}).get("FunctionName")) for x in refs_in(p.get("ResourceId"))) | set(refs_in(p.get("ResourceId")))
            hit = sorted(fns & snap)
            if hit:
                ctx.cur = (k, r.get("Type"))
                ctx.finding("ScalableDimension", p.get("ScalableDimension"), "lambda-snapstart-provisioned",
                            "SnapStart and provisioned concurrency are exclusive on a function (Lambda guide: SnapStart)",
                            "scalable target %s scales provisioned concurrency of SnapStart function %s" % (k, hit[0]),
                            "choose one warm mode", api="application-autoscaling RegisterScalableTarget")


STREAMING_LAYER = re.compile(r"LambdaAdapterLayer|lambda-adapter", re.I)


def rules_url_streaming(ctx, lid, props):
    if props.get("InvokeMode") != "RESPONSE_STREAM":
        return
    fn = function_of(ctx, props.get("TargetFunctionArn"))
    fp = (ctx.resources.get(fn) or {}).get("Properties") or {} if fn else {}
    rt = fp.get("Runtime")
    if not isinstance(rt, str) or rt.startswith(("nodejs", "provided")):
        return
    layers = fp.get("Layers") if isinstance(fp.get("Layers"), list) else []
    if any(STREAMING_LAYER.search(json.dumps(l)) for l in layers):
        return
    ctx.finding("InvokeMode", "RESPONSE_STREAM", "lambda-streaming-runtime",
                "Lambda streams responses natively on Node.js managed runtimes; other languages need a custom runtime or the Lambda Web Adapter (Lambda guide: response streaming)",
                "the URL streams but function %s runs %s without the Lambda Web Adapter: the client gets the whole response at the end, no token streaming" % (fn, rt),
                "use a nodejs runtime with awslambda.streamifyResponse, or add the Lambda Web Adapter layer", level="warning",
                api="lambda CreateFunctionUrlConfig InvokeMode")


def queue_policies_of(ctx, queue):
    """Statements of the AWS::SQS::QueuePolicy resources of the template that apply to the queue (logical id)."""
    out = []
    for k, r in ctx.resources.items():
        if r.get("Type") != "AWS::SQS::QueuePolicy":
            continue
        p = r.get("Properties") or {}
        if queue in refs_in(p.get("Queues")):
            out.extend(statements_of(p.get("PolicyDocument")))
    return out


def rules_events_rule(ctx, lid, props):
    api = "events PutRule"
    if props.get("EventPattern") is None and props.get("ScheduleExpression") is None:
        ctx.finding("EventPattern", MISSING, "events-rule-trigger", "a rule has an EventPattern or a ScheduleExpression (EventBridge PutRule)",
                    "the rule has neither EventPattern nor ScheduleExpression", "give the event pattern the rule matches", api=api)
    targets = props.get("Targets")
    for i, t in enumerate(targets if isinstance(targets, list) else []):
        if not isinstance(t, dict):
            continue
        q = ref_target(t.get("Arn"))
        if not q or (ctx.resources.get(q) or {}).get("Type") != "AWS::SQS::Queue":
            continue
        qp = ctx.resources[q].get("Properties") or {}
        tp = "Targets[%d]" % i
        if qp.get("FifoQueue") in (True, "true") and not (isinstance(t.get("SqsParameters"), dict) and t["SqsParameters"].get("MessageGroupId")):
            ctx.finding(tp + ".SqsParameters.MessageGroupId", MISSING, "events-sqs-target",
                        "a FIFO queue target names a MessageGroupId (EventBridge SqsParameters)",
                        "%s delivers to FIFO queue %s without SqsParameters.MessageGroupId: PutTargets rejects it" % (tp, q),
                        "set SqsParameters.MessageGroupId", api="events PutTargets")
        statements = queue_policies_of(ctx, q)
        def grants(st):
            if st.get("Effect") != "Allow":
                return False
            pr = st.get("Principal")
            svc = pr.get("Service") if isinstance(pr, dict) else None
            svcs = svc if isinstance(svc, list) else [svc]
            if not any(isinstance(x, str) and x.startswith("events.") for x in svcs) and pr != "*" and not (isinstance(pr, dict) and pr.get("AWS") == "*"):
                return False
            acts = st.get("Action")
            acts = acts if isinstance(acts, list) else [acts]
            if not any(isinstance(a, str) and a.lower() in ("sqs:sendmessage", "sqs:*", "*") for a in acts):
                return False
            cond = st.get("Condition") or {}
            src = None
            for op in ("ArnEquals", "ArnLike", "StringEquals", "StringLike"):
                c = cond.get(op) if isinstance(cond, dict) else None
                if isinstance(c, dict):
                    src = c.get("aws:SourceArn", src)
            if src is None:
                return True
            # Scoped to a source: this rule, or a value this check cannot resolve (a literal ARN, another token).
            return any(ref_target(x) in (lid, None) for x in (src if isinstance(src, list) else [src]))
        if not any(grants(st) for st in statements):
            ctx.finding(tp + ".Arn", t.get("Arn"), "events-sqs-target",
                        "the target queue's policy lets events.amazonaws.com send messages from this rule (EventBridge: permissions for Amazon SQS targets)",
                        "no AWS::SQS::QueuePolicy of queue %s allows events.amazonaws.com sqs:SendMessage for this rule: EventBridge drops every event it matches" % q,
                        "add a queue policy statement: Allow events.amazonaws.com sqs:SendMessage on the queue, with aws:SourceArn = this rule's Arn",
                        api="sqs queue policy")
        kms = qp.get("KmsMasterKeyId")
        if kms is not None and literal(kms) != "alias/aws/sqs":
            ctx.finding(tp + ".Arn", t.get("Arn"), "events-sqs-target",
                        "EventBridge can only deliver to an SQS queue encrypted with a customer managed key whose policy lets events.amazonaws.com use it (EventBridge: Amazon SQS targets)",
                        "queue %s is encrypted with KMS key %s: unless that key's policy allows events.amazonaws.com kms:GenerateDataKey and kms:Decrypt, deliveries fail" % (q, short(kms, 60)),
                        "use SqsManagedSseEnabled, or grant events.amazonaws.com the key", level="warning", api="sqs queue encryption")


def rules_sqs(ctx, lid, props):
    api = "sqs CreateQueue Attributes"
    for k, (lo, hi) in SQS_ATTRS.items():
        if k not in props:
            continue
        n = num(props[k])
        if is_token(props[k]):
            continue
        if n is None or n != int(n) or n < lo or n > hi:
            ctx.finding(k, props[k], "sqs-attribute-range", "%s is an integer from %d to %d (SQS CreateQueue)" % (k, lo, hi),
                        "%s %s is outside %d..%d: CreateQueue rejects it" % (k, json.dumps(props[k]), lo, hi),
                        "use an integer from %d to %d" % (lo, hi), api=api)
    fifo = props.get("FifoQueue") in (True, "true")
    name = literal(props.get("QueueName"))
    if name is not None:
        if fifo != name.endswith(".fifo"):
            ctx.finding("QueueName", name, "sqs-fifo-name", "a FIFO queue's name ends in .fifo, a standard queue's does not (SQS CreateQueue)",
                        "QueueName %s %s" % (json.dumps(name), "lacks the .fifo suffix of a FIFO queue" if fifo else "ends in .fifo but FifoQueue is not true"),
                        "end the name in .fifo exactly when FifoQueue is true", api=api)
        base = name[:-5] if name.endswith(".fifo") else name
        if len(name) > 80 or not re.fullmatch(r"[A-Za-z0-9_-]+", base):
            ctx.finding("QueueName", name, "sqs-queue-name", "a queue name is up to 80 characters of A-Z a-z 0-9 - _ (SQS CreateQueue)",
                        "QueueName %s is not a valid queue name" % json.dumps(name), "use up to 80 alphanumerics, hyphens and underscores", api=api)
    for k in ("ContentBasedDeduplication", "DeduplicationScope", "FifoThroughputLimit"):
        if k in props and not fifo:
            ctx.finding(k, props[k], "sqs-fifo-only", "%s applies to FIFO queues only (SQS CreateQueue)" % k,
                        "%s is set on a standard queue" % k, "remove %s or set FifoQueue: true" % k, api=api)
    rp = props.get("RedrivePolicy")
    if isinstance(rp, str):
        try:
            rp = json.loads(rp)
        except ValueError:
            ctx.finding("RedrivePolicy", rp, "sqs-redrive", "RedrivePolicy is a JSON object (SQS CreateQueue)", "RedrivePolicy is not JSON", "give a JSON object", api=api)
            rp = None
    if isinstance(rp, dict) and not is_token(rp):
        mrc = rp.get("maxReceiveCount")
        n = num(mrc)
        if mrc is None:
            ctx.finding("RedrivePolicy.maxReceiveCount", MISSING, "sqs-redrive", "RedrivePolicy needs maxReceiveCount (SQS CreateQueue)",
                        "RedrivePolicy has no maxReceiveCount", "set maxReceiveCount (1 to 1000)", api=api)
        elif not is_token(mrc) and (n is None or n < 1 or n > 1000):
            ctx.finding("RedrivePolicy.maxReceiveCount", mrc, "sqs-redrive", "maxReceiveCount is 1 to 1000 (SQS CreateQueue)",
                        "maxReceiveCount %s is outside 1..1000" % json.dumps(mrc), "use 1 to 1000", api=api)
        if "deadLetterTargetArn" not in rp:
            ctx.finding("RedrivePolicy.deadLetterTargetArn", MISSING, "sqs-redrive", "RedrivePolicy needs deadLetterTargetArn (SQS CreateQueue)",
                        "RedrivePolicy has no deadLetterTargetArn", "set deadLetterTargetArn to the dead-letter queue's ARN", api=api)
        dlq = ref_target(rp.get("deadLetterTargetArn"))
        if dlq and (ctx.resources.get(dlq) or {}).get("Type") == "AWS::SQS::Queue":
            dfifo = ((ctx.resources[dlq].get("Properties") or {}).get("FifoQueue")) in (True, "true")
            if dfifo != fifo:
                ctx.finding("RedrivePolicy.deadLetterTargetArn", rp.get("deadLetterTargetArn"), "sqs-redrive-fifo",
                            "the dead-letter queue of a FIFO queue is FIFO, of a standard queue standard (SQS dead-letter queues)",
                            "the queue is %s but its dead-letter queue %s is %s" % ("FIFO" if fifo else "standard", dlq, "FIFO" if dfifo else "standard"),
                            "use a dead-letter queue of the same type", api=api)
            dret = num((ctx.resources[dlq].get("Properties") or {}).get("MessageRetentionPeriod"))
            sret = num(props.get("MessageRetentionPeriod"))
            if dret is not None and (sret if sret is not None else 345600) > dret:
                ctx.finding("RedrivePolicy.deadLetterTargetArn", rp.get("deadLetterTargetArn"), "sqs-redrive-retention",
                            "a dead-letter queue retains messages at least as long as its source queue (SQS dead-letter queues: the enqueue timestamp is kept)",
                            "dead-letter queue %s keeps messages %ss, less than the source queue's %ss: moved messages can expire early" % (dlq, dret, sret if sret is not None else 345600),
                            "give the dead-letter queue a MessageRetentionPeriod at least the source's", level="warning", api=api)


# --- Greengrass recipe -----------------------------------------------------------------------

GG_OS = {"linux", "windows", "darwin", "*"}
GG_ARCH = {"amd64", "arm", "aarch64", "x86", "*"}
GG_LIFECYCLE = {"setenv", "bootstrap", "install", "startup", "run", "shutdown", "recover"}
GG_STEP_KEYS = {"script", "requiresprivilege", "skipif", "timeout", "setenv"}
GG_TOP = {"recipeformatversion", "componentname", "componentversion", "componenttype", "componentdescription", "componentpublisher",
          "componentsource", "componentconfiguration", "componentdependencies", "manifests", "lifecycle"}
SEMVER = re.compile(r"^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(-[0-9A-Za-z.-]+)?(\+[0-9A-Za-z.-]+)?$")


def ci(d, key):
    if not isinstance(d, dict):
        return None
    for k, v in d.items():
        if k.lower() == key.lower():
            return v
    return None


def has_token(v):
    return isinstance(v, str) and TOKEN_MARK in v


def parse_recipe(ctx, recipe):
    text = render_with_placeholders(recipe)
    ctx.recipe_tokens = text.count(TOKEN_MARK)
    try:
        return json.loads(text)
    except ValueError:
        pass
    try:
        import yaml  # YAML recipes; PyYAML ships with cfn-lint
        return yaml.safe_load(text)
    except Exception as e:  # noqa: BLE001
        ctx.finding("InlineRecipe", recipe, "greengrass-recipe-format", "a recipe is a JSON or YAML document (Greengrass recipe reference)",
                    "InlineRecipe does not parse as JSON or YAML: %s" % str(e).splitlines()[0], "give a valid JSON or YAML recipe",
                    api="greengrassv2 CreateComponentVersion inlineRecipe")
        return None


def rules_recipe(ctx, lid, recipe):
    api = "greengrassv2 CreateComponentVersion inlineRecipe"
    r = parse_recipe(ctx, recipe)
    if r is None:
        return
    if ctx.recipe_tokens:
        ctx.skip("InlineRecipe", "%d unresolved token(s) inside the recipe (e.g. an artifact bucket); those values are not checked" % ctx.recipe_tokens)
    P = "InlineRecipe"

    def f(path, value, rule_id, rule, message, fix, level="error"):
        ctx.finding(P + ("." + path if path else ""), value, rule_id, rule + " (Greengrass recipe reference)", message, fix, level=level, api=api)

    if not isinstance(r, dict):
        f("", r, "greengrass-recipe-format", "a recipe is an object", "the recipe is not an object", "give a recipe object")
        return
    for k in r:
        if k.lower() not in GG_TOP:
            f(k, r[k], "greengrass-recipe-key", "recipe keys are RecipeFormatVersion, ComponentName, ... Manifests, Lifecycle",
              "unknown recipe key %s" % k, "remove %s or fix its spelling" % k, level="warning")
    rfv = ci(r, "RecipeFormatVersion")
    if rfv != "2020-01-25":
        f("RecipeFormatVersion", rfv if rfv is not None else MISSING, "greengrass-recipe-format-version", "RecipeFormatVersion is 2020-01-25",
          "RecipeFormatVersion is %s" % (json.dumps(rfv) if rfv is not None else "missing"), "set RecipeFormatVersion: 2020-01-25")
    name = ci(r, "ComponentName")
    if not isinstance(name, str) or not name:
        f("ComponentName", name if name is not None else MISSING, "greengrass-component-name", "ComponentName is required",
          "ComponentName is missing", "set ComponentName, e.g. com.example.Model")
    elif not has_token(name) and (len(name) > 128 or name.lower().startswith("aws.greengrass.") or not re.fullmatch(r"[A-Za-z0-9._-]+", name)):
        f("ComponentName", name, "greengrass-component-name", "ComponentName is up to 128 of A-Z a-z 0-9 . _ - and not in the reserved aws.greengrass namespace",
          "ComponentName %s is not a valid component name" % json.dumps(name), "use a reverse-domain name such as com.example.Model")
    ver = ci(r, "ComponentVersion")
    if not isinstance(ver, str) or (not has_token(ver) and not SEMVER.match(ver)):
        f("ComponentVersion", ver if ver is not None else MISSING, "greengrass-component-version", "ComponentVersion is a semantic version major.minor.patch",
          "ComponentVersion %s is not major.minor.patch" % json.dumps(ver), "use a version such as 1.4.0")
    ctype = ci(r, "ComponentType")
    if ctype is not None and ctype not in ("aws.greengrass.generic", "aws.greengrass.lambda", "aws.greengrass.plugin", "aws.greengrass.nucleus"):
        f("ComponentType", ctype, "greengrass-component-type", "ComponentType is aws.greengrass.generic, .lambda, .plugin or .nucleus",
          "ComponentType %s is not a component type" % json.dumps(ctype), "omit ComponentType (generic) or use aws.greengrass.generic")
    deps = ci(r, "ComponentDependencies")
    if isinstance(deps, dict):
        for dn, d in deps.items():
            dt = ci(d, "DependencyType")
            if dt is not None and dt not in ("HARD", "SOFT"):
                f("ComponentDependencies.%s.DependencyType" % dn, dt, "greengrass-dependency", "DependencyType is HARD or SOFT",
                  "DependencyType %s" % json.dumps(dt), "use HARD or SOFT")
    manifests = ci(r, "Manifests")
    if manifests is None and ci(r, "Lifecycle") is None:
        f("Manifests", MISSING, "greengrass-manifests", "a recipe has Manifests (or a global Lifecycle)", "no Manifests and no Lifecycle",
          "add a manifest with Platform, Lifecycle and Artifacts")
    if manifests is not None and not isinstance(manifests, list):
        f("Manifests", manifests, "greengrass-manifests", "Manifests is a list", "Manifests is not a list", "give a list of manifests")
        manifests = []
    top_lc = ci(r, "Lifecycle")
    if isinstance(top_lc, dict):
        check_lifecycle(f, "Lifecycle", top_lc, allow_selections=True)
    for i, m in enumerate(manifests or []):
        mp = "Manifests[%d]" % i
        if not isinstance(m, dict):
            continue
        plat = ci(m, "Platform")
        if isinstance(plat, dict):
            for key, allowed, what in (("os", GG_OS, "operating system"), ("architecture", GG_ARCH, "architecture")):
                val = ci(plat, key)
                if val is None or has_token(val):
                    continue
                if isinstance(val, str) and len(val) > 1 and val.startswith("/") and val.endswith("/"):
                    try:
                        re.compile(val[1:-1])
                    except re.error:
                        f("%s.Platform.%s" % (mp, key), val, "greengrass-platform", "a /regex/ platform value is a valid regular expression",
                          "Platform.%s %s is not a valid regular expression" % (key, val), "fix the regular expression")
                    continue
                if val not in allowed:
                    hint = {"arm64": "aarch64", "x86_64": "amd64", "aarch": "aarch64", "armv7l": "arm", "i386": "x86", "macos": "darwin"}.get(str(val).lower())
                    f("%s.Platform.%s" % (mp, key), val, "greengrass-platform",
                      "Platform.%s is one of %s (the values a core device reports), * or a /regex/" % (key, ", ".join(sorted(allowed - {"*"}))),
                      "Platform.%s %s is not an %s a Greengrass core device reports, so no device matches this manifest and the deployment fails"
                      % (key, json.dumps(val), what),
                      "use %s" % (hint if hint else " or ".join(sorted(allowed - {"*"}))))
            detail = ci(plat, "architecture.detail")
            if isinstance(detail, str) and not has_token(detail) and detail not in ("arm61", "arm71", "arm81") and not detail.startswith("/"):
                f("%s.Platform.architecture.detail" % mp, detail, "greengrass-platform", "architecture.detail is arm61, arm71 or arm81",
                  "architecture.detail %s is not reported by any core device" % json.dumps(detail), "use arm61, arm71 or arm81", level="warning")
        lc = ci(m, "Lifecycle")
        if isinstance(lc, dict):
            check_lifecycle(f, mp + ".Lifecycle", lc, allow_selections=False)
        arts = ci(m, "Artifacts")
        for j, a in enumerate(arts if isinstance(arts, list) else []):
            ap = "%s.Artifacts[%d]" % (mp, j)
            if not isinstance(a, dict):
                continue
            uri = ci(a, "Uri") or ci(a, "URI")
            if not isinstance(uri, str):
                f(ap + ".Uri", MISSING, "greengrass-artifact-uri", "every artifact has a Uri", "the artifact has no Uri", "set Uri (s3://bucket/key)")
            elif not has_token(uri.split("/")[0] if uri.startswith("s3://") else uri[:12]) and not re.match(r"^(s3://[^/]+/.+|greengrass:.+|docker:.+)$", uri.replace(TOKEN_MARK, "x")):
                f(ap + ".Uri", uri.replace(TOKEN_MARK, "<token>"), "greengrass-artifact-uri", "an artifact Uri is s3://bucket/key, greengrass:... or docker:...",
                  "artifact Uri %s is not an s3://, greengrass: or docker: URI" % json.dumps(uri.replace(TOKEN_MARK, "<token>")), "use s3://bucket/key")
            digest, algo = ci(a, "Digest"), ci(a, "Algorithm")
            if digest is not None and not has_token(digest):
                if algo is None:
                    f(ap + ".Algorithm", MISSING, "greengrass-artifact-digest", "an artifact with a Digest names its Algorithm",
                      "Digest without Algorithm", "set Algorithm: SHA-256")
                elif algo not in ("SHA-256", "SHA-384", "SHA-512"):
                    f(ap + ".Algorithm", algo, "greengrass-artifact-digest", "Algorithm is SHA-256, SHA-384 or SHA-512",
                      "Algorithm %s is not supported" % json.dumps(algo), "use SHA-256")
                size = {"SHA-256": 32, "SHA-384": 48, "SHA-512": 64}.get(algo)
                try:
                    import base64
                    raw = base64.b64decode(digest, validate=True) if isinstance(digest, str) else None
                except Exception:  # noqa: BLE001
                    raw = None
                if raw is None or (size and len(raw) != size):
                    f(ap + ".Digest", digest, "greengrass-artifact-digest",
                      "Digest is the base64 of the artifact's %s hash (%s bytes)" % (algo or "SHA-256", size or 32),
                      "Digest %s is not a base64 %s digest%s" % (json.dumps(digest), algo or "SHA-256",
                                                               " (hex? base64-encode the raw hash bytes)" if isinstance(digest, str) and re.fullmatch(r"[0-9a-fA-F]{64,128}", digest) else ""),
                      "give base64(sha256(file)), e.g. openssl dgst -sha256 -binary FILE | base64")
            unarchive = ci(a, "Unarchive")
            if unarchive is not None and unarchive not in ("NONE", "ZIP"):
                f(ap + ".Unarchive", unarchive, "greengrass-artifact-unarchive", "Unarchive is NONE or ZIP",
                  "Unarchive %s is not supported" % json.dumps(unarchive), "use NONE (and unpack in Install) or ZIP")
            perm = ci(a, "Permission")
            if isinstance(perm, dict):
                for pk in ("Read", "Execute"):
                    pv = ci(perm, pk)
                    if pv is not None and pv not in ("NONE", "OWNER", "ALL"):
                        f(ap + ".Permission." + pk, pv, "greengrass-artifact-permission", "Permission.%s is NONE, OWNER or ALL" % pk,
                          "Permission.%s %s" % (pk, json.dumps(pv)), "use NONE, OWNER or ALL")


def check_lifecycle(f, path, lc, allow_selections):
    keys = {k.lower(): k for k in lc}
    if "run" in keys and "startup" in keys:
        f(path, lc, "greengrass-lifecycle", "a lifecycle has Run or Startup, not both", "both Run and Startup are defined", "keep one of Run and Startup")
    for lk, k in keys.items():
        v = lc[k]
        if lk not in GG_LIFECYCLE:
            if allow_selections and isinstance(v, dict):
                check_lifecycle(f, path + "." + k, v, False)
                continue
            f(path + "." + k, v, "greengrass-lifecycle", "lifecycle steps are %s" % ", ".join(sorted(GG_LIFECYCLE)),
              "unknown lifecycle step %s: the nucleus ignores it" % k, "use one of %s" % ", ".join(sorted(GG_LIFECYCLE)))
            continue
        if lk == "setenv":
            if not isinstance(v, dict):
                f(path + "." + k, v, "greengrass-lifecycle", "Setenv is a map of environment variables", "Setenv is not a map", "give a map")
            continue
        if isinstance(v, str):
            continue
        if not isinstance(v, dict):
            f(path + "." + k, v, "greengrass-lifecycle", "a lifecycle step is a script string or an object with Script", "step %s is neither" % k, "give a script")
            continue
        if ci(v, "Script") is None:
            f(path + "." + k + ".Script", MISSING, "greengrass-lifecycle", "a lifecycle step object has Script", "step %s has no Script" % k, "set Script")
        for sk in v:
            if sk.lower() not in GG_STEP_KEYS and not (lk == "bootstrap" and sk.lower() == "bootstraponrollback"):
                f(path + "." + k + "." + sk, v[sk], "greengrass-lifecycle", "a step has Script, RequiresPrivilege, Skipif, Timeout, Setenv",
                  "unknown step key %s" % sk, "remove %s" % sk, level="warning")
        skip = ci(v, "Skipif")
        if isinstance(skip, str) and not re.match(r"^(onpath|exists) \S", skip):
            f(path + "." + k + ".Skipif", skip, "greengrass-lifecycle", "Skipif is 'onpath <executable>' or 'exists <file>'",
              "Skipif %s is neither onpath nor exists" % json.dumps(skip), "use onpath <exe> or exists <file>")
        t = ci(v, "Timeout")
        if t is not None and (num(t) is None or num(t) <= 0):
            f(path + "." + k + ".Timeout", t, "greengrass-lifecycle", "Timeout is a positive number of seconds", "Timeout %s" % json.dumps(t), "use seconds > 0")
        rp = ci(v, "RequiresPrivilege")
        if rp is not None and not isinstance(rp, bool) and rp not in ("true", "false"):
            f(path + "." + k + ".RequiresPrivilege", rp, "greengrass-lifecycle", "RequiresPrivilege is a boolean", "RequiresPrivilege %s" % json.dumps(rp), "use true or false")


def rules_gg_deployment(ctx, lid, props):
    api = "greengrassv2 CreateDeployment"
    job = props.get("IotJobConfiguration")
    if isinstance(job, dict):
        ro = job.get("JobExecutionsRolloutConfig")
        if isinstance(ro, dict) and isinstance(ro.get("ExponentialRate"), dict):
            er = ro["ExponentialRate"]
            crit = er.get("RateIncreaseCriteria")
            given = [k for k in ("NumberOfNotifiedThings", "NumberOfSucceededThings") if isinstance(crit, dict) and ci(crit, k) is not None]
            if isinstance(crit, dict) and len(given) != 1:
                ctx.finding("IotJobConfiguration.JobExecutionsRolloutConfig.ExponentialRate.RateIncreaseCriteria", crit, "greengrass-rollout",
                            "RateIncreaseCriteria has exactly one of NumberOfNotifiedThings and NumberOfSucceededThings (IoT job rollout)",
                            "RateIncreaseCriteria has %s" % (" and ".join(given) if given else "neither NumberOfNotifiedThings nor NumberOfSucceededThings"),
                            "give exactly one criterion", api=api)
            mx, base = num(ro.get("MaximumPerMinute")), num(er.get("BaseRatePerMinute"))
            if mx is not None and base is not None and base > mx:
                ctx.finding("IotJobConfiguration.JobExecutionsRolloutConfig.ExponentialRate.BaseRatePerMinute", base, "greengrass-rollout",
                            "the exponential base rate does not exceed MaximumPerMinute (IoT job rollout)",
                            "BaseRatePerMinute %s exceeds MaximumPerMinute %s" % (base, mx), "lower the base rate", api=api)
    pol = props.get("DeploymentPolicies")
    fhp = pol.get("FailureHandlingPolicy") if isinstance(pol, dict) else None
    ab = (job or {}).get("AbortConfig") if isinstance(job, dict) else None
    if isinstance(ab, dict) and isinstance(ab.get("CriteriaList"), list):
        seen = set()
        for i, c in enumerate(ab["CriteriaList"]):
            if isinstance(c, dict):
                key = c.get("FailureType")
                if isinstance(key, str) and key in seen:
                    ctx.finding("IotJobConfiguration.AbortConfig.CriteriaList[%d].FailureType" % i, key, "greengrass-abort",
                                "each abort criterion has its own FailureType (IoT job AbortConfig)", "FailureType %s appears twice" % key,
                                "merge the criteria", api=api)
                seen.add(key)
    _ = fhp


IOT_ACTION_PREFIXES = ("iot:", "greengrass:")


def rules_iot_policy(ctx, lid, doc):
    api = "iot CreatePolicy policyDocument"

    def f(path, value, rule, message, fix, level="error"):
        ctx.finding("PolicyDocument" + path, value, "iot-policy", rule + " (AWS IoT Core policies)", message, fix, level=level, api=api)

    compact = re.sub(r"\s", "", json.dumps(doc, separators=(",", ":")))
    if len(compact) > 2048 and not refs_in(doc):
        f("", "%d characters" % len(compact), "an IoT policy document is at most 2048 characters excluding whitespace",
          "the policy document has %d characters" % len(compact), "split it into several policies")
    ver = doc.get("Version")
    if ver not in ("2012-10-17", None) and not is_token(ver):
        f(".Version", ver, "Version is 2012-10-17", "Version %s" % json.dumps(ver), "use 2012-10-17")
    st = doc.get("Statement")
    if is_token(st):
        ctx.skip("PolicyDocument.Statement", "unresolved statement list; not checked")
        return
    if isinstance(st, dict):
        st = [st]
    if not isinstance(st, list) or not st:
        f(".Statement", st if st is not None else MISSING, "a policy has at least one Statement", "no Statement", "add a statement")
        return
    for i, s in enumerate(st):
        sp = ".Statement[%d]" % i
        if not isinstance(s, dict):
            continue
        if s.get("Effect") not in ("Allow", "Deny") and not is_token(s.get("Effect")):
            f(sp + ".Effect", s.get("Effect", MISSING), "Effect is Allow or Deny", "Effect %s" % json.dumps(s.get("Effect")), "use Allow or Deny")
        acts = s.get("Action")
        if acts is None and "NotAction" not in s:
            f(sp + ".Action", MISSING, "a statement has Action", "no Action", "add iot:... actions")
        for a in (acts if isinstance(acts, list) else [acts] if acts is not None else []):
            if isinstance(a, str) and a != "*" and not a.startswith(IOT_ACTION_PREFIXES):
                f(sp + ".Action", a, "IoT policies grant iot:* and greengrass:* actions only",
                  "action %s is not an AWS IoT or Greengrass action (IAM actions belong in the role the role alias points at)" % json.dumps(a),
                  "use iot:... / greengrass:... actions, or move the permission to the token-exchange role")
        if "Resource" not in s and "NotResource" not in s:
            f(sp + ".Resource", MISSING, "a statement has Resource", "no Resource", "add the resources (thing, topic, rolealias ARNs)")


# ---------------------------------------------------------------------------------------------

def validate(tpl):
    ctx = Ctx(tpl.get("name", "template"), tpl.get("template") or {}, tpl.get("paths"))
    for lid, res in ctx.resources.items():
        rtype = res.get("Type", "")
        ctx.cur = (lid, rtype)
        fn = MAPPINGS.get(rtype)
        if fn is None:
            ctx.uncovered.append({"template": ctx.name, "logicalId": lid, "resourceType": rtype, "constructPath": ctx.cpath(lid)})
            continue
        props = res.get("Properties") or {}
        ctx.ops = []
        ctx.checked = 0
        ctx.cur_skipped = 0
        if is_token(props):
            ctx.skip("Properties", "the whole property object is a token; not checked")
        else:
            try:
                fn(ctx, lid, props)
            except Exception as e:  # noqa: BLE001 - a bug here must not hide the rest
                ctx.finding("", MISSING, "internal", "ApiContract could not map this resource",
                            "ApiContract failed on this resource: %s: %s" % (type(e).__name__, e), "report this as a bug in ApiContract", level="error")
        ctx.reports.append({"template": ctx.name, "logicalId": lid, "resourceType": rtype, "constructPath": ctx.cpath(lid),
                            "operations": ctx.ops, "checkedFields": ctx.checked, "skippedFields": ctx.cur_skipped})
    for cross in (rules_lambda_cross, rules_alias_autoscaled, rules_role_trust, rules_iot_role_alias_refs, rules_role_inline_size, rules_snapstart_cross):
        try:
            cross(ctx)
        except Exception as e:  # noqa: BLE001 - a bug here must not hide the other findings
            ctx.cur = ("<template>", "")
            ctx.finding("", MISSING, "internal", "ApiContract could not run %s" % cross.__name__,
                        "ApiContract failed in %s: %s: %s" % (cross.__name__, type(e).__name__, e), "report this as a bug in ApiContract")
    key = lambda x: (x["logicalId"], x["propertyPath"], x.get("ruleId", ""))  # noqa: E731
    return {"findings": sorted(ctx.findings, key=key), "skipped": sorted(ctx.skipped, key=key),
            "resources": ctx.reports, "uncovered": ctx.uncovered}


def main():
    req = json.loads(sys.stdin.read())
    out = {"botocoreVersion": botocore.__version__, "results": [validate(t) for t in req.get("templates", [])]}
    sys.stdout.write(json.dumps(out))


main()
