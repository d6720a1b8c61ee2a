import { describe, expect, it } from 'vitest';
import { notion } from './notion.js';

const hooks = notion.settings({}).hooks!;

describe('Notion preset', () => {
  it('reads the person and the workspace from the token answer, and nothing of its tokens', () => {
    const profile = hooks.tokenResponseProfile!({
      access_token: 'ntn_secret',
      refresh_token: 'nrt_secret',
      bot_id: 'bot-1',
      workspace_id: 'ws-1',
      workspace_name: 'Acme',
      owner: { type: 'user', user: { object: 'user', id: 'user-1', name: 'Ada', avatar_url: 'https://img.test/a.png', type: 'person', person: { email: 'ada@acme.test' } } },
    });
    expect(profile).toEqual({
      id: 'user-1',
      name: 'Ada',
      picture: 'https://img.test/a.png',
      email: 'ada@acme.test',
      email_verified: false,
      workspace_id: 'ws-1',
      workspace_name: 'Acme',
      workspace_icon: null,
      bot_id: 'bot-1',
    });
  });

  it('finds no person in a workspace-level answer (owner.workspace), so the sign-in is refused rather than made as nobody', () => {
    expect(hooks.tokenResponseProfile!({ access_token: 'ntn_secret', bot_id: 'bot-1', workspace_id: 'ws-1', owner: { type: 'workspace', workspace: true } })).toBeUndefined();
  });

  it('sends the token request as JSON with its version header, keeping the Basic credentials', () => {
    const sent = hooks.tokenRequest!({
      body: new URLSearchParams({ grant_type: 'authorization_code', code: 'c', redirect_uri: 'https://app.test/cb' }),
      headers: { authorization: 'Basic abc', 'content-type': 'application/x-www-form-urlencoded;charset=UTF-8', accept: 'application/json' },
    });
    expect(JSON.parse(sent.body)).toEqual({ grant_type: 'authorization_code', code: 'c', redirect_uri: 'https://app.test/cb' });
    expect(sent.headers).toEqual({ authorization: 'Basic abc', accept: 'application/json', 'content-type': 'application/json', 'notion-version': '2026-03-11' });
  });
});
