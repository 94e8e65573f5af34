"""Check CreateExperimentTemplate requests against botocore's `fis` model: required members, string
lengths, patterns (with the `regex` module, which knows \\p{L}), list and map sizes, enums.
Reads a JSON list of requests on stdin, prints one problem per line (nothing when all conform)."""
import json
import sys

import botocore.session
import regex

model = botocore.session.get_session().get_service_model('fis')
shape = model.operation_model('CreateExperimentTemplate').input_shape
problems = []


def check(value, s, where):
    meta = s.metadata
    if s.type_name == 'structure':
        for name in s.required_members:
            if name not in value:
                problems.append(f'{where}: {name} is required')
        for name, v in value.items():
            if name not in s.members:
                problems.append(f'{where}: {name} is not a member of {s.name}')
                continue
            check(v, s.members[name], f'{where}.{name}')
    elif s.type_name == 'map':
        if 'max' in meta and len(value) > meta['max']:
            problems.append(f'{where}: {len(value)} entries > max {meta["max"]}')
        for k, v in value.items():
            check(k, s.key, f'{where} key {k!r}')
            check(v, s.value, f'{where}[{k!r}]')
    elif s.type_name == 'list':
        if 'max' in meta and len(value) > meta['max']:
            problems.append(f'{where}: {len(value)} items > max {meta["max"]}')
        for i, v in enumerate(value):
            check(v, s.member, f'{where}[{i}]')
    elif s.type_name == 'string':
        if not isinstance(value, str):
            problems.append(f'{where}: not a string ({value!r})')
            return
        if 'min' in meta and len(value) < meta['min']:
            problems.append(f'{where}: {value!r} shorter than {meta["min"]}')
        if 'max' in meta and len(value) > meta['max']:
            problems.append(f'{where}: {len(value)} characters > max {meta["max"]}')
        if 'pattern' in meta and not regex.fullmatch(meta['pattern'].lstrip('^').rstrip('$'), value):
            problems.append(f'{where}: {value!r} does not match {meta["pattern"]}')
        if 'enum' in meta and value not in meta['enum']:
            problems.append(f'{where}: {value!r} not in {meta["enum"]}')
    elif s.type_name == 'integer':
        if not isinstance(value, int):
            problems.append(f'{where}: not an integer')


for i, request in enumerate(json.load(sys.stdin)):
    check(request, shape, f'request[{i}]')
print('\n'.join(problems))
