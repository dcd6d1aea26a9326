import { InputError } from '../../errors.js';
import { readRegularFile } from '../../files/regular-file.js';
import type { SliValue } from '../../gate/types.js';
import type { IndicatorDefinition, SliProvider } from '../provider.js';

/** A values file is small by nature; anything bigger is a mistake (e.g. a JTL passed as --values). */
const MAX_BYTES = 1024 * 1024;

/**
 * SLI values given directly (`--values file.json`: `{"sli": number | null}`; null is "no data").
 * For dry runs, demos and tests, and for values computed by an earlier pipeline step.
 */
export class StaticProvider implements SliProvider {
  readonly name = 'static';
  readonly indicators: readonly IndicatorDefinition[];

  private constructor(
    private readonly file: string,
    private readonly values: ReadonlyMap<string, number | null>,
  ) {
    this.indicators = [...values.keys()].map((name) => ({ name, query: name, origin: 'values', file }));
  }

  /** Reads and checks a values file. */
  static async fromFile(file: string): Promise<StaticProvider> {
    return new StaticProvider(file, parseValues(await readValuesFile(file), file));
  }

  fetch(names: readonly string[]): Promise<SliValue[]> {
    return Promise.resolve(
      names.map((sli): SliValue => {
        const value = this.values.get(sli);
        return value === undefined || value === null
          ? {
              sli,
              provider: this.name,
              value: null,
              failure: 'no-data',
              message: `${this.file} gives null for ${sli}`,
            }
          : { sli, provider: this.name, value };
      }),
    );
  }
}

async function readValuesFile(file: string): Promise<string> {
  const buffer = await readRegularFile(file, {
    label: '--values',
    maxBytes: MAX_BYTES,
    // Most often a JMeter results file given to the wrong flag.
    hint: 'pass a small JSON file such as {"response_time_p95": 412} with --values; a JMeter results file goes to --jtl',
  });
  return buffer.toString('utf8');
}

function parseValues(text: string, file: string): Map<string, number | null> {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new InputError(`values file ${file} is not valid JSON: ${(error as Error).message}`, {
      hint: 'write an object of SLI names to numbers, e.g. {"error_rate": 0.4, "throughput": null}',
    });
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    throw new InputError(`values file ${file} must hold a JSON object of SLI names to numbers`, {
      hint: 'e.g. {"response_time_p95": 412, "error_rate": 0.4}',
    });
  }
  const values = new Map<string, number | null>();
  for (const [sli, value] of Object.entries(data as Record<string, unknown>)) {
    values.set(sli, checkValue(value, sli, file));
  }
  return values;
}

function checkValue(value: unknown, sli: string, file: string): number | null {
  if (value === null || (typeof value === 'number' && Number.isFinite(value))) return value;
  if (typeof value === 'number') {
    // JSON.parse turns a number beyond ±1.8e308 (e.g. 1e309) into Infinity; JSON.stringify
    // would then print it as null, so it is described, not quoted.
    throw new InputError(`values file ${file}: "${sli}" is out of range (not a finite number)`, {
      hint: 'write a number between -1.7976931348623157e308 and 1.7976931348623157e308, or null for "no data"',
    });
  }
  throw new InputError(`values file ${file}: "${sli}" is ${JSON.stringify(value)}, not a number or null`, {
    hint: 'write numbers without quotes or units; null means "no data"',
  });
}
