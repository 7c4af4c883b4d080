/** What template functions can see while a deployment is evaluated. */
export interface ResourceGroupInfo {
  id: string;
  name: string;
  location: string;
  tags?: Record<string, string>;
}

export interface EvalContext {
  subscriptionId: string;
  tenantId: string;
  resourceGroup: ResourceGroupInfo;
  deploymentName: string;
  parameter(name: string): unknown;
  variable(name: string): unknown;
  /** Current iteration of a copy loop (innermost when no name is given). */
  copyIndex(loopName?: string): number;
  /** Runtime state of a deployed resource: its properties, or the whole resource when full. */
  reference(resourceId: string, full: boolean): unknown;
}
