import type { WhatIfChange, WhatIfPropertyChange } from '@azure/arm-resourcesdeployments';
import { ActionFailure } from '../runtime/failure.ts';
import { table, inlineCode } from '../summary/markdown.ts';
import type { ArmClients } from './clients.ts';
import type { DeploymentRequest } from './deploy-template.ts';
import { describeArmError, describeRequestError } from './errors.ts';

export interface WhatIfResource {
  readonly resource: string;
  readonly change: string;
  /** `path: before → after` for each property that would change. */
  readonly properties: string[];
}

/** Asks ARM what the deployment would change, without changing anything. */
export async function whatIf(
  clients: ArmClients,
  request: DeploymentRequest
): Promise<WhatIfResource[]> {
  let result;
  try {
    result = await clients.deployments.deployments.whatIf(request.resourceGroup, request.name, {
      properties: {
        mode: 'Incremental',
        template: request.template,
        parameters: request.parameters
      }
    });
  } catch (error) {
    throw new ActionFailure(describeRequestError(`What-if of ${request.name}`, error));
  }
  if (result.error)
    throw new ActionFailure(`What-if of ${request.name} failed: ${describeArmError(result.error)}`);
  return (result.changes ?? []).map(describeChange);
}

function describeChange(change: WhatIfChange): WhatIfResource {
  return {
    resource: shortId(change.resourceId ?? ''),
    change: change.changeType,
    properties: flatten(change.delta ?? [], '')
  };
}

/** `Microsoft.ContainerService/managedClusters/aks1` from a full resource id. */
export function shortId(id: string): string {
  const at = id.toLowerCase().lastIndexOf('/providers/');
  return at >= 0 ? id.slice(at + '/providers/'.length) : id;
}

function flatten(changes: readonly WhatIfPropertyChange[], prefix: string): string[] {
  return changes.flatMap(c => {
    const path = prefix ? `${prefix}.${c.path}` : c.path;
    if (c.children && c.children.length > 0) return flatten(c.children, path);
    const show = (v: unknown): string => (v === undefined ? '(none)' : JSON.stringify(v));
    if (c.propertyChangeType === 'Create') return [`+ ${path}: ${show(c.after)}`];
    if (c.propertyChangeType === 'Delete') return [`- ${path}: ${show(c.before)}`];
    if (c.propertyChangeType === 'NoEffect') return [];
    return [`~ ${path}: ${show(c.before)} → ${show(c.after)}`];
  });
}

/** Log lines: one per resource, its property changes indented below. */
export function whatIfLines(resources: readonly WhatIfResource[]): string[] {
  if (resources.length === 0) return ['ARM reports no resources in the deployment.'];
  return resources.flatMap(r => [
    `${r.change.padEnd(8)} ${r.resource}`,
    ...r.properties.map(p => `    ${p}`)
  ]);
}

export function whatIfMarkdown(resources: readonly WhatIfResource[]): string {
  const rows = resources.map(r => [
    r.change,
    inlineCode(r.resource),
    r.properties.join('\n') || ''
  ]);
  return table(['Change', 'Resource', 'Properties'], rows);
}
