import { describe, expect, it } from 'vitest';
import { UsageError } from '../errors.js';
import { buildDynatraceEvent, defaultEventTitle, type DynatraceEventType } from './dynatrace-event.js';

const target = { project: 'shop', stage: 'hardening', service: 'carts', version: '1.4.2' };
const link = { ci: 'gitlab' as const, jobUrl: 'https://gitlab.example.com/shop/carts/-/jobs/812' };

describe('buildDynatraceEvent', () => {
  it('builds a CUSTOM_DEPLOYMENT with the release-inventory properties and the CI back-link', () => {
    expect(buildDynatraceEvent({ type: 'CUSTOM_DEPLOYMENT', target, link })).toEqual({
      eventType: 'CUSTOM_DEPLOYMENT',
      title: 'Deployment of carts 1.4.2 to hardening',
      entitySelector: 'type(SERVICE),tag(service:carts)',
      properties: {
        project: 'shop',
        stage: 'hardening',
        service: 'carts',
        version: '1.4.2',
        ci: 'gitlab',
        ciBackLink: link.jobUrl,
        'dt.event.deployment.name': 'Deployment of carts 1.4.2 to hardening',
        'dt.event.deployment.version': '1.4.2',
        'dt.event.deployment.project': 'shop',
        'dt.event.deployment.release_stage': 'hardening',
        'dt.event.deployment.ci_back_link': link.jobUrl,
      },
    });
  });

  it('adds no deployment properties to other types, and drops what is unknown', () => {
    const event = buildDynatraceEvent({
      type: 'CUSTOM_INFO',
      target: { project: 'shop', stage: 'hardening', service: 'carts' },
    });
    expect(event.properties).toEqual({ project: 'shop', stage: 'hardening', service: 'carts' });
    expect(event.title).toBe('Info for carts in hardening');
  });

  it('replaces $PROJECT, $STAGE, $SERVICE and $VERSION in the selector and title', () => {
    const event = buildDynatraceEvent({
      type: 'CUSTOM_ANNOTATION',
      title: 'Tests of $SERVICE $VERSION',
      entitySelector: 'type(SERVICE),tag(keptn_project:$PROJECT),tag(keptn_stage:$STAGE),tag(app:$SERVICE)',
      target,
    });
    expect(event.entitySelector).toBe(
      'type(SERVICE),tag(keptn_project:shop),tag(keptn_stage:hardening),tag(app:carts)',
    );
    expect(event.title).toBe('Tests of carts 1.4.2');
  });

  it('lets --property override the properties ci-connect adds; values stay strings', () => {
    const event = buildDynatraceEvent({
      type: 'CUSTOM_DEPLOYMENT',
      target,
      properties: { 'dt.event.deployment.name': 'carts', approver: 'jane', stage: 'hardening-eu' },
    });
    expect(event.properties['dt.event.deployment.name']).toBe('carts');
    expect(event.properties['approver']).toBe('jane');
    expect(event.properties['stage']).toBe('hardening-eu');
    expect(Object.values(event.properties).every((v) => typeof v === 'string')).toBe(true);
  });

  it.each([
    { name: '$VERSION without a version', request: { entitySelector: 'tag(v:$VERSION)' }, text: '$VERSION' },
    {
      name: 'a reserved dt.* key',
      request: { properties: { 'dt.security_context': 'x' } },
      text: 'dt.security_context',
    },
  ])('rejects $name', ({ request, text }) => {
    const build = () =>
      buildDynatraceEvent({
        type: 'CUSTOM_INFO',
        target: { project: 'p', stage: 's', service: 'carts' },
        ...request,
      });
    expect(build).toThrow(UsageError);
    expect(build).toThrow(text);
  });
});

describe('defaultEventTitle', () => {
  it.each<[DynatraceEventType, string]>([
    ['CUSTOM_DEPLOYMENT', 'Deployment of carts 1.4.2 to hardening'],
    ['CUSTOM_ANNOTATION', 'Annotation for carts 1.4.2 in hardening'],
    ['CUSTOM_INFO', 'Info for carts 1.4.2 in hardening'],
    ['CUSTOM_CONFIGURATION', 'Configuration change of carts 1.4.2 in hardening'],
  ])('%s → %s', (type, title) => {
    expect(defaultEventTitle(type, target)).toBe(title);
  });
});
