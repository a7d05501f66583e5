import * as sdk from '@botpress/sdk'
import { connect, readSetup, type Setup } from '../connection'
import { apiPath } from '../zendesk/api-path'
import { ownMachinery } from '../zendesk/own-machinery'
import type { ActionOutput, ActionProps } from '../types'

// Headers that carry credentials, shape the connection or the body's encoding stay the integration's own (the
// transport's fetch refuses several of them outright, which would read as a network error).
const FORBIDDEN_HEADERS =
  /^(authorization|cookie|host|content-length|content-type|transfer-encoding|connection|keep-alive|expect|upgrade|te|trailer|http2-settings|proxy-.*|x-forwarded-.*)$/i
const HEADER_NAME = /^[A-Za-z0-9!#$%&'*+.^_`|~-]+$/
// Printable ASCII and tab: fetch refuses control characters and anything beyond Latin-1, and Latin-1 itself
// reaches Zendesk as bytes it reads otherwise.
const HEADER_VALUE = /^[\t\x20-\x7e]*$/
const SHOWN_HEADERS = /^(x-rate-limit.*|ratelimit-.*|zendesk-ratelimit-.*|retry-after|content-type|location|x-zendesk-api-warn)$/i

function jsonField(name: string, text: string | undefined): unknown {
  if (text === undefined || text.trim() === '') return undefined
  try {
    return JSON.parse(text)
  } catch {
    throw new sdk.RuntimeError(`${name} is not JSON: write it as JSON, e.g. ${name === 'requestBody' ? '{"ticket": {"status": "open"}}' : '{"page[size]": "10"}'}`)
  }
}

function stringRecord(name: string, value: unknown): Record<string, string> {
  if (value === undefined) return {}
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new sdk.RuntimeError(`${name} must be a JSON object of names to values`)
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, typeof v === 'string' ? v : JSON.stringify(v)]))
}

async function setupIfAny(props: ActionProps<'callApi'>): Promise<Setup | undefined> {
  try {
    return await readSetup(props)
  } catch (thrown) {
    // Not registered yet: there is no webhook or trigger of ours to protect.
    if (thrown instanceof sdk.RuntimeError) return undefined
    throw thrown
  }
}

export async function callApi(props: ActionProps<'callApi'>): Promise<ActionOutput<'callApi'>> {
  const { input } = props
  const checked = apiPath(input.path)
  if ('refused' in checked) throw new sdk.RuntimeError(`callApi reaches only the connected Zendesk's /api/v2: ${checked.refused}.`)
  const query = stringRecord('params', jsonField('params', input.params))
  const headers = stringRecord('headers', jsonField('headers', input.headers))
  const malformed = Object.entries(headers).filter(([name, value]) => !HEADER_NAME.test(name) || !HEADER_VALUE.test(value))
  if (malformed.length) {
    throw new sdk.RuntimeError(`callApi cannot send the header ${JSON.stringify(malformed[0]![0])}: a header is a plain name and a one-line value of printable ASCII characters.`)
  }
  const forbidden = Object.keys(headers).filter((h) => FORBIDDEN_HEADERS.test(h))
  if (forbidden.length) throw new sdk.RuntimeError(`callApi sets ${forbidden.join(', ')} itself: remove ${forbidden.length > 1 ? 'them' : 'it'} from headers.`)
  const body = input.method === 'GET' || input.method === 'DELETE' ? undefined : jsonField('requestBody', input.requestBody)
  if (body !== undefined && (typeof body !== 'object' || body === null || Array.isArray(body))) {
    throw new sdk.RuntimeError('requestBody must be a JSON object, as every Zendesk API body is, e.g. {"ticket": {"status": "open"}}')
  }

  const own = ownMachinery(input.method, checked.path, query, body, await setupIfAny(props))
  if (own) throw new sdk.RuntimeError(`callApi does not touch the integration's own Zendesk machinery: ${own}.`)

  const { zendesk } = connect(props)
  const res = await zendesk.send(input.method, checked.path, {
    query,
    headers,
    ...(body !== undefined ? { body } : {}),
    call: { operation: `${input.method} /api/v2/${checked.path}`, anyStatus: true },
  })
  const shown: Record<string, string> = {}
  res.headers.forEach((value, key) => {
    if (SHOWN_HEADERS.test(key)) shown[key] = value
  })
  return { status: res.status, headers: shown, data: res.body ?? null }
}
