import type { StatusCause } from './errors.ts';
import { badRequest, invalid } from './errors.ts';
import type { ResourceType } from './resources.ts';
import { apiVersionOf } from './resources.ts';
import { labelCauses, nameCauses } from './names.ts';
import { createRules, updateRules } from './validation-rules.ts';
import type { KubeObject } from './types.ts';

/** "/spec/template/spec/containers/0" -> "spec.template.spec.containers[0]" */
function fieldFromPointer(pointer: string): string {
  return pointer
    .split('/')
    .filter(s => s.length > 0)
    .map(s => s.replace(/~1/g, '/').replace(/~0/g, '~'))
    .reduce((acc, seg) => (/^\d+$/.test(seg) ? `${acc}[${seg}]` : acc ? `${acc}.${seg}` : seg), '');
}

interface AjvError {
  instancePath: string;
  keyword: string;
  message?: string;
  params: Record<string, unknown>;
}

function schemaCauses(resource: ResourceType, obj: KubeObject): StatusCause[] {
  try {
    new resource.model(obj).validate();
    return [];
  } catch (e) {
    const errors = ((e as { errors?: AjvError[] }).errors ?? []) as AjvError[];
    if (errors.length === 0) return [{ reason: 'FieldValueInvalid', message: String(e) }];
    const byField = new Map<string, StatusCause>();
    for (const err of errors) {
      let field = fieldFromPointer(err.instancePath);
      let cause: StatusCause;
      if (err.keyword === 'required') {
        field = field
          ? `${field}.${String(err.params.missingProperty)}`
          : String(err.params.missingProperty);
        cause = { reason: 'FieldValueRequired', field, message: 'Required value' };
      } else if (err.keyword === 'enum') {
        const allowed = ((err.params.allowedValues ?? []) as unknown[]).map(v => JSON.stringify(v));
        cause = {
          reason: 'FieldValueNotSupported',
          field,
          message: `Unsupported value: ${JSON.stringify(valueAt(obj, err.instancePath))}: supported values: ${allowed.join(', ')}`
        };
      } else {
        cause = {
          reason: 'FieldValueInvalid',
          field,
          message: `Invalid value: ${JSON.stringify(valueAt(obj, err.instancePath))}: ${err.message ?? 'invalid'}`
        };
      }
      // oneOf (int-or-string) produces several errors for one field; keep the first.
      if (!byField.has(field)) byField.set(field, cause);
    }
    return [...byField.values()];
  }
}

function valueAt(obj: KubeObject, pointer: string): unknown {
  let cur: unknown = obj;
  for (const seg of pointer.split('/').filter(s => s.length > 0)) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, unknown>)[seg];
  }
  return cur;
}

/** Checks the apiVersion/kind of a request body against the resource of the URL. */
export function checkTypeMeta(resource: ResourceType, obj: KubeObject): void {
  const apiVersion = apiVersionOf(resource);
  if (obj.kind !== undefined && obj.kind !== resource.kind) {
    throw badRequest(
      `the kind in the data (${String(obj.kind)}) does not match the expected kind (${resource.kind})`
    );
  }
  if (obj.apiVersion !== undefined && obj.apiVersion !== apiVersion) {
    throw badRequest(
      `the API version in the data (${String(obj.apiVersion)}) does not match the expected API version (${apiVersion})`
    );
  }
}

/**
 * Validates an object about to be written: upstream JSON schemas plus the API server's
 * own rules. `previous` is set for updates. Throws a 422 Invalid ApiError.
 */
export function validateObject(
  resource: ResourceType,
  obj: KubeObject,
  previous: KubeObject | undefined
): void {
  const name = String(obj.metadata?.name ?? '');
  const causes: StatusCause[] = [];
  if (!name) {
    causes.push({
      reason: 'FieldValueRequired',
      field: 'metadata.name',
      message: 'Required value: name or generateName is required'
    });
  } else {
    causes.push(...nameCauses(resource, name));
  }
  causes.push(...labelCauses(obj.metadata?.labels, 'metadata.labels'));
  causes.push(...schemaCauses(resource, obj));
  if (causes.length === 0) {
    causes.push(...createRules(resource, obj));
    if (previous) causes.push(...updateRules(resource, obj, previous));
  }
  if (causes.length > 0) throw invalid(resource.kind, resource.group, name, causes);
}
