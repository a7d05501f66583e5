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
})
