import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { formPostParameters, formPostRelayPage, isRelayedFormPost, RELAYED_FIELD } from './form-post-relay.js';

describe('the form_post relay', () => {
  it('takes the posted string fields, not the marker nor anything a parser made of other types', () => {
    const parameters = formPostParameters({ code: 'c', state: 's', [RELAYED_FIELD]: '1', list: ['a', 'b'], nested: { x: 1 } });
    expect([...parameters]).toEqual([['code', 'c'], ['state', 's']]);
    expect([...formPostParameters(null)]).toEqual([]);
    expect([...formPostParameters('code=c')]).toEqual([]);
  });

  it('knows its own post by the marker alone', () => {
    expect(isRelayedFormPost({ [RELAYED_FIELD]: '1' })).toBe(true);
    expect(isRelayedFormPost({ [RELAYED_FIELD]: 'yes' })).toBe(false);
    expect(isRelayedFormPost(undefined)).toBe(false);
  });

  it('escapes every posted name and value, so a hostile answer cannot add markup or script', () => {
    const hostile = new URLSearchParams([['state', '"><script>alert(1)</script>'], ['x" onfocus="alert(2)', "it's & <b>"]]);
    const { html } = formPostRelayPage('/auth/apple/callback', hostile);
    expect(html).toContain('value="&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;"');
    expect(html).toContain('name="x&quot; onfocus=&quot;alert(2)" value="it&#39;s &amp; &lt;b&gt;"');
    expect(html.match(/<script>/g)).toHaveLength(1);
  });

  it('posts to the action with the marker; its one script is the one its CSP allows by hash; at most 20 fields', () => {
    const many = new URLSearchParams(Array.from({ length: 30 }, (_, i): [string, string] => [`f${i}`, String(i)]));
    const { html, contentSecurityPolicy } = formPostRelayPage('/auth/apple/callback', many);
    expect(html).toContain('<form method="post" action="/auth/apple/callback">');
    expect(html.match(/<input type="hidden"/g)).toHaveLength(21);
    expect(html).toContain(`name="${RELAYED_FIELD}" value="1"`);
    const script = /<script>([^<]*)<\/script>/.exec(html)![1]!;
    const style = /<style>([^<]*)<\/style>/.exec(html)![1]!;
    const hash = (text: string) => createHash('sha256').update(text).digest('base64');
    expect(contentSecurityPolicy).toBe(`default-src 'none'; script-src 'sha256-${hash(script)}'; style-src 'sha256-${hash(style)}'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'`);
  });

  it('is readable on a phone without JavaScript: a viewport, and its one style allowed by the CSP', () => {
    const { html } = formPostRelayPage('/auth/apple/callback', new URLSearchParams({ code: 'c' }));
    expect(html).toContain('<meta name="viewport" content="width=device-width, initial-scale=1">');
    expect(html).toContain('<noscript><p>Signing you in… <button type="submit">Continue</button></p></noscript>');
  });
});
