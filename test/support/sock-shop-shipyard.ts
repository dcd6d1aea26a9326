// Shipyards in the shape of Keptn's sock-shop (`shipyard-sockshop`), for the stage-run tests
// (trigger-deployment, promote, their checks): the YAML text, as Keptn wrote it, built from stages.

/** A task: its name alone, or with its properties (written quoted, in the given order). */
export type ShipyardTaskSpec = string | { name: string; properties: Record<string, string> };

export interface ShipyardSequenceSpec {
  name: string;
  /** The event that starts the sequence, and the result it must have. */
  triggeredOn?: { event: string; result?: string };
  tasks: readonly ShipyardTaskSpec[];
}

export interface ShipyardStageSpec {
  name: string;
  sequences: readonly ShipyardSequenceSpec[];
}

/** The shipyard.yaml text of these stages. */
export function sockShopShipyard(stages: readonly ShipyardStageSpec[]): string {
  const lines = [
    'apiVersion: "spec.keptn.sh/0.2.2"',
    'kind: "Shipyard"',
    'metadata:',
    '  name: "shipyard-sockshop"',
    'spec:',
    '  stages:',
  ];
  for (const stage of stages) {
    lines.push(`    - name: "${stage.name}"`, '      sequences:');
    for (const sequence of stage.sequences) {
      lines.push(`        - name: "${sequence.name}"`);
      if (sequence.triggeredOn !== undefined) {
        lines.push('          triggeredOn:', `            - event: "${sequence.triggeredOn.event}"`);
        if (sequence.triggeredOn.result !== undefined)
          lines.push(
            '              selector:',
            '                match:',
            `                  result: "${sequence.triggeredOn.result}"`,
          );
      }
      lines.push('          tasks:');
      for (const task of sequence.tasks) {
        if (typeof task === 'string') {
          lines.push(`            - name: "${task}"`);
          continue;
        }
        lines.push(`            - name: "${task.name}"`, '              properties:');
        for (const [key, value] of Object.entries(task.properties))
          lines.push(`                ${key}: "${value}"`);
      }
    }
  }
  return `${lines.join('\n')}\n`;
}

/** A deployment task with its strategy. */
export function deployment(strategy: 'direct' | 'user_managed'): ShipyardTaskSpec {
  return { name: 'deployment', properties: { deploymentstrategy: strategy } };
}

/** hardening's delivery as sock-shop had it: deploy, a performance test, the gate, approval, release. */
export function hardeningDelivery(strategy: 'direct' | 'user_managed'): ShipyardStageSpec {
  return {
    name: 'hardening',
    sequences: [
      {
        name: 'delivery',
        tasks: [
          deployment(strategy),
          { name: 'test', properties: { teststrategy: 'performance' } },
          'evaluation',
          { name: 'approval', properties: { pass: 'automatic', warning: 'manual' } },
          'release',
        ],
      },
    ],
  };
}

/** production's delivery after hardening's: a manual approval, a direct deployment, release; and more sequences. */
export function productionDelivery(...more: ShipyardSequenceSpec[]): ShipyardStageSpec {
  return {
    name: 'production',
    sequences: [
      {
        name: 'delivery',
        triggeredOn: { event: 'hardening.delivery.finished' },
        tasks: [
          { name: 'approval', properties: { pass: 'manual', warning: 'manual' } },
          deployment('direct'),
          'release',
        ],
      },
      ...more,
    ],
  };
}

/** dev deploys directly and releases; hardening, promoted to, deploys directly, runs `extra`, releases. */
export function devToHardening(...extra: ShipyardTaskSpec[]): ShipyardStageSpec[] {
  return [
    { name: 'dev', sequences: [{ name: 'delivery', tasks: [deployment('direct'), 'release'] }] },
    {
      name: 'hardening',
      sequences: [
        {
          name: 'delivery',
          triggeredOn: { event: 'dev.delivery.finished' },
          tasks: [deployment('direct'), ...extra, 'release'],
        },
      ],
    },
  ];
}
