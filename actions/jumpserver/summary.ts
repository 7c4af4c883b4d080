import type { AppliedObject } from '../../src/kubernetes/apply.ts';
import type { JumpserverSpec } from '../../src/render/jumpserver.ts';
import type { HostKey } from '../../src/ssh/host-keys.ts';
import { code, facts, inlineCode, table } from '../../src/summary/markdown.ts';
import { appendSummary } from '../../src/summary/write.ts';
import type { Endpoint } from './deploy.ts';

/** How this run came by its host keys. */
export type HostKeyOrigin = 'generated' | 'kept' | 'completed' | 'rotated';

export interface JumpserverReport {
  spec: JumpserverSpec;
  applied: AppliedObject[];
  endpoint: Endpoint;
  sshCommand: string;
  knownHosts: string[];
  /** Only the public parts are written: type, bits, fingerprint. */
  hostKeys: HostKey[];
  hostKeyOrigin: HostKeyOrigin;
  /** Keys of algorithms no longer served that this run removed from the Secret. */
  droppedHostKeys: HostKey[];
}

const ORIGINS: Record<HostKeyOrigin, string> = {
  generated: 'generated on this first run and kept in a Secret',
  kept: 'unchanged since the last run',
  completed: 'kept, with missing ones added',
  rotated: 'new: rotated on request; clients must replace their known_hosts lines'
};

export function renderJumpserverSummary(report: JumpserverReport): string {
  const { spec, endpoint } = report;
  const rows: [string, string][] = [
    ['Address', `${inlineCode(`${endpoint.host}:${endpoint.port}`)} (${endpoint.how})`],
    ['Tunnel to', inlineCode(`${spec.target.host}:${spec.target.port}`)],
    ['Namespace / name', inlineCode(`${spec.namespace}/${spec.name}`)],
    ['Image', inlineCode(spec.image)],
    ['Authorized keys', String(spec.authorizedKeys.length)],
    ['Host keys', ORIGINS[report.hostKeyOrigin]]
  ];
  if (spec.dnsLabel) {
    rows.push(['DNS label', `${inlineCode(spec.dnsLabel)} (NAME.REGION.cloudapp.azure.com)`]);
  }
  const changes = report.applied
    .filter(a => a.change !== 'unchanged')
    .map(a => [a.change, a.object.kind ?? '', a.object.metadata?.name ?? '']);
  const parts = [
    '## Gadgetron jump server ready',
    facts(rows),
    '### Connect',
    `Open the tunnel, then point Gadgetron clients at \`localhost\` and the local port:\n\n${code(report.sshCommand)}`,
    '### known_hosts',
    `Append these lines to \`~/.ssh/known_hosts\` so the first connection is verified:\n\n${code(report.knownHosts.join('\n'))}`,
    '### Host key fingerprints',
    table(
      ['Type', 'Bits', 'Fingerprint'],
      report.hostKeys.map(key => [key.type, String(key.bits), inlineCode(key.fingerprint)])
    ),
    ...(report.droppedHostKeys.length > 0
      ? [
          '### Host keys removed',
          "These keys are no longer served: NIST curves fail ssh-audit's hardened policy. " +
            'Clients that trusted only one of them must add a known_hosts line above.\n\n' +
            table(
              ['Type', 'Bits', 'Fingerprint'],
              report.droppedHostKeys.map(key => [
                key.type,
                String(key.bits),
                inlineCode(key.fingerprint)
              ])
            )
        ]
      : []),
    '### Allowed networks',
    spec.allowedCidrs.map(cidr => `- ${inlineCode(cidr)}`).join('\n'),
    changes.length > 0
      ? `### Changes\n\n${table(['Change', 'Kind', 'Name'], changes)}`
      : '### Changes\n\nNothing changed: the cluster already matched.'
  ];
  return `${parts.join('\n\n')}\n`;
}

export async function writeJumpserverSummary(report: JumpserverReport): Promise<void> {
  await appendSummary(renderJumpserverSummary(report));
}
