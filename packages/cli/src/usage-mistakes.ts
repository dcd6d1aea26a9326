/**
 * Typing mistakes on the command line, answered with the nearest name (core's suggestKey, the
 * same "did you mean" as in config files): an unknown flag of a command, and an unknown command
 * (oclif's command_not_found hook, registered in package.json). A small edit distance rather
 * than @oclif/plugin-not-found: that plugin prompts on a terminal (no use in CI), knows no flags,
 * and brings @inquirer/prompts into a bundle whose start-up time matters (bench/startup.js).
 */
import type { Hook } from '@oclif/core/hooks';
import { createProcessRedactor, ExitCode, suggestKey } from '@ci-connect/core';
import { writeErrorReport } from './output/error-report.js';

/** A flag as oclif defines it, as far as naming goes. */
interface FlagNaming {
  char?: string | undefined;
  hidden?: boolean | undefined;
  allowNo?: boolean | undefined;
}

/** `history:list` as the user types it: `history list`. */
export function commandWords(id: string): string {
  return id.replaceAll(':', ' ');
}

/** The error for flags a command does not have: which, where, and the nearest it has. */
export function unknownFlagsReport(
  flags: readonly string[],
  commandId: string,
  definitions: Readonly<Record<string, FlagNaming>>,
): { message: string; hint: string } {
  const names = flags.map((flag) => flag.replace(/=.*$/s, ''));
  const command = `ci-connect ${commandWords(commandId)}`;
  const known = Object.entries(definitions)
    .filter(([, definition]) => definition.hidden !== true)
    .flatMap(([name, definition]) => (definition.allowNo === true ? [name, `no-${name}`] : [name]));
  const suggestions = names.flatMap((name) => {
    const close = name.startsWith('--') ? suggestKey(name.slice(2), known) : undefined;
    return close === undefined ? [] : [`--${close}`];
  });
  const plural = names.length === 1 ? 'flag' : 'flags';
  const help = `run ${command} --help for its flags`;
  return {
    message: `unknown ${plural} ${names.join(', ')} for ${command}`,
    hint: suggestions.length === 0 ? help : `did you mean ${suggestions.join(', ')}? ${help}`,
  };
}

/** The error for a command that does not exist, with the nearest command or topic. */
export function unknownCommandReport(
  id: string,
  commandIds: readonly string[],
  topics: readonly string[],
): { message: string; hint: string } {
  const typed = commandWords(id);
  const commands = commandIds.map(commandWords);
  const close = suggestKey(typed, [...commands, ...topics]);
  return {
    message: `unknown command ${JSON.stringify(typed)}`,
    hint:
      close === undefined
        ? `the commands are: ${commands.join(', ')}; run ci-connect --help`
        : `did you mean "ci-connect ${close}"? run ci-connect --help for all commands`,
  };
}

/** oclif's command_not_found hook: the error above, exit 2, and the error object with --json. */
export const commandNotFound: Hook.CommandNotFound = function (options) {
  const { config, id, argv = [] } = options;
  const visible = config.commands.filter((command) => command.hidden !== true);
  const report = unknownCommandReport(
    id,
    visible.map((command) => command.id),
    config.topics.filter((topic) => topic.hidden !== true).map((topic) => commandWords(topic.name)),
  );
  const json = argv.includes('--json') || process.argv.includes('--json');
  writeErrorReport(
    { exitCode: ExitCode.config, code: 'USAGE', ...report },
    json,
    createProcessRedactor(process.env),
  );
  return Promise.resolve(undefined);
};
