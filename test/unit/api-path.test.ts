// callApi's path check: each refused form is a way a path could leave the configured Zendesk's /api/v2.
import { describe, expect, it } from 'vitest'
import { apiPath } from '../../src/zendesk/api-path'

describe('apiPath', () => {
  it.each([
    ['tickets/123.json', 'tickets/123.json'],
    ['/api/v2/tickets/123.json', 'tickets/123.json'],
    ['api/v2/users/search.json', 'users/search.json'],
    ['/groups', 'groups'],
    ['  search/export.json ', 'search/export.json'],
    ['/api/v2/api/v2/x.json', 'api/v2/x.json'],
  ])('%s is the path %s below /api/v2/', (input, path) => {
    expect(apiPath(input)).toEqual({ path })
  })

  it.each([
    ['https://evil.test/api/v2/tickets', 'another host, by URL'],
    ['HTTP://evil.test', 'another host, upper-case scheme'],
    ['//evil.test/api/v2', 'another host, scheme-relative'],
    ['javascript:alert(1)', 'a scheme'],
    ['../oauth/tokens', 'out of /api/v2'],
    ['tickets/../../oauth/tokens', 'out of /api/v2, midway'],
    ['tickets/./1.json', 'a dot segment'],
    ['%2e%2e/oauth/tokens', 'an encoded dot'],
    ['..%2Foauth', 'an encoded slash'],
    ['%252e%252e/oauth', 'a double encoding'],
    ['..\\oauth', 'a backslash'],
    ['tickets.json?x=1', 'a query'],
    ['tickets.json#x', 'a fragment'],
    ['tickets\n.json', 'a control character'],
    ['tickets//1.json', 'an empty segment'],
    ['/api/v2/', 'nothing below /api/v2'],
  ])('%s is refused (%s)', (input) => {
    expect(apiPath(input)).toHaveProperty('refused')
  })

  it.each([
    ['a colon', 'tickets:1', '"tickets:1" has a colon in its first segment, which reads as a URL scheme: separate the resource and its ID with a slash, e.g. "tickets/123.json"'],
    ['/api/v2 alone', '/api/v2', '"/api/v2" is not a path under /api/v2'],
    ['api/v2 alone', 'api/v2', '"api/v2" is not a path under /api/v2'],
    ['2,001 characters', 'a'.repeat(2001), 'the path is 2001 characters long, more than 2000: no Zendesk API path is that long'],
  ])('a path with %s is refused saying what is wrong', (_what, input, refused) => {
    expect(apiPath(input)).toEqual({ refused })
  })
})
