import * as Flags from '@oclif/core/flags';
import { generatePipeline, PIPELINE_CIS, type GeneratePipelineResult } from '@ci-connect/core';
import { BaseCommand } from '../../base-command.js';
import { projectFlags } from '../../flags.js';

export default class GeneratePipeline extends BaseCommand {
  static override summary = 'Write a GitLab, GitHub or Jenkins pipeline from the shipyard';
  static override description = `One job per stage, sequence and service, in shipyard order: triggeredOn becomes job dependencies,
a manual approval task a manual job (GitLab: when: manual on a protected environment; GitHub: an environment
with required reviewers; Jenkins: the library's input step). The jobs use the ci-connect GitLab component,
GitHub Action or Jenkins library at 0.1.0 and a history store that outlives the runner. Writes
.gitlab-ci.yml, .github/workflows/ci-connect.yml or Jenkinsfile (--output to choose, - for stdout), and
refuses to overwrite a file it did not generate (--force). The same shipyard always gives the same bytes.`;

  static override examples = [
    '<%= config.bin %> generate pipeline --ci gitlab',
    '<%= config.bin %> generate pipeline --ci github --service carts --service orders',
    '<%= config.bin %> generate pipeline --ci jenkins --history postgres://ci@db.example.com/ci_history --output -',
  ];

  static override flags = {
    ci: Flags.option({ options: PIPELINE_CIS, description: 'the CI system to write for', required: true })(),
    'config-dir': projectFlags['config-dir'],
    service: Flags.string({
      description: 'a service to make jobs for (repeatable; default: every service under base/ and stages/)',
      multiple: true,
    }),
    project: Flags.string({ description: 'project name the jobs pass (default: ci-connect.yaml `project`)' }),
    history: Flags.string({
      description:
        "history store the jobs use (default: ci-connect.yaml's unless a file, else GitLab/GitHub/Jenkins git:ci-connect-history)",
    }),
    sequence: Flags.string({
      description: 'a sequence that starts the pipeline (repeatable; default delivery)',
      multiple: true,
    }),
    output: Flags.string({
      char: 'o',
      description: 'file to write (default: where the CI looks for it); - for stdout',
    }),
    force: Flags.boolean({ description: 'overwrite a file that ci-connect did not generate' }),
  };

  async run(): Promise<GeneratePipelineResult> {
    const { flags } = await this.parse(GeneratePipeline);
    const result = await generatePipeline(
      {
        ci: flags.ci,
        configDir: flags['config-dir'],
        ...(flags.service === undefined ? {} : { services: flags.service }),
        ...(flags.project === undefined ? {} : { project: flags.project }),
        ...(flags.history === undefined ? {} : { history: flags.history }),
        ...(flags.sequence === undefined ? {} : { sequences: flags.sequence }),
        ...(flags.output === undefined ? {} : { output: flags.output }),
        force: flags.force,
      },
      this.host(),
    );
    if (this.jsonEnabled()) return result;
    // The file's bytes exactly, as written to a file: the redactor would mask the ${VARIABLE} a
    // history URL names (`oauth2:${TOKEN}@`), and core refused any literal credential already.
    if (result.path === undefined) process.stdout.write(result.text);
    else {
      const jobs = `${result.plan.jobs.length} job${result.plan.jobs.length === 1 ? '' : 's'}`;
      this.writeResult(`${result.changed ? 'wrote' : 'unchanged:'} ${result.path} (${jobs})\n`);
    }
    return result;
  }
}
