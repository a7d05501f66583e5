// callApi's boundary: a bot builder (or an end user's words a flow passes on) names a path, and the request must
// still reach only the configured Zendesk's /api/v2. A path is never a URL: no scheme, no host, no way up and out
// (`..`, `.`), no encoded way either (%2e, %2f, %5c, double encoding), no query or fragment smuggled in (query
// parameters are their own field). The origin is ours; the path only adds segments below /api/v2/.

const ALLOWED = /^[A-Za-z0-9._~\-/:,@]+$/
// Zendesk's longest paths are well under this; a longer one is refused rather than answered by a 414 or 431.
export const MAX_PATH_LENGTH = 2000

/** The path below /api/v2/ to request, or the reason it is refused. */
export function apiPath(input: string): { path: string } | { refused: string } {
  const raw = input.trim()
  if (raw.length > MAX_PATH_LENGTH) return { refused: `the path is ${raw.length} characters long, more than ${MAX_PATH_LENGTH}: no Zendesk API path is that long` }
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(raw) || raw.startsWith('//') || raw.includes('\\')) {
    return { refused: `"${input}" is a URL: give a path under /api/v2, e.g. "tickets/123.json"` }
  }
  if (/^[a-z][a-z0-9+.-]*:/i.test(raw)) {
    return { refused: `"${input}" has a colon in its first segment, which reads as a URL scheme: separate the resource and its ID with a slash, e.g. "tickets/123.json"` }
  }
  if (/%/.test(raw)) return { refused: `"${input}" has percent-encoded characters: give the path as plain text` }
  if (/[?#]/.test(raw)) return { refused: `"${input}" has a query or fragment: put query parameters in "params"` }
  if (!ALLOWED.test(raw)) return { refused: `"${input}" has characters a Zendesk API path never has` }
  const path = raw.replace(/^\/+/, '').replace(/^api\/v2(?:\/|$)/, '')
  const segments = path.split('/')
  if (segments.some((s) => s === '..' || s === '.')) return { refused: `"${input}" climbs out of /api/v2 ("." or "..")` }
  if (!path || segments.some((s) => s === '')) return { refused: `"${input}" is not a path under /api/v2` }
  return { path }
}
