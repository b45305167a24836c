"""The API contract, examples/openapi.json, checked against real answers.

A small OpenAPI 3.0 response checker in the standard library only (no
pip): it finds the operation of a request (path template and method),
then checks that the status is one the operation documents and that the
body and the declared headers match its schemas.  The schema keywords it
knows are those the file uses; any other keyword is an error, so the file
cannot say something this checker would silently skip.

    spec = Spec.load()
    problems, key = spec.check('GET', '/menu?restaurant=1', 200, headers, body)

From the shell, for another client's recorded answers (one JSON object a
line: method, url, status, headers, body, request_body):

    python3 examples/django/foodorder_api/tests/openapi.py [--all] < answers.jsonl

Every response of the test client goes through base.ApiTestCase.call,
which fails the test on a problem and records key and status in
`exercised`; CoverageTest (last in the suite) then asserts that every
operation, and every documented status but 500 and 503, was met.
"""
import json
import pathlib
import re
from urllib.parse import urlsplit

SPEC_PATH = pathlib.Path(__file__).resolve().parents[3] / 'openapi.json'
METHODS = ('get', 'put', 'post', 'delete', 'patch', 'head', 'options', 'trace')
UNKNOWN_PATH = ('*', 'x-unknown-path')   # the key a path that is no template gets
WRONG_METHOD = 'x-wrong-method'          # the operation id of a method a path lacks

# keywords that only document; every other one must be checked below
_DOC_ONLY = {'description', 'title', 'example', 'format'}
_CHECKED = {'$ref', 'type', 'nullable', 'enum', 'pattern', 'minimum', 'maximum', 'minLength',
            'maxLength', 'items', 'minItems', 'maxItems', 'required', 'properties',
            'additionalProperties'}

# (operation key, status) of every checked response of this run
exercised = set()


class Spec:
    def __init__(self, doc):
        self.doc = doc
        self.templates = []  # (regex, template, path item)
        for template, item in doc['paths'].items():
            pattern = re.sub(r'\\\{(\w+)\\\}', r'(?P<\1>[^/]+)', re.escape(template))
            self.templates.append((re.compile(pattern + r'\Z'), template, item))

    @classmethod
    def load(cls, path=SPEC_PATH):
        with open(path) as f:
            return cls(json.load(f))

    def resolve(self, node):
        """node with its $ref (a local one, #/...) followed, repeatedly."""
        seen = set()
        while isinstance(node, dict) and '$ref' in node:
            ref = node['$ref']
            if not ref.startswith('#/') or ref in seen:
                raise ValueError(f'unsupported or circular $ref {ref}')
            seen.add(ref)
            node = self.doc
            for part in ref[2:].split('/'):
                node = node[part.replace('~1', '/').replace('~0', '~')]
        return node

    def operations(self):
        """{(METHOD, template): operation} of every operation in the file."""
        return {(method.upper(), template): op
                for template, item in self.doc['paths'].items()
                for method, op in item.items() if method in METHODS}

    def match(self, path):
        """(template, path item, {name: raw value}) of the template path
        matches, its path parameters valid by their schemas; None if none."""
        for regex, template, item in self.templates:
            found = regex.match(path)
            if not found:
                continue
            values = found.groupdict()
            # the path parameters are those of the path item and of its first
            # operation (the file gives each operation of a path the same)
            first = next((item[m] for m in item if m in METHODS), {})
            params = self.parameters(item, first)
            for name, raw in values.items():
                param = params.get(('path', name))
                if param is None:
                    raise ValueError(f'{template}: path parameter {name} is not declared')
                schema = self.resolve(param['schema'])
                if self.validate(schema, _path_value(raw, schema), name):
                    break  # e.g. /customers/abc/cart: no path of the API
            else:
                return template, item, values
        return None

    def parameters(self, item, op):
        out = {}
        for p in item.get('parameters', []) + op.get('parameters', []):
            p = self.resolve(p)
            out[(p['in'], p['name'])] = p
        return out

    def check(self, method, url, status, headers, body, request_body=None):
        """(problems, key): what is wrong with this answer to method url,
        and (METHOD, template) of the operation, WRONG_METHOD's key for a
        method the path lacks, or UNKNOWN_PATH.  headers: a mapping with
        case-insensitive get (Django's response.headers); body: the parsed
        JSON, or the raw text if it was not JSON.  request_body, if given
        (parsed), must be valid by the operation's requestBody schema when
        the status is a success: the server took it, so the file must too."""
        parts = urlsplit(url)
        found = self.match(parts.path)
        method = method.upper()
        if found is None:
            return self.check_response(self.doc['x-unknown-path'], status, 404, headers, body,
                                       'unknown path'), UNKNOWN_PATH
        template, item, _ = found
        if method.lower() not in item:
            served = [m.upper() for m in item if m in METHODS]
            problems = self.check_response(self.doc['x-wrong-method'], status, 405, headers, body,
                                           f'{method} {template} (not served)')
            allow = headers.get('Allow')
            if allow is not None and sorted(allow.split(', ')) != sorted(served):
                problems.append(f'Allow: {allow!r}, the path serves {", ".join(served)}')
            return problems, (method, template, WRONG_METHOD)
        op = item[method.lower()]
        key = (method, template)
        where = f'{method} {template} {status}'
        problems = []
        for (place, name), param in self.parameters(item, op).items():
            if place == 'query' and param.get('required') and name not in _query(parts.query):
                # a request missing a required parameter must be refused
                if not 400 <= status < 500:
                    problems.append(f'{where}: query parameter {name} missing, yet status {status}')
        response = op['responses'].get(str(status))
        if response is None:
            problems.append(f'{where}: status {status} is not documented for the operation'
                            f' (documented: {", ".join(op["responses"])})')
            return problems, key
        problems += self.check_response(response, status, status, headers, body, where)
        if request_body is not None and 200 <= status < 300 and 'requestBody' in op:
            schema = op['requestBody']['content']['application/json']['schema']
            problems += self.validate(schema, request_body, f'{where} request body (accepted)')
        return problems, key

    def check_response(self, response, status, expected_status, headers, body, where):
        problems = []
        if status != expected_status:
            problems.append(f'{where}: status {status}, expected {expected_status}')
        response = self.resolve(response)
        for name, header in response.get('headers', {}).items():
            header = self.resolve(header)
            value = headers.get(name)
            if value is None:
                if header.get('required'):
                    problems.append(f'{where}: header {name} missing')
                continue
            schema = self.resolve(header['schema'])
            problems += self.validate(schema, _path_value(value, schema), f'{where} header {name}')
        content = response.get('content')
        if content:
            media = content.get('application/json')
            if media is None:
                problems.append(f'{where}: the file documents no application/json body')
            else:
                ctype = headers.get('Content-Type', '')
                if ctype.split(';')[0].strip() != 'application/json':
                    problems.append(f'{where}: Content-Type {ctype!r}, not application/json')
                problems += self.validate(media['schema'], body, f'{where} body')
        return problems

    def validate(self, schema, value, where):
        """Problems of value against schema (an empty list if it is valid)."""
        schema = self.resolve(schema)
        unknown = set(schema) - _CHECKED - _DOC_ONLY
        if unknown:
            return [f'{where}: the checker does not know schema keyword(s) {sorted(unknown)}']
        if value is None:
            if schema.get('nullable') or 'type' not in schema:
                return []
            return [f'{where}: null, but not nullable']
        problems = []
        kind = schema.get('type')
        if kind is not None and not _is_type(value, kind):
            return [f'{where}: {json.dumps(value)[:80]} is not of type {kind}']
        if 'enum' in schema and value not in schema['enum']:
            problems.append(f'{where}: {json.dumps(value)[:80]} not one of {schema["enum"]}')
        if isinstance(value, str):
            if 'pattern' in schema and not re.search(schema['pattern'], value):
                problems.append(f'{where}: {value[:80]!r} does not match {schema["pattern"]}')
            if len(value) < schema.get('minLength', 0):
                problems.append(f'{where}: {value!r} shorter than {schema["minLength"]}')
            if 'maxLength' in schema and len(value) > schema['maxLength']:
                problems.append(f'{where}: {value[:80]!r}... longer than {schema["maxLength"]}')
        if _is_type(value, 'number'):
            if 'minimum' in schema and value < schema['minimum']:
                problems.append(f'{where}: {value} below the minimum {schema["minimum"]}')
            if 'maximum' in schema and value > schema['maximum']:
                problems.append(f'{where}: {value} above the maximum {schema["maximum"]}')
        if isinstance(value, list):
            if len(value) < schema.get('minItems', 0):
                problems.append(f'{where}: {len(value)} items, fewer than {schema["minItems"]}')
            if 'maxItems' in schema and len(value) > schema['maxItems']:
                problems.append(f'{where}: {len(value)} items, more than {schema["maxItems"]}')
            if 'items' in schema:
                for i, element in enumerate(value):
                    problems += self.validate(schema['items'], element, f'{where}[{i}]')
        if isinstance(value, dict):
            properties = schema.get('properties', {})
            for name in schema.get('required', []):
                if name not in value:
                    problems.append(f'{where}: required property {name!r} missing')
            extra = schema.get('additionalProperties', True)
            for name, element in value.items():
                if name in properties:
                    problems += self.validate(properties[name], element, f'{where}.{name}')
                elif extra is False:
                    problems.append(f'{where}: property {name!r} not in the schema')
                elif isinstance(extra, dict):
                    problems += self.validate(extra, element, f'{where}.{name}')
        return problems


def _is_type(value, kind):
    if kind == 'integer':
        return isinstance(value, int) and not isinstance(value, bool)
    if kind == 'number':
        return isinstance(value, (int, float)) and not isinstance(value, bool)
    if kind == 'string':
        return isinstance(value, str)
    if kind == 'boolean':
        return isinstance(value, bool)
    if kind == 'array':
        return isinstance(value, list)
    if kind == 'object':
        return isinstance(value, dict)
    raise ValueError(f'unknown schema type {kind}')


def _path_value(raw, schema):
    """A path parameter or header (text) as its schema's type, if it reads as one."""
    if schema.get('type') in ('integer', 'number') and re.fullmatch('-?[0-9]+', raw):
        return int(raw)
    return raw


def _query(query):
    return {part.split('=', 1)[0] for part in query.split('&') if part}


def main(argv):
    """Check recorded answers from another client of the same API (the Node
    example's tests, say), one JSON object a line on stdin:
        {"method", "url", "status", "headers": {...}, "body", "request_body"?}
    Prints each problem; with --all, also each operation, and each
    documented status but 500 and 503, that no line met.  Last line:
    "openapi: N answers, M problems"; exits 1 on any problem."""
    import sys
    spec = Spec.load()
    answers, problems, met = 0, [], set()
    for number, line in enumerate(sys.stdin, 1):
        if not line.strip():
            continue
        answer = json.loads(line)
        headers = {k.lower(): v for k, v in answer.get('headers', {}).items()}
        found, key = spec.check(answer['method'], answer['url'], answer['status'],
                                _LowerGet(headers), answer.get('body'), answer.get('request_body'))
        problems += [f'line {number}: {p}' for p in found]
        met.add((key, str(answer['status'])))
        answers += 1
    if '--all' in argv:
        for (method, template), op in spec.operations().items():
            for status in op['responses']:
                if status not in ('500', '503') and ((method, template), status) not in met:
                    problems.append(f'not met: {method} {template} {status}')
    for p in problems:
        print(f'  FAIL  {p}')
    print(f'openapi: {answers} answers, {len(problems)} problems')
    return 1 if problems else 0


class _LowerGet(dict):
    def get(self, name, default=None):
        return super().get(name.lower(), default)


if __name__ == '__main__':
    import sys
    sys.exit(main(sys.argv[1:]))
