/**
 * The public API of @ci-connect/core, locked like the CLI's command surface: a change to what
 * front ends can import shows up here, on purpose or not. (Issue 9 curates the list itself.)
 */

import { expect, it } from 'vitest';
import * as api from './index.js';

it('exports exactly these names', () => {
  expect(Object.keys(api).sort()).toMatchSnapshot();
});

it('exports the application layer every front end calls', () => {
  for (const name of [
    'evaluate',
    'triggerDeployment',
    'promoteRelease',
    'validate',
    'doctor',
    'sendEvent',
    'report',
  ])
    expect(typeof (api as Record<string, unknown>)[name], name).toBe('function');
});
