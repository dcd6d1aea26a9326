import { describe, expect, it } from 'vitest';
import { approvalInActionTerms, inActionTerms } from './cli-terms.js';

describe('inActionTerms: the input a CLI flag in a message stands for', () => {
  it.each([
    ['run again with --approved-by NAME to approve', 'run again with the input approved_by to approve'],
    [
      'say which with --service (env CI_CONNECT_SERVICE)',
      'say which with the input service (env CI_CONNECT_SERVICE)',
    ],
    ['--from and --to both name prod', 'the input from_stage and the input stage both name prod'],
    ['or pass --force', 'or pass the input force'],
    ['(--config-dir, CI_CONNECT_CONFIG_DIR)', '(the input config_dir, CI_CONNECT_CONFIG_DIR)'],
    // Flags the action has no input for, and text that only looks like a flag, stay as they are.
    ['ci-connect history list --json', 'ci-connect history list --json'],
    ['| --- | --- |', '| --- | --- |'],
    ['a--service b', 'a--service b'],
  ])('%s', (text, expected) => {
    expect(inActionTerms(text)).toBe(expected);
  });
});

describe('approvalInActionTerms: log lines keep the command lines tools ran', () => {
  it.each([
    [
      'approval: waiting: run again with --approved-by NAME to approve',
      'approval: waiting: run again with the input approved_by to approve',
    ],
    [
      'running helm upgrade --install carts ./chart --values values.yaml --version 1.4.2',
      'running helm upgrade --install carts ./chart --values values.yaml --version 1.4.2',
    ],
  ])('%s', (text, expected) => {
    expect(approvalInActionTerms(text)).toBe(expected);
  });
});
