import { code, details, facts, inlineCode, table } from '../../src/summary/markdown.ts';
import type { Installation, Unreadable } from './installation.ts';
import { describePodState } from './pod-state.ts';

export function isUnreadable(part: object): part is Unreadable {
  return 'unreadable' in part;
}

function headline(status: Installation): string {
  const problems = status.notReady.length;
  const state = status.healthy
    ? 'healthy'
    : problems > 0
      ? `${problems} pod(s) not ready`
      : `${status.replicas.ready} of ${status.replicas.desired} pods ready`;
  return `Gadgetron ${status.namespace}/${status.name}: ${state}`;
}

function releaseFact(status: Installation): string {
  const release = status.release;
  if (!release) return 'no release record (deployed before releases were recorded, or by hand)';
  if (isUnreadable(release)) return `record not readable: ${release.unreadable}`;
  const run = release.run;
  const by = [
    run?.actor ? `by ${run.actor}` : '',
    run?.commit ? `commit ${inlineCode(run.commit.slice(0, 12))}` : '',
    run?.url ? `[run](${run.url})` : ''
  ].filter(Boolean);
  return `revision ${release.revision}, ${release.completedAt}${by.length > 0 ? ` (${by.join(', ')})` : ''}`;
}

function autoscalerFact(status: Installation): string {
  const hpa = status.autoscaler;
  if (isUnreadable(hpa)) return `not readable: ${hpa.unreadable}`;
  const cpu =
    hpa.targetCpu === undefined
      ? ''
      : `; CPU ${hpa.currentCpu === undefined ? 'unknown' : `${hpa.currentCpu} %`} of a ${hpa.targetCpu} % target`;
  const problems = hpa.problems.length > 0 ? `<br>${hpa.problems.join('<br>')}` : '';
  return `${hpa.current} pod(s) now, ${hpa.desired} wanted, between ${hpa.min} and ${hpa.max}${cpu}${problems}`;
}

function reconstructionsFact(status: Installation): string {
  const { inFlight, uncounted, draining } = status.reconstructions;
  const parts = [
    inFlight === undefined ? 'unknown: no Gadgetron log could be read' : String(inFlight),
    ...(inFlight !== undefined && uncounted > 0 ? [`${uncounted} pod(s) not counted`] : []),
    ...(draining > 0 ? [`${draining} old pod(s) draining until theirs end`] : [])
  ];
  return parts.join('; ');
}

function poolsSection(status: Installation): string {
  if (isUnreadable(status.pools)) return `Nodes not readable: ${status.pools.unreadable}`;
  return table(
    ['Pool', 'VM size', 'Nodes ready', 'Gadgetron pods'],
    status.pools.map(p => [p.name, p.vmSize, `${p.ready} of ${p.nodes}`, String(p.gadgetronPods)])
  );
}

function podsSection(status: Installation): string {
  if (status.pods.length === 0) return 'No Gadgetron pod exists.';
  return table(
    ['Pod', 'State', 'Image', 'Node', 'Restarts', 'Reconstructions'],
    status.pods.map(p => [
      p.name,
      describePodState(p.state),
      inlineCode(p.image),
      p.node || '-',
      String(p.restarts),
      p.reconstructions === undefined ? '-' : String(p.reconstructions)
    ])
  );
}

function jumpserverSection(status: Installation): string[] {
  const jump = status.jumpserver;
  if (jump === undefined) return [];
  if (isUnreadable(jump)) return ['### Jump server', `Not readable: ${jump.unreadable}`];
  return [
    '### Jump server',
    facts([
      ['Address', jump.address ? `${inlineCode(jump.address)} (${jump.how})` : jump.how],
      ['Image', inlineCode(jump.image)],
      ['Ready', jump.ready ? 'yes' : 'no']
    ]),
    jump.fingerprints.length > 0
      ? table(
          ['Host key', 'Fingerprint'],
          jump.fingerprints.map(f => [f.type, inlineCode(f.fingerprint)])
        )
      : 'No host keys are published on its Service (deployed by an older version of the jumpserver action).',
    ...(jump.knownHosts.length > 0
      ? [details('known_hosts lines', code(jump.knownHosts.join('\n')))]
      : [])
  ];
}

function troubleSection(status: Installation): string[] {
  if (status.notReady.length === 0) return [];
  return [
    '### Pods not ready',
    ...status.notReady.map(t => {
      const logs = Array.isArray(t.logs)
        ? t.logs.length > 0
          ? code(t.logs.join('\n'))
          : 'The log is empty.'
        : `No log: ${(t.logs as Unreadable).unreadable}`;
      const events = t.events.length > 0 ? code(t.events.join('\n')) : 'No events.';
      return details(
        `${t.pod}: ${describePodState(t.state)}`,
        `**Events**\n\n${events}\n\n**Last log lines**\n\n${logs}`
      );
    })
  ];
}

export function renderStatusSummary(status: Installation): string {
  const storage = status.storageServer;
  const rows: [string, string][] = [
    ['Image', inlineCode(status.image)],
    ['Release', releaseFact(status)],
    ['Kubernetes', status.kubernetesVersion],
    [
      'Pods',
      `${status.replicas.ready} of ${status.replicas.desired} ready, ${status.replicas.updated} on the current version`
    ],
    ['Autoscaler', autoscalerFact(status)],
    ['Reconstructions in flight', reconstructionsFact(status)],
    ...(storage
      ? ([
          [
            'Storage server',
            `${inlineCode(storage.image)}, ${storage.ready ? 'ready' : 'NOT ready'}`
          ]
        ] as [string, string][])
      : [])
  ];
  return `${[
    `## ${headline(status)}`,
    facts(rows),
    '### Node pools',
    poolsSection(status),
    '### Pods',
    podsSection(status),
    ...jumpserverSection(status),
    ...troubleSection(status)
  ].join('\n\n')}\n`;
}
