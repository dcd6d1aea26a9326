import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { SCHEMA_FILES, readSchema, schemaValidator } from './schema-check.js';
import type { SchemaName } from './schema-check.js';

const names = Object.keys(SCHEMA_FILES) as SchemaName[];

describe.each(names)('schemas/%s.schema.json', (name) => {
  const schema = readSchema(name);

  it('is unchanged (update the snapshot deliberately: editors and users rely on it)', () => {
    expect(schema).toMatchSnapshot();
  });

  it('is a valid draft-07 JSON Schema that strict ajv compiles', () => {
    const ajv = new Ajv({ strict: true, allowUnionTypes: true });
    expect(ajv.validateSchema(schema), JSON.stringify(ajv.errors)).toBe(true);
    expect(() => ajv.compile(schema)).not.toThrow();
  });

  it('has an $id, a title and a description for every property, for editors', () => {
    expect(schema.$schema).toBe('http://json-schema.org/draft-07/schema#');
    expect(schema.$id).toBe(`https://ci-connect.dev/${SCHEMA_FILES[name]}`);
    expect(typeof schema.title).toBe('string');
    expect(undocumented(schema)).toEqual([]);
  });

  it('compiles once, on first use', async () => {
    expect(await schemaValidator(name)).toBe(await schemaValidator(name));
  });
});

/** Paths of properties and definitions without a description (directly or through $ref). */
function undocumented(schema: unknown, path = '#'): string[] {
  if (typeof schema !== 'object' || schema === null) return [];
  const node = schema as Record<string, unknown>;
  const missing: string[] = [];
  for (const group of ['properties', 'definitions']) {
    const children = node[group] as Record<string, Record<string, unknown>> | undefined;
    for (const [key, child] of Object.entries(children ?? {})) {
      if (typeof child.description !== 'string') missing.push(`${path}/${group}/${key}`);
      missing.push(...undocumented(child, `${path}/${group}/${key}`));
    }
  }
  return missing;
}
