import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { PROVIDER_SETTINGS } from '../providers/registry.js';
import { surveyProject } from './project-survey.js';

const fixture = (relative: string) => fileURLToPath(new URL(`../../../../${relative}`, import.meta.url));

describe('surveyProject: which binaries the shipyard needs', () => {
  it('needs jmeter but not helm for the demo (user_managed deployments, a performance test)', async () => {
    const survey = await surveyProject(fixture('fixtures/demo/.ci-connect'), PROVIDER_SETTINGS);
    expect(survey.needs).toEqual({ jmeter: "the shipyard's test tasks run it" });
  });

  it('needs helm and jmeter for Keptn’s sock-shop shipyard (direct and blue/green deployments)', async () => {
    const survey = await surveyProject(
      fixture('fixtures/config/shipyard/projects/good/.ci-connect'),
      PROVIDER_SETTINGS,
    );
    expect(survey.needs).toEqual({
      helm: "the shipyard's deployment tasks run it",
      jmeter: "the shipyard's test tasks run it",
    });
  });

  it('needs nothing without a shipyard', async () => {
    expect(
      (await surveyProject(fixture('fixtures/config/projects/shop/.ci-connect'), PROVIDER_SETTINGS)).needs,
    ).toEqual({});
  });
});
