"""Check synthesized SageMaker properties against the SageMaker API model (botocore).

The CloudFormation schema is looser than the API behind it (it does not require
TrafficRoutingConfig.WaitIntervalInSeconds, for instance). This reads a JSON list of
{"case": str, "shape": str, "params": object} from stdin, where params are the CloudFormation
properties of one resource mapped to an API request shape (e.g. AWS::SageMaker::Endpoint ->
UpdateEndpointInput), and prints a JSON list of problems: missing required members, unknown
members, values outside min/max, values not in an enum, strings not matching the pattern.
CloudFormation intrinsics ({"Ref": ...}, {"Fn::...": ...}) are unknown values: skipped.
"""
import json
import re
import sys

import botocore.session
import botocore.validate


def is_intrinsic(value):
    return isinstance(value, dict) and len(value) == 1 and (next(iter(value)) == 'Ref' or next(iter(value)).startswith('Fn::'))


def check(shape, value, path, problems):
    if is_intrinsic(value):
        return
    kind = shape.type_name
    meta = shape.metadata
    if kind == 'structure':
        if not isinstance(value, dict):
            problems.append(f'{path}: expected an object for {shape.name}, got {value!r}')
            return
        for required in shape.required_members:
            if required not in value:
                problems.append(f'{path}: missing required member {required} of {shape.name}')
        for key, member_value in value.items():
            if key not in shape.members:
                problems.append(f'{path}: unknown member {key} of {shape.name}')
                continue
            check(shape.members[key], member_value, f'{path}.{key}', problems)
    elif kind == 'list':
        if not isinstance(value, list):
            problems.append(f'{path}: expected a list for {shape.name}')
            return
        if 'min' in meta and len(value) < meta['min']:
            problems.append(f'{path}: {len(value)} items < min {meta["min"]} of {shape.name}')
        if 'max' in meta and len(value) > meta['max']:
            problems.append(f'{path}: {len(value)} items > max {meta["max"]} of {shape.name}')
        for i, item in enumerate(value):
            check(shape.member, item, f'{path}[{i}]', problems)
    elif kind == 'map':
        if not isinstance(value, dict):
            problems.append(f'{path}: expected a map for {shape.name}')
            return
        if 'max' in meta and len(value) > meta['max']:
            problems.append(f'{path}: {len(value)} entries > max {meta["max"]} of {shape.name}')
        for k, v in value.items():
            check(shape.key, k, f'{path}<key {k}>', problems)
            check(shape.value, v, f'{path}.{k}', problems)
    elif kind in ('integer', 'long', 'float', 'double'):
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            problems.append(f'{path}: expected a number for {shape.name}, got {value!r}')
            return
        if kind in ('integer', 'long') and value != int(value):
            problems.append(f'{path}: {value} is not an integer ({shape.name})')
        if 'min' in meta and value < meta['min']:
            problems.append(f'{path}: {value} < min {meta["min"]} of {shape.name}')
        if 'max' in meta and value > meta['max']:
            problems.append(f'{path}: {value} > max {meta["max"]} of {shape.name}')
    elif kind == 'string':
        if not isinstance(value, str):
            problems.append(f'{path}: expected a string for {shape.name}, got {value!r}')
            return
        if shape.enum and value not in shape.enum:
            problems.append(f'{path}: {value!r} is not one of {shape.name}')
        if 'min' in meta and len(value) < meta['min']:
            problems.append(f'{path}: {value!r} shorter than {meta["min"]} ({shape.name})')
        if 'max' in meta and len(value) > meta['max']:
            problems.append(f'{path}: {value!r} longer than {meta["max"]} ({shape.name})')
        if 'pattern' in meta:
            try:
                pattern = re.compile(meta['pattern'], re.DOTALL)
            except re.error:
                pattern = None  # Java-only syntax (\p{...}): not checked here
            if pattern is not None and pattern.fullmatch(value) is None:
                problems.append(f'{path}: {value!r} does not match {meta["pattern"]} ({shape.name})')
    elif kind == 'boolean':
        if not isinstance(value, bool):
            problems.append(f'{path}: expected a boolean for {shape.name}, got {value!r}')


def has_intrinsic(value):
    if is_intrinsic(value):
        return True
    if isinstance(value, dict):
        return any(has_intrinsic(v) for v in value.values())
    if isinstance(value, list):
        return any(has_intrinsic(v) for v in value)
    return False


def main():
    model = botocore.session.get_session().get_service_model('sagemaker')
    problems = []
    for item in json.load(sys.stdin):
        check(model.shape_for(item['shape']), item['params'], item['case'], problems)
        # Also botocore's own client-side validation (what the SDK runs before UpdateEndpoint is sent)
        # on the deployment config, which holds only literals.
        deployment = item['params'].get('DeploymentConfig')
        if item['shape'] == 'UpdateEndpointInput' and deployment is not None and not has_intrinsic(deployment):
            report = botocore.validate.ParamValidator().validate(
                {'EndpointName': 'e', 'EndpointConfigName': 'c', 'DeploymentConfig': deployment},
                model.operation_model('UpdateEndpoint').input_shape)
            if report.has_errors():
                problems.append(f"{item['case']}: botocore ParamValidator: {report.generate_report()}")
    json.dump(problems, sys.stdout)


if __name__ == '__main__':
    main()
