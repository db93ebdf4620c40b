/**
 * When the gateway has keys, then the console and its data need the admin key: a script sends it as
 * a Bearer token, a person signs in on the form (an HttpOnly, SameSite=Strict cookie that expires);
 * a gateway key is refused with 403, and every refusal has the API's error shape.
 */
import { describe, expect, it } from 'vitest';
import { hashKey } from '../../src/auth/key-store.ts';
import { fakeUpstream, gatewayProcess } from '../helpers/stack.ts';

const ADMIN = 'console-admin-key-1234567890';
const TEAM = 'console-team-key-1234567890';

const fake = await fakeUpstream();
const gateway = await gatewayProcess({
  config: {
    upstreams: [{ name: 'fake', baseUrl: fake.baseUrl, apiKey: 'sk-upstream' }],
    keys: [{ name: 'team', hash: hashKey(TEAM) }],
    admin: { keyHash: hashKey(ADMIN) },
  },
});

const get = (path: string, headers: Record<string, string> = {}) => fetch(`${gateway.url}${path}`, { headers });
const login = (body: unknown, headers: Record<string, string> = {}) =>
  fetch(`${gateway.url}/console/login`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });

async function errorOf(answer: Response): Promise<{ status: number; code: string; header: string | null }> {
  const body = (await answer.json()) as { error: { code: string; type: string; message: string } };
  expect(body.error.message.length).toBeGreaterThan(10);
  return { status: answer.status, code: body.error.code, header: answer.headers.get('x-breakwater-error') };
}

describe('console with gateway keys', () => {
  it('when a script sends the admin key, then it gets the snapshot; a gateway key gets 403, no key 401', async () => {
    const ok = await get('/console/snapshot', { authorization: `Bearer ${ADMIN}` });
    expect(ok.status).toBe(200);
    expect(await ok.json()).toMatchObject({ breakers: [{ upstream: 'fake', state: 'closed' }], requests: [] });
    expect(await errorOf(await get('/console/snapshot', { authorization: `Bearer ${TEAM}` }))).toEqual({ status: 403, code: 'admin_key_required', header: 'auth' });
    expect(await errorOf(await get('/console/events', { authorization: `Bearer ${TEAM}` }))).toEqual({ status: 403, code: 'admin_key_required', header: 'auth' });
    expect(await errorOf(await get('/console/snapshot'))).toEqual({ status: 401, code: 'invalid_api_key', header: 'auth' });
    expect(await errorOf(await get('/console', { authorization: `Bearer ${TEAM}`, accept: 'text/html' }))).toMatchObject({ status: 403, code: 'admin_key_required' });
  });

  it('when a browser without a session opens /console, then it gets the sign-in form, not the console', async () => {
    const page = await get('/console', { accept: 'text/html' });
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('id="login"');
    expect(html).not.toContain('id="requests"');
    expect(page.headers.get('content-security-policy')).toContain("script-src 'self'");
  });

  it('when a person signs in with the admin key, then an HttpOnly SameSite=Strict cookie opens the console until sign-out', async () => {
    const signedIn = await login({ key: ADMIN });
    expect(signedIn.status).toBe(204);
    const cookie = signedIn.headers.get('set-cookie') ?? '';
    expect(cookie).toMatch(/^breakwater_console=[\w-]{20,}; HttpOnly; SameSite=Strict; Path=\/console; Max-Age=43200/);
    const session = cookie.slice(0, cookie.indexOf(';'));
    const page = await get('/console', { cookie: session, accept: 'text/html' });
    expect(await page.text()).toContain('id="requests"');
    expect((await get('/console/snapshot', { cookie: session })).status).toBe(200);
    const out = await fetch(`${gateway.url}/console/logout`, { method: 'POST', headers: { cookie: session } });
    expect(out.status).toBe(204);
    expect(out.headers.get('set-cookie')).toContain('Max-Age=0');
    expect((await get('/console/snapshot', { cookie: session })).status).toBe(401);
  });

  it('when the sign-in form gets a gateway key, a wrong key, a form post or another site, then it refuses', async () => {
    expect(await errorOf(await login({ key: TEAM }))).toMatchObject({ status: 403, code: 'admin_key_required' });
    expect(await errorOf(await login({ key: 'wrong-key' }))).toMatchObject({ status: 401, code: 'invalid_api_key' });
    expect(await errorOf(await login({}))).toMatchObject({ status: 400, code: 'invalid_body' });
    const form = await fetch(`${gateway.url}/console/login`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: `key=${ADMIN}` });
    expect(await errorOf(form)).toMatchObject({ status: 415, code: 'unsupported_media_type' });
    expect(await errorOf(await login({ key: ADMIN }, { origin: 'https://evil.example' }))).toMatchObject({ status: 400, code: 'bad_request' });
  });

  it('when a gateway key calls the model API, then the admin key still is no model caller', async () => {
    const answer = await fetch(`${gateway.baseURL}/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${ADMIN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] }),
    });
    expect(answer.status).toBe(401);
  });

  it('when the console is asked for a file or path it does not have, then it answers 404 in the API shape', async () => {
    expect(await errorOf(await get('/console/assets/../../package.json'))).toMatchObject({ status: 404 });
    expect(await errorOf(await get('/console/assets/secrets.js'))).toMatchObject({ status: 404, code: 'not_found' });
    expect(await errorOf(await get('/console/nope'))).toMatchObject({ status: 404, code: 'not_found' });
    expect((await get('/console/assets/console.js')).headers.get('content-type')).toContain('text/javascript');
  });
});
