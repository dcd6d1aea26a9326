import { Chalk } from 'chalk';

/** Colours for one stream: off under NO_COLOR, when the stream is not a terminal, or TERM=dumb. */
export interface Palette {
  pass: (text: string) => string;
  warning: (text: string) => string;
  fail: (text: string) => string;
  info: (text: string) => string;
  dim: (text: string) => string;
  bold: (text: string) => string;
}

export function createPalette(stream: { isTTY?: boolean }, env: NodeJS.ProcessEnv): Palette {
  const forced = env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== '0';
  const off =
    (env.NO_COLOR !== undefined && env.NO_COLOR !== '') || env.TERM === 'dumb' || stream.isTTY !== true;
  const chalk = new Chalk({ level: forced ? 1 : off ? 0 : 1 });
  return {
    pass: (t) => chalk.green(t),
    warning: (t) => chalk.yellow(t),
    fail: (t) => chalk.red(t),
    info: (t) => chalk.cyan(t),
    dim: (t) => chalk.dim(t),
    bold: (t) => chalk.bold(t),
  };
}
