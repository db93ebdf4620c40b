import { describe, expect, it } from 'vitest';
import { parseConfig } from '../config/load.js';
import { RouteTable, type ApiName } from './route-table.js';

/** The plan of a model, or why there is none. */
function planOf(table: RouteTable, model: string, api: ApiName): unknown {
  const match = table.match(model, api);
  return 'plan' in match ? match.plan : match;
}

const UPSTREAMS = [
  { name: 'oa', baseUrl: 'http://oa/v1' },
  { name: 'an', api: 'anthropic', baseUrl: 'http://an/v1' },
  { name: 'an2', api: 'anthropic', baseUrl: 'http://an2/v1' },
];

describe('RouteTable: a request reaches only upstreams of the API it speaks', () => {
  it('without routes, each API goes to its first upstream, or has none', () => {
    const table = new RouteTable(parseConfig({ upstreams: UPSTREAMS }));
    expect(planOf(table, 'anything', 'openai')).toEqual([{ upstream: 'oa', model: 'anything' }]);
    expect(planOf(table, 'anything', 'anthropic')).toEqual([{ upstream: 'an', model: 'anything' }]);
    expect(planOf(new RouteTable(parseConfig({ upstreams: [UPSTREAMS[0]] })), 'claude-x', 'anthropic')).toEqual({ reason: 'no_upstream' });
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
    expect(planOf(table, 'claude-sonnet-4-6', 'anthropic')).toEqual([
      { upstream: 'an', model: 'claude-sonnet-4-6', timeouts: undefined, weight: 1 },
      { upstream: 'an2', model: 'claude-backup', timeouts: undefined, weight: 1 },
    ]);
    expect(planOf(table, 'claude-sonnet-4-6', 'openai')).toEqual({ reason: 'other_api', api: 'anthropic' });
    // the anthropic catch-all takes what the openai route would have matched
    expect(planOf(table, 'gpt-4o', 'anthropic')).toEqual([{ upstream: 'an2', model: 'gpt-4o', timeouts: undefined, weight: 1 }]);
    expect(planOf(table, 'mistral', 'openai')).toEqual({ reason: 'other_api', api: 'anthropic' });
  });

  it('with routes of one API only, an unmatched model has no route', () => {
    const table = new RouteTable(parseConfig({ upstreams: UPSTREAMS, routes: [{ match: 'gpt-*', targets: [{ upstream: 'oa' }] }] }));
    expect(planOf(table, 'o3', 'openai')).toEqual({ reason: 'no_route' });
  });
});
