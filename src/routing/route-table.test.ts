import { describe, expect, it } from 'vitest';
import { parseConfig } from '../config/load.js';
import { RouteTable } from './route-table.js';

const UPSTREAMS = [
  { name: 'oa', baseUrl: 'http://oa/v1' },
  { name: 'an', api: 'anthropic', baseUrl: 'http://an/v1' },
  { name: 'an2', api: 'anthropic', baseUrl: 'http://an2/v1' },
];

describe('RouteTable: a request reaches only upstreams of the API it speaks', () => {
  it('without routes, each API goes to its first upstream, or has none', () => {
    const table = new RouteTable(parseConfig({ upstreams: UPSTREAMS }));
    expect(table.plan('anything', 'openai')).toEqual([{ upstream: 'oa', model: 'anything' }]);
    expect(table.plan('anything', 'anthropic')).toEqual([{ upstream: 'an', model: 'anything' }]);
    expect(new RouteTable(parseConfig({ upstreams: [UPSTREAMS[0]] })).plan('claude-x', 'anthropic')).toEqual({ reason: 'no_upstream' });
  });

  it('with routes, the first matching route of the request\'s own API wins; another API\'s match is named', () => {
    const table = new RouteTable(parseConfig({
      upstreams: UPSTREAMS,
      routes: [
        { match: 'claude-*', targets: [{ upstream: 'an' }, { upstream: 'an2', model: 'claude-backup' }] },
        { match: 'gpt-*', targets: [{ upstream: 'oa' }] },
        { match: '*', targets: [{ upstream: 'an2' }] },
      ],
    }));
    expect(table.plan('claude-sonnet-4-6', 'anthropic')).toEqual([
      { upstream: 'an', model: 'claude-sonnet-4-6', timeouts: undefined },
      { upstream: 'an2', model: 'claude-backup', timeouts: undefined },
    ]);
    expect(table.plan('claude-sonnet-4-6', 'openai')).toEqual({ reason: 'other_api', api: 'anthropic' });
    // the anthropic catch-all takes what the openai route would have matched
    expect(table.plan('gpt-4o', 'anthropic')).toEqual([{ upstream: 'an2', model: 'gpt-4o', timeouts: undefined }]);
    expect(table.plan('mistral', 'openai')).toEqual({ reason: 'other_api', api: 'anthropic' });
  });

  it('with routes of one API only, an unmatched model has no route', () => {
    const table = new RouteTable(parseConfig({ upstreams: UPSTREAMS, routes: [{ match: 'gpt-*', targets: [{ upstream: 'oa' }] }] }));
    expect(table.plan('o3', 'openai')).toEqual({ reason: 'no_route' });
  });
});
