'use strict';
// A small validator of answers against examples/openapi.json, the API
// written down once for both examples.  Hand-written (no npm package): it
// resolves $ref and checks type (3.0's nullable and 3.1's type lists),
// required, properties, additionalProperties, items, enum, const, pattern,
// minimum/maximum, minLength/maxLength, minItems/maxItems, allOf/anyOf/oneOf
// and format date-time; anything else in a schema is not checked.
const fs = require('node:fs');
const nodePath = require('node:path');

const SPEC_FILE = nodePath.resolve(__dirname, '..', '..', 'openapi.json');
const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];
// Headers the API itself sends that a client acts on: each must be declared.
const API_HEADERS = ['allow', 'retry-after'];

// JSON whose integers past 2^53 (bigint's maximum, 9223372036854775807)
// are kept exact, as strings of their digits: JSON.parse would round them.
function parseExact(text) {
  return JSON.parse(text.replace(/"(?:[^"\\]|\\.)*"|-?\d{16,}(?![.eE\d])/g,
    (token) => (token[0] === '"' ? token : `"${token}"`)));
}

let cached;
function load(file = SPEC_FILE) {
  if (cached === undefined || cached.file !== file) {
    cached = { file, spec: fs.existsSync(file) ? parseExact(fs.readFileSync(file, 'utf8')) : null };
  }
  return cached.spec;
}

// The object a local $ref ("#/components/schemas/Order") points at.
function deref(spec, node) {
  const seen = new Set();
  while (node && typeof node === 'object' && typeof node.$ref === 'string') {
    if (seen.has(node.$ref)) throw new Error(`$ref cycle at ${node.$ref}`);
    seen.add(node.$ref);
    if (!node.$ref.startsWith('#/')) throw new Error(`only local $ref: ${node.$ref}`);
    node = node.$ref.slice(2).split('/')
      .map((part) => part.replace(/~1/g, '/').replace(/~0/g, '~'))
      .reduce((at, part) => (at == null ? undefined : at[part]), spec);
    if (node === undefined) throw new Error(`$ref to nothing: ${[...seen].pop()}`);
  }
  return node;
}

function typeOf(value) {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  return typeof value; // string, boolean, object
}

const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

// Problems of value against schema, as "where: what" strings ([] if none).
function validate(spec, schema, value, where = 'body') {
  schema = deref(spec, schema);
  if (schema === true || schema === undefined) return [];
  if (schema === false) return [`${where}: nothing is allowed here`];
  const problems = [];
  const type = typeOf(value);

  if (value === null && schema.nullable === true) return [];
  if (schema.type !== undefined) {
    const allowed = [].concat(schema.type);
    const ok = allowed.includes(type) || (type === 'integer' && allowed.includes('number'));
    if (!ok) return [`${where}: ${JSON.stringify(value)} is ${type}, not ${allowed.join(' or ')}`];
  }
  if (schema.enum && !schema.enum.some((e) => JSON.stringify(e) === JSON.stringify(value))) {
    problems.push(`${where}: ${JSON.stringify(value)} is not one of ${JSON.stringify(schema.enum)}`);
  }
  if ('const' in schema && JSON.stringify(schema.const) !== JSON.stringify(value)) {
    problems.push(`${where}: ${JSON.stringify(value)} is not ${JSON.stringify(schema.const)}`);
  }
  if (type === 'string') {
    if (schema.pattern !== undefined && !new RegExp(schema.pattern, 'u').test(value)) {
      problems.push(`${where}: ${JSON.stringify(value)} does not match ${schema.pattern}`);
    }
    if (schema.minLength !== undefined && [...value].length < schema.minLength) {
      problems.push(`${where}: shorter than ${schema.minLength}`);
    }
    if (schema.maxLength !== undefined && [...value].length > schema.maxLength) {
      problems.push(`${where}: longer than ${schema.maxLength}`);
    }
    if (schema.format === 'date-time' && !DATE_TIME.test(value)) {
      problems.push(`${where}: ${JSON.stringify(value)} is not a date-time`);
    }
  }
  if (type === 'integer' || type === 'number') {
    // a bound kept as a string of digits (parseExact) compares exactly
    if (schema.minimum !== undefined && value < Number(schema.minimum)) {
      problems.push(`${where}: ${value} < minimum ${schema.minimum}`);
    }
    if (schema.maximum !== undefined
        && (typeof schema.maximum === 'string' && Number.isSafeInteger(value)
          ? BigInt(value) > BigInt(schema.maximum)
          : value > Number(schema.maximum))) {
      problems.push(`${where}: ${value} > maximum ${schema.maximum}`);
    }
    if (typeof schema.exclusiveMinimum === 'number' && value <= schema.exclusiveMinimum) {
      problems.push(`${where}: ${value} <= exclusiveMinimum ${schema.exclusiveMinimum}`);
    }
  }
  if (type === 'object') {
    for (const name of schema.required || []) {
      if (!Object.hasOwn(value, name)) problems.push(`${where}: "${name}" is missing`);
    }
    const properties = schema.properties || {};
    for (const [name, item] of Object.entries(value)) {
      if (Object.hasOwn(properties, name)) {
        problems.push(...validate(spec, properties[name], item, `${where}.${name}`));
      } else if (schema.additionalProperties === false) {
        problems.push(`${where}: "${name}" is not a documented property`);
      } else if (schema.additionalProperties && typeof schema.additionalProperties === 'object') {
        problems.push(...validate(spec, schema.additionalProperties, item, `${where}.${name}`));
      }
    }
  }
  if (type === 'array') {
    if (schema.minItems !== undefined && value.length < schema.minItems) {
      problems.push(`${where}: fewer than ${schema.minItems} items`);
    }
    if (schema.maxItems !== undefined && value.length > schema.maxItems) {
      problems.push(`${where}: more than ${schema.maxItems} items`);
    }
    if (schema.items !== undefined) {
      value.forEach((item, i) => problems.push(...validate(spec, schema.items, item, `${where}[${i}]`)));
    }
  }
  for (const sub of schema.allOf || []) problems.push(...validate(spec, sub, value, where));
  if (schema.anyOf && !schema.anyOf.some((sub) => validate(spec, sub, value, where).length === 0)) {
    problems.push(`${where}: matches none of anyOf`);
  }
  if (schema.oneOf) {
    const matching = schema.oneOf.filter((sub) => validate(spec, sub, value, where).length === 0);
    if (matching.length !== 1) problems.push(`${where}: matches ${matching.length} of oneOf`);
  }
  return problems;
}

// The path parameters' schemas of a path item ({name: schema}), from the
// item's and its operations' parameters.
function pathParameters(spec, item) {
  const found = {};
  for (const list of [item.parameters, ...METHODS.map((m) => item[m] && item[m].parameters)]) {
    for (const p of (list || []).map((x) => deref(spec, x))) {
      if (p.in === 'path') found[p.name] = deref(spec, p.schema);
    }
  }
  return found;
}

// Whether a path segment is a value of a parameter with this schema: an
// integer is digits only, within minimum and maximum (compared exactly).
function segmentFits(spec, schema, segment) {
  if (segment === '') return false;
  if (!schema || schema.type !== 'integer') {
    return validate(spec, schema, segment).length === 0;
  }
  if (!/^[0-9]+$/.test(segment)) return false;
  const n = BigInt(segment);
  return (schema.minimum === undefined || n >= BigInt(schema.minimum))
    && (schema.maximum === undefined || n <= BigInt(schema.maximum));
}

// The path template of spec that path (no query) falls under, or null.
// A literal segment beats a {parameter}, as in any router.
function templateOf(spec, path) {
  let best = null;
  for (const [template, item] of Object.entries(spec.paths || {})) {
    const schemas = pathParameters(spec, deref(spec, item));
    const tSegs = template.split('/');
    const pSegs = path.split('/');
    if (tSegs.length !== pSegs.length) continue;
    let params = 0;
    const fits = tSegs.every((t, i) => {
      const param = /^\{([^}]+)\}$/.exec(t);
      if (param) {
        params += 1;
        return segmentFits(spec, schemas[param[1]], pSegs[i]);
      }
      return t === pSegs[i];
    });
    if (fits && (!best || params < best.params)) best = { template, params };
  }
  return best && best.template;
}

// Every operation of spec: [{method (upper case), template, operation}].
function operations(spec) {
  return Object.entries(spec.paths || {}).flatMap(([template, item]) => METHODS
    .filter((m) => item[m])
    .map((m) => ({ method: m.toUpperCase(), template, operation: item[m] })));
}

// The problems of one answer ({status, headers (lower-case names), body})
// to method path, and the operation it was ("GET /menu"), or null for a path
// the file does not have.  requestBody (the JSON sent, if any): when the
// server accepted it (2xx), it must be valid by the operation's requestBody.
function problemsOf(spec, method, path, answer, requestBody) {
  path = path.split('?')[0];
  try {
    path = decodeURIComponent(path); // as the servers match it
  } catch (err) {
    // a broken escape is no path of the file
  }
  const template = templateOf(spec, path);
  if (!template) {
    // not an API path: the file's x-unknown-path answer (404, the error JSON)
    return { operation: null,
      problems: responseProblems(spec, spec['x-unknown-path'], `${method} ${path}`, answer, 404) };
  }
  const item = deref(spec, spec.paths[template]);
  const operation = item[method.toLowerCase()];
  const name = `${method} ${template}`;
  if (!operation) {
    // a method the path does not have: x-wrong-method (405), and Allow
    // lists exactly the methods the path has
    const problems = responseProblems(spec, spec['x-wrong-method'], name, answer, 405);
    const documented = METHODS.filter((m) => item[m]).map((m) => m.toUpperCase()).sort();
    const allow = (answer.headers.allow || '').split(',').map((m) => m.trim()).filter(Boolean);
    if (JSON.stringify(allow.sort()) !== JSON.stringify(documented)) {
      problems.push(`${name}: Allow ${JSON.stringify(answer.headers.allow)}, documented`
        + ` methods ${documented.join(', ')}`);
    }
    return { operation: null, problems };
  }
  const problems = responseProblems(spec, (operation.responses || {})[String(answer.status)],
    name, answer);
  const accepted = deref(spec, operation.requestBody);
  const media = accepted && accepted.content && accepted.content['application/json'];
  if (requestBody !== undefined && answer.status >= 200 && answer.status < 300 && media) {
    problems.push(...validate(spec, media.schema, requestBody, `${name} request body`));
  }
  return { operation: name, problems };
}

// The problems of answer against one documented response (undefined: the
// status is not documented); status: the one it must have, if any.
function responseProblems(spec, response, name, answer, status) {
  if (status !== undefined && answer.status !== status) {
    return [`${name}: answer ${answer.status}, documented ${status} only`];
  }
  response = deref(spec, response);
  if (!response) return [`${name}: status ${answer.status} is not documented`];
  const problems = [];
  const contentType = (answer.headers['content-type'] || '').split(';')[0].trim();
  if (name.startsWith('HEAD ')) {
    if (answer.text) problems.push(`${name} ${answer.status}: a body in answer to HEAD`);
  } else if (response.content) {
    const media = response.content[contentType];
    if (!media) {
      problems.push(`${name} ${answer.status}: content type ${JSON.stringify(contentType)} is not`
        + ` documented (${Object.keys(response.content).join(', ')})`);
    } else if (media.schema) {
      problems.push(...validate(spec, media.schema, answer.body, `${name} ${answer.status} body`));
    }
  } else if (answer.text) {
    problems.push(`${name} ${answer.status}: a body, where none is documented`);
  }
  const declared = Object.fromEntries(Object.entries(response.headers || {})
    .map(([header, h]) => [header.toLowerCase(), deref(spec, h)]));
  for (const [header, h] of Object.entries(declared)) {
    const sent = answer.headers[header];
    if (sent === undefined) {
      if (h.required) problems.push(`${name} ${answer.status}: header ${header} is missing`);
    } else if (h.schema) {
      const schema = deref(spec, h.schema);
      const v = schema.type === 'integer' && /^-?\d+$/.test(sent) ? Number(sent) : sent;
      problems.push(...validate(spec, schema, v, `${name} ${answer.status} header ${header}`));
    }
  }
  for (const header of API_HEADERS) {
    if (answer.headers[header] !== undefined && !declared[header]) {
      problems.push(`${name} ${answer.status}: header ${header} is sent but not declared`);
    }
  }
  return problems;
}

// For the tests: throws on a problem; returns "METHOD /template" or null.
// Without the file (not yet written) nothing is checked.
function check(method, path, answer, requestBody) {
  const spec = load();
  if (!spec) return null;
  const { operation, problems } = problemsOf(spec, method, path, answer, requestBody);
  if (problems.length) {
    const error = new Error(`the answer does not conform to examples/openapi.json:\n  `
      + `${problems.join('\n  ')}\n  answer: ${answer.status} ${answer.text}`);
    error.code = 'ERR_OPENAPI';
    throw error;
  }
  return operation;
}

module.exports = {
  SPEC_FILE, load, parseExact, deref, validate, templateOf, operations, problemsOf, check,
};
