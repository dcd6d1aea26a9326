import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { InputError } from '../../errors.js';
import { StaticProvider } from './index.js';

const dir = mkdtempSync(join(tmpdir(), 'static-provider-'));
function file(name: string, content: string | Buffer): string {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}

describe('StaticProvider', () => {
  it('serves numbers and reports null as no data', async () => {
    const provider = await StaticProvider.fromFile(
      file('v.json', '{"rt": 412.5, "errors": 0, "gone": null}'),
    );
    expect(provider.indicators.map((i) => i.name)).toEqual(['rt', 'errors', 'gone']);
    const values = await provider.fetch(['rt', 'errors', 'gone']);
    expect(values).toEqual([
      { sli: 'rt', provider: 'static', value: 412.5 },
      { sli: 'errors', provider: 'static', value: 0 },
      {
        sli: 'gone',
        provider: 'static',
        value: null,
        failure: 'no-data',
        message: expect.stringContaining('null for gone'),
      },
    ]);
  });

  mkdirSync(join(dir, 'a-dir'));
  it.each([
    [join(dir, 'missing.json'), 'does not exist'],
    [join(dir, 'a-dir'), 'is a directory'],
    [file('broken.json', '{"rt": 4'), 'is not valid JSON'],
    [file('array.json', '[1, 2]'), 'must hold a JSON object'],
    [file('string.json', '{"rt": "412ms"}'), '"rt" is "412ms", not a number'],
    [file('big.json', Buffer.alloc(2 * 1024 * 1024, 0x20)), 'is 2.0 MiB, more than the 1.0 MiB allowed'],
    // JSON.parse reads these as ±Infinity, which JSON.stringify would have shown as "null".
    [file('huge.json', '{"rt": 1e309}'), `huge.json: "rt" is out of range (not a finite number)`],
    [file('tiny.json', '{"rt": -1e309}'), `tiny.json: "rt" is out of range (not a finite number)`],
  ])('rejects %s', async (path, message) => {
    const load = StaticProvider.fromFile(path);
    await expect(load).rejects.toThrow(InputError);
    await expect(StaticProvider.fromFile(path)).rejects.toThrow(message);
  });
});
