import { describe, expect, it } from 'vitest';
import { escapeHtml, joinHtml, markup } from './safe-html.js';

describe('markup', () => {
  it('escapes text and attribute values, keeps markup it made', () => {
    const name = `<b>"Tom" & 'Jerry'</b>`;
    const inner = markup`<i>${name}</i>`;
    expect(markup`<p title="${name}">${inner} ${3}</p>`.toString()).toBe(
      '<p title="&lt;b&gt;&quot;Tom&quot; &amp; &apos;Jerry&apos;&lt;/b&gt;"><i>&lt;b&gt;&quot;Tom&quot; &amp; &apos;Jerry&apos;&lt;/b&gt;</i> 3</p>',
    );
  });

  it('leaves out undefined and false, and joins lists of markup', () => {
    expect(markup`a${undefined}b${false}c${[markup`<br>`, markup`<hr>`]}`.toString()).toBe('abc<br><hr>');
    expect(joinHtml([markup`<i>1</i>`, markup`<i>2</i>`], ' & ').toString()).toBe('<i>1</i> &amp; <i>2</i>');
  });

  it('escapeHtml escapes the five special characters', () => {
    expect(escapeHtml(`<>&"'`)).toBe('&lt;&gt;&amp;&quot;&apos;');
  });
});
