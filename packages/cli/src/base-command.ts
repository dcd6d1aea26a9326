import { Command } from '@oclif/core/command';
import type { Input, ParserOutput } from '@oclif/core/interfaces';
import {
  CiConnectError,
  ConfigError,
  createProcessRedactor,
  ExitCode,
  refuseControlCharacters,
  runProcess,
  systemClock,
  type Host,
  type Logger,
  type Redactor,
} from '@ci-connect/core';
import { randomUUID } from 'node:crypto';
import { refuseControlCharactersInFlags } from './flags.js';
import { createStderrLogger } from './output/logger.js';
import { writeErrorReport } from './output/error-report.js';
import { createPalette, type Palette } from './output/palette.js';
import { commandWords, unknownFlagsReport } from './usage-mistakes.js';

/** oclif's FlagOutput and ArgOutput, which its public entry points do not export. */
type ParsedValues = Record<string, unknown>;

/**
 * What every ci-connect command shares: stdout carries only the result (human text or one JSON
 * object), stderr carries progress and errors, and errors become the contract's exit codes.
 */
export abstract class BaseCommand extends Command {
  static override enableJsonFlag = true;

  protected get palette(): Palette {
    return createPalette(process.stdout, process.env);
  }

  /**
   * DESIGN.md section 9: tokens never reach any output. It knows every credential in the
   * environment from the start; every secret a command reads later is registered here too, and
   * everything printed passes through it.
   */
  protected readonly redactor: Redactor = createProcessRedactor(process.env);

  protected get logger(): Logger {
    return createStderrLogger(createPalette(process.stderr, process.env), process.env, this.redactor);
  }

  /** oclif's parse, then one check of every flag value (flags.ts) and argument for every command. */
  protected override async parse<F extends ParsedValues, B extends ParsedValues, A extends ParsedValues>(
    options?: Input<F, B, A>,
    argv?: string[],
  ): Promise<ParserOutput<F, B, A>> {
    const output = await super.parse(options, argv);
    const definitions = { ...(options ?? this.ctor).flags, ...(options ?? this.ctor).baseFlags };
    refuseControlCharactersInFlags({ flags: output.flags, raw: output.raw, definitions }, process.env);
    // Arguments are printed too (`history show <id>` names the id when it is unknown).
    for (const [name, value] of Object.entries(output.args))
      if (typeof value === 'string') refuseControlCharacters(value, `the argument <${name}>`);
    return output;
  }

  /** Core's Host for this process: its env, directory, clock, stderr and redactor. */
  protected host(signal: AbortSignal = new AbortController().signal): Host {
    return {
      cwd: process.cwd(),
      env: process.env,
      clock: systemClock,
      logger: this.logger,
      redactor: this.redactor,
      signal,
      runProcess,
      newId: randomUUID,
    };
  }

  /** Writes the human result to stdout, redacted. */
  protected writeResult(text: string): void {
    process.stdout.write(this.redactor.redact(text));
  }

  /** Writes text for the person reading the log to stderr, redacted (also with --json). */
  protected writeDiagnostic(text: string): void {
    process.stderr.write(this.redactor.redact(text));
  }

  protected override toSuccessJson(result: unknown): unknown {
    return this.redactor.redactJson(result);
  }

  /** Sets the exit code without ending the process early (output is flushed first). */
  protected setExitCode(code: number): void {
    process.exitCode = code;
  }

  /** Where bugs are reported (package.json `bugs`), for users who have only the installed CLI. */
  private bugReportPlace(): string {
    const bugs: unknown = this.config.pjson.bugs;
    const url = typeof bugs === 'string' ? bugs : (bugs as { url?: unknown } | undefined)?.url;
    return typeof url === 'string' && url !== '' ? ` at ${url}` : '';
  }

  protected override catch(
    error: Error & { exitCode?: number; oclif?: { exit?: number }; flags?: unknown },
  ): Promise<unknown> {
    let exitCode: number;
    let message: string;
    let hint: string | undefined;
    let code = 'INTERNAL';
    if (error instanceof CiConnectError) {
      code = error.code;
      exitCode = error.exitCode;
      message = error.message;
      hint = error.hint;
    } else if (error.oclif !== undefined) {
      // oclif's own parse errors (unknown flag, missing value): a usage error.
      exitCode = error.oclif.exit === 0 ? 0 : ExitCode.config;
      code = 'USAGE';
      message = error.message;
      hint = `run ci-connect ${commandWords(this.id ?? '')} --help`.replace(/ +--help/, ' --help');
      // oclif's NonExistentFlagsError, which it does not export: its `flags` are what was typed.
      if (Array.isArray(error.flags) && error.message.startsWith('Nonexistent flag'))
        ({ message, hint } = unknownFlagsReport(
          error.flags.map(String),
          this.id ?? '',
          this.flagDefinitions(),
        ));
    } else {
      exitCode = ExitCode.internal;
      message = `internal error: ${error.message}`;
      hint = `this is a bug in ci-connect; please report it with this output and the command you ran${this.bugReportPlace()}`;
      if (process.env.CI_CONNECT_DEBUG === '1')
        process.stderr.write(`${this.redactor.redact(error.stack ?? '')}\n`);
    }
    if (exitCode === 0) return Promise.resolve();
    // A ConfigError's message already lists its errors, one `file:line:col path: message` each.
    const diagnostics = error instanceof ConfigError ? error.diagnostics : [];
    const problems = error instanceof CiConnectError ? error.problems : [];
    writeErrorReport(
      { exitCode, code, message, hint, diagnostics, problems },
      this.jsonEnabled(),
      this.redactor,
    );
    return Promise.resolve();
  }

  /** Every flag of this command, its own and the shared ones (--json). */
  private flagDefinitions(): Record<string, { char?: string; hidden?: boolean; allowNo?: boolean }> {
    return { ...this.ctor.baseFlags, ...this.ctor.flags };
  }
}
