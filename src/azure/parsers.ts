/** Input parsers for Azure names and values, with Azure's own naming rules. */
import { ValueProblem } from '../inputs/problem.ts';
import { cidrList, lines } from '../inputs/parsers.ts';
import type { Parser } from '../inputs/read.ts';

const show = (raw: string): string =>
  JSON.stringify(raw.length > 80 ? `${raw.slice(0, 77)}...` : raw);

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Subscription, tenant and client ids: GUIDs, returned in lower case. */
export const guid: Parser<string> = raw => {
  if (!GUID.test(raw))
    throw new ValueProblem(
      `${show(raw)} is not a GUID`,
      'a GUID such as 00000000-0000-0000-0000-000000000000'
    );
  return raw.toLowerCase();
};

/** Region names as ARM writes them: `westeurope`; `West Europe` is accepted and normalised. */
export const azureLocation: Parser<string> = raw => {
  const name = raw.replace(/\s+/g, '').toLowerCase();
  if (!/^[a-z][a-z0-9]{2,39}$/.test(name)) {
    throw new ValueProblem(
      `${show(raw)} is not an Azure region name`,
      'a region name such as westeurope or eastus2'
    );
  }
  return name;
};

/** Resource group names: 1-90 letters, digits, '_', '-', '.', '(' and ')', not ending with '.'. */
export const resourceGroupName: Parser<string> = raw => {
  const accepted = "1-90 letters, digits, '_', '-', '.', '(' or ')', not ending with '.'";
  if (raw.length > 90 || !/^[-\w.()]+$/.test(raw) || raw.endsWith('.')) {
    throw new ValueProblem(`${show(raw)} is not a valid resource group name`, accepted);
  }
  return raw;
};

/** AKS cluster names; the name is also the cluster's DNS prefix, hence no '_' and at most 54 characters. */
export const clusterName: Parser<string> = raw => {
  const accepted = "1-54 letters, digits and '-', starting and ending with a letter or digit";
  if (!/^[A-Za-z0-9]([A-Za-z0-9-]{0,52}[A-Za-z0-9])?$/.test(raw)) {
    throw new ValueProblem(`${show(raw)} is not a valid cluster name`, accepted);
  }
  return raw;
};

/** VM sizes as ARM names them, e.g. Standard_D8s_v5. */
export const vmSize: Parser<string> = raw => {
  if (!/^(Standard|Basic)_[A-Za-z0-9_-]{2,40}$/.test(raw)) {
    throw new ValueProblem(
      `${show(raw)} is not a VM size`,
      'a VM size such as Standard_D8s_v5 or Standard_NC4as_T4_v3'
    );
  }
  return raw;
};

/** `1.33` (AKS picks the newest patch) or `1.33.2`. */
export const kubernetesVersion: Parser<string> = raw => {
  const version = raw.replace(/^v/, '');
  if (!/^1\.\d{1,3}(\.\d{1,3})?$/.test(version)) {
    throw new ValueProblem(
      `${show(raw)} is not a Kubernetes version`,
      'a version such as 1.33 or 1.33.2, or empty for the AKS default'
    );
  }
  return version;
};

const TAG_NAME_FORBIDDEN = /[<>%&\\?/]/;

/** Resource tags as `key=value` lines: at most 50, names up to 512 characters, values up to 256. */
export const azureTags: Parser<Record<string, string>> = raw => {
  const accepted =
    'lines of key=value: names of at most 512 characters without < > % & \\ ? /, values of at most 256, at most 50 tags';
  const tags: Record<string, string> = {};
  lines(raw).forEach((line, index) => {
    const eq = line.indexOf('=');
    const key = eq > 0 ? line.slice(0, eq).trim() : '';
    const value = eq > 0 ? line.slice(eq + 1).trim() : '';
    const where = `line ${index + 1} (${show(line)})`;
    if (!key) throw new ValueProblem(`${where} is not key=value`, accepted);
    if (key.length > 512 || TAG_NAME_FORBIDDEN.test(key))
      throw new ValueProblem(`${where} has an invalid tag name`, accepted);
    if (value.length > 256)
      throw new ValueProblem(`${where} has a value longer than 256 characters`, accepted);
    tags[key] = value;
  });
  if (Object.keys(tags).length > 50)
    throw new ValueProblem(`${Object.keys(tags).length} tags are too many`, accepted);
  return tags;
};

/** Storage account names: globally unique, 3-24 lower-case letters and digits. */
export const storageAccountName: Parser<string> = raw => {
  if (!/^[a-z0-9]{3,24}$/.test(raw)) {
    throw new ValueProblem(
      `${show(raw)} is not a valid storage account name`,
      '3-24 lower-case letters and digits'
    );
  }
  return raw;
};

export interface ShareRequest {
  readonly name: string;
  readonly quotaGiB: number;
}

const SHARE_NAME = /^[a-z0-9](?:[a-z0-9]|-(?=[a-z0-9])){2,62}$/;

/** File shares as `name=GiB` lines; the name also names the claim, so it follows both rule sets. */
export const shareList: Parser<ShareRequest[]> = raw => {
  const accepted =
    "lines of name=GiB: names of 3-63 lower-case letters, digits and single '-', starting with a letter or digit; sizes from 1 to 102400 GiB";
  const shares: ShareRequest[] = [];
  lines(raw).forEach((line, index) => {
    const match = /^([^=\s]+)\s*=\s*(\S+)$/.exec(line);
    const where = `line ${index + 1} (${show(line)})`;
    if (!match) throw new ValueProblem(`${where} is not name=GiB`, accepted);
    const [, name, size] = match as unknown as [string, string, string];
    if (!SHARE_NAME.test(name))
      throw new ValueProblem(`${where} has an invalid share name`, accepted);
    if (!/^\d+$/.test(size) || Number(size) < 1 || Number(size) > 102400) {
      throw new ValueProblem(`${where} has an invalid size ${show(size)}`, accepted);
    }
    if (shares.some(s => s.name === name))
      throw new ValueProblem(`${where} repeats the share ${name}`, accepted);
    shares.push({ name, quotaGiB: Number(size) });
  });
  if (shares.length === 0) throw new ValueProblem('no shares are listed', accepted);
  return shares;
};

const WEEKDAYS = [
  'Monday',
  'Tuesday',
  'Wednesday',
  'Thursday',
  'Friday',
  'Saturday',
  'Sunday'
] as const;

/** A weekly maintenance start, `Sunday 01:00` (UTC). */
export const weeklyStart: Parser<{ day: (typeof WEEKDAYS)[number]; startTime: string }> = raw => {
  const accepted = 'a weekday and a UTC time such as Sunday 01:00';
  const match = /^([A-Za-z]+)\s+(\d{2}):(\d{2})$/.exec(raw.trim());
  const day = WEEKDAYS.find(d => d.toLowerCase() === match?.[1]?.toLowerCase());
  if (!match || !day || Number(match[2]) > 23 || Number(match[3]) > 59) {
    throw new ValueProblem(`${show(raw)} is not a weekly start`, accepted);
  }
  return { day, startTime: `${match[2]}:${match[3]}` };
};

/**
 * Address ranges allowed to reach the API server: IPv4 CIDRs (AKS's authorized IP ranges
 * take IPv4 only, "API server authorized IP ranges"), at most 200.
 */
export const apiServerRanges: Parser<string[]> = raw => {
  const accepted =
    'IPv4 networks in CIDR form such as 203.0.113.0/24, separated by commas or new lines, at most 200';
  const ranges = cidrList(raw);
  const v6 = ranges.find(r => r.family === 6);
  if (v6) throw new ValueProblem(`${show(v6.cidr)} is an IPv6 network`, accepted);
  if (ranges.length > 200) throw new ValueProblem(`${ranges.length} ranges are too many`, accepted);
  return ranges.map(r => r.cidr);
};
