/**
 * Readers of the fields of a Keptn event, each throwing a FieldProblem that names the field's
 * path (`data.evaluation.indicatorResults[2].value.metric`) and what is wrong with it; and the image
 * (so the version) a deployment event names.
 */

type Fields = Readonly<Record<string, unknown>>;

/** Thrown inside the converter for a field that cannot be read; becomes a `problem` outcome. */
export class FieldProblem extends Error {
  constructor(
    readonly path: string,
    message: string,
  ) {
    super(message);
  }
}

export function requireTime(value: unknown, path: string): string {
  const time = optionalTime(value, path);
  if (time === undefined) throw new FieldProblem(path, `${path} is missing: the evaluation's time`);
  return time;
}

export function optionalTime(value: unknown, path: string): string | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  const date = typeof value === 'string' ? new Date(value) : undefined;
  if (date === undefined || Number.isNaN(date.getTime()))
    throw new FieldProblem(path, `${path} is ${describe(value)}; it must be an ISO 8601 time`);
  return date.toISOString();
}

export function numberOr<T>(value: unknown, path: string, fallback: T): number | T {
  return value === undefined || value === null ? fallback : requireNumber(value, path);
}

export function requireNumber(value: unknown, path: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value))
    throw new FieldProblem(path, `${path} is ${describe(value)}; it must be a number`);
  return value;
}

export function stringsOf(value: unknown, path: string): string[] {
  if (value === null || value === undefined) return [];
  if (!Array.isArray(value) || value.some((id) => typeof id !== 'string'))
    throw new FieldProblem(path, `${path} is ${describe(value)}; it must be a list of event ids`);
  return value as string[];
}

export function requireObject(value: unknown, path: string): Fields {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new FieldProblem(path, `${path} is ${describe(value)}; it must be an object`);
  return value as Fields;
}

export function objectOr(value: unknown): Fields {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Fields) : {};
}

export function text(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

export function describe(value: unknown): string {
  if (value === undefined) return 'missing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'string')
    return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}...` : value);
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}

/** The image a deployment event names (Keptn 0.8+: configurationChange.values.image; 0.6: image and tag). */
export function imageOf(data: Fields): string | undefined {
  const values = objectOr(objectOr(data.configurationChange).values);
  const canary = objectOr(data.valuesCanary);
  const image = text(values.image) ?? text(canary.image);
  if (image !== undefined) return image;
  const legacy = text(data.image);
  const tag = text(data.tag);
  return legacy === undefined ? undefined : tag === undefined ? legacy : `${legacy}:${tag}`;
}

/** The tag of an image reference (`docker.io/keptnexamples/carts:0.13.1` → `0.13.1`); '' without one. */
export function imageTag(image: string): string {
  const name = image.split('@')[0] ?? '';
  const colon = name.lastIndexOf(':');
  return colon > name.lastIndexOf('/') ? name.slice(colon + 1) : '';
}
