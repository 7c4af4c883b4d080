/**
 * The regions of the emulated subscription, as `GET /subscriptions/{id}/locations` lists them.
 * ARM refuses any other region: a resource group PUT with LocationNotAvailableForResourceGroup,
 * a resource with LocationNotAvailableForResourceType, each listing the regions it accepts
 * (Azure Resource Manager error reference, "Resolve errors for SKU not available / location").
 */
const REGIONS: readonly [string, string][] = [
  ['eastus', 'East US'],
  ['eastus2', 'East US 2'],
  ['southcentralus', 'South Central US'],
  ['westus2', 'West US 2'],
  ['westus3', 'West US 3'],
  ['australiaeast', 'Australia East'],
  ['southeastasia', 'Southeast Asia'],
  ['northeurope', 'North Europe'],
  ['swedencentral', 'Sweden Central'],
  ['uksouth', 'UK South'],
  ['westeurope', 'West Europe'],
  ['centralus', 'Central US'],
  ['southafricanorth', 'South Africa North'],
  ['centralindia', 'Central India'],
  ['eastasia', 'East Asia'],
  ['japaneast', 'Japan East'],
  ['koreacentral', 'Korea Central'],
  ['canadacentral', 'Canada Central'],
  ['francecentral', 'France Central'],
  ['germanywestcentral', 'Germany West Central'],
  ['italynorth', 'Italy North'],
  ['norwayeast', 'Norway East'],
  ['polandcentral', 'Poland Central'],
  ['spaincentral', 'Spain Central'],
  ['switzerlandnorth', 'Switzerland North'],
  ['mexicocentral', 'Mexico Central'],
  ['uaenorth', 'UAE North'],
  ['brazilsouth', 'Brazil South'],
  ['israelcentral', 'Israel Central'],
  ['northcentralus', 'North Central US'],
  ['westus', 'West US'],
  ['japanwest', 'Japan West'],
  ['westcentralus', 'West Central US'],
  ['australiasoutheast', 'Australia Southeast'],
  ['koreasouth', 'Korea South'],
  ['southindia', 'South India'],
  ['canadaeast', 'Canada East'],
  ['ukwest', 'UK West'],
  ['brazilsoutheast', 'Brazil Southeast'],
  ['newzealandnorth', 'New Zealand North']
];

export class Locations {
  private readonly byName = new Map<string, string>();

  constructor(names?: readonly string[]) {
    const regions = names
      ? names.map(n => [n, REGIONS.find(([r]) => r === n)?.[1] ?? n] as [string, string])
      : REGIONS;
    for (const [name, display] of regions) this.byName.set(name, display);
  }

  /** ARM accepts a region by name or display name, in any case and spacing. */
  has(location: string): boolean {
    const wanted = normalise(location);
    return [...this.byName].some(([n, d]) => n === wanted || normalise(d) === wanted);
  }

  names(): string[] {
    return [...this.byName.keys()];
  }

  /** The body of `GET /subscriptions/{id}/locations`. */
  list(subscriptionId: string): { value: Record<string, unknown>[] } {
    return {
      value: [...this.byName].map(([name, displayName]) => ({
        id: `/subscriptions/${subscriptionId}/locations/${name}`,
        name,
        type: 'Region',
        displayName,
        regionalDisplayName: displayName,
        metadata: { regionType: 'Physical', regionCategory: 'Recommended' }
      }))
    };
  }

  groupRefusal(location: string): { code: string; message: string } {
    return {
      code: 'LocationNotAvailableForResourceGroup',
      message: `The provided location '${location}' is not available for resource group. List of available regions is '${this.names().join(',')}'.`
    };
  }

  resourceRefusal(location: string, type: string): { code: string; message: string } {
    return {
      code: 'LocationNotAvailableForResourceType',
      message: `The provided location '${location}' is not available for resource type '${type}'. List of available regions for the resource type is '${this.names().join(',')}'.`
    };
  }
}

function normalise(location: string): string {
  return location.replace(/\s+/g, '').toLowerCase();
}
