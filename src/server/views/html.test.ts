import { describe, expect, it } from 'vitest';
import { html } from './html.js';

describe('html templates', () => {
  it('escape interpolated values, so provider-supplied names render as text', () => {
    const name = '<img src=x onerror=alert(1)>';
    expect(html`<p>${name}</p>`.value).toBe('<p>&lt;img src=x onerror=alert(1)&gt;</p>');
    expect(html`<a title="${'" onmouseover="x'}">`.value).toBe('<a title="&quot; onmouseover=&quot;x">');
  });

  it('nest templates and arrays without escaping them twice', () => {
    const items = ['a&b', '<c>'].map((item) => html`<li>${item}</li>`);
    expect(html`<ul>${items}</ul>`.value).toBe('<ul><li>a&amp;b</li><li>&lt;c&gt;</li></ul>');
  });

  it('render null, undefined and false as nothing', () => {
    expect(html`[${null}${undefined}${false}]`.value).toBe('[]');
  });
});
