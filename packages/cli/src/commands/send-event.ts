import * as Flags from '@oclif/core/flags';
import { sendEvent, type DynatraceEventType, type EventRecord } from '@ci-connect/core';
import { BaseCommand } from '../base-command.js';
import { caFileFlag, projectFlags } from '../flags.js';
import { parseKeyValues } from '../parse-key-values.js';

const TYPES = {
  deployment: 'CUSTOM_DEPLOYMENT',
  annotation: 'CUSTOM_ANNOTATION',
  info: 'CUSTOM_INFO',
  configuration: 'CUSTOM_CONFIGURATION',
} as const satisfies Record<string, DynatraceEventType>;

export default class SendEvent extends BaseCommand {
  static override summary = 'Push a deployment, annotation, info or configuration event to Dynatrace';
  static override description = `Sends one event to the Dynatrace Events API v2 (DT_URL, DT_API_TOKEN with events.ingest) for
the service, with project, stage, service, version and a link back to the CI job as properties. The
entity selector and title may use $PROJECT, $STAGE, $SERVICE and $VERSION. The request is sent once and
never retried (a retry could duplicate the event). Exits 0 when Dynatrace created the event, 2 when the
token, the selector (no entity matched) or the flags are wrong, 3 when Dynatrace is unavailable.`;

  static override examples = [
    '<%= config.bin %> send-event --type deployment --service carts --stage hardening --version 1.4.2',
    '<%= config.bin %> send-event --type annotation --title "Start load test" --property testStrategy=performance',
    '<%= config.bin %> send-event --type info --entity-selector "type(SERVICE),tag(app:$SERVICE)" --json',
  ];

  static override flags = {
    ...projectFlags,
    ...caFileFlag,
    type: Flags.option({
      options: ['deployment', 'annotation', 'info', 'configuration'] as const,
      description: 'event type: CUSTOM_DEPLOYMENT, CUSTOM_ANNOTATION, CUSTOM_INFO or CUSTOM_CONFIGURATION',
      required: true,
    })(),
    version: Flags.string({
      description: 'version of the service (required for deployments in the release inventory)',
      env: 'CI_CONNECT_VERSION',
    }),
    title: Flags.string({
      description: 'event title (default e.g. "Deployment of carts 1.4.2 to hardening")',
    }),
    'entity-selector': Flags.string({
      description:
        'Dynatrace entity selector the event attaches to (default type(SERVICE),tag(service:$SERVICE))',
      env: 'CI_CONNECT_ENTITY_SELECTOR',
    }),
    property: Flags.string({
      description: 'event property, key=value (repeatable); overrides the ones ci-connect adds',
      multiple: true,
    }),
  };

  async run(): Promise<EventRecord> {
    const { flags } = await this.parse(SendEvent);
    const properties = parseKeyValues(flags.property ?? [], '--property', 'approver=jane');
    const { record, exitCode } = await sendEvent(
      {
        type: TYPES[flags.type],
        configDir: flags['config-dir'],
        project: flags.project,
        stage: flags.stage,
        service: flags.service,
        version: flags.version,
        title: flags.title,
        entitySelector: flags['entity-selector'],
        properties,
        caFile: flags['ca-file'],
      },
      this.host(),
    );
    if (!this.jsonEnabled()) this.writeResult(`${describe(record)}\n`);
    this.setExitCode(exitCode);
    return record;
  }
}

function describe(record: EventRecord): string {
  const ids = record.results.flatMap((r) => (r.status === 'OK' && r.correlationId ? [r.correlationId] : []));
  const count = ids.length === 1 ? '1 event' : `${ids.length} events`;
  const idText = ids.length === 0 ? '' : ` (correlation id ${ids.join(', ')})`;
  return `sent ${record.eventType} to Dynatrace: ${count}${idText}`;
}
