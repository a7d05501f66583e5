import type { Route } from './http.js'

interface CompiledRoute {
  route: Route
  regex: RegExp
  names: string[]
  literalSegments: number
}

/** Matches a path (without `.json` and trailing slash) against the endpoints the emulator implements. */
export class Router {
  private readonly routes: CompiledRoute[]

  constructor(routes: Route[]) {
    this.routes = routes
      .map((route) => {
        const names: string[] = []
        const source = route.pattern
          .split('/')
          .map((segment) => {
            if (!segment.startsWith(':')) return segment.replace(/[.*+?^$()|[\]\\{}]/g, '\\$&')
            names.push(segment.slice(1))
            return '([^/]+)'
          })
          .join('/')
        return {
          route,
          regex: new RegExp(`^${source}$`),
          names,
          literalSegments: route.pattern.split('/').filter((s) => !s.startsWith(':')).length,
        }
      })
      // A literal segment beats a parameter: /tickets/show_many is not /tickets/:ticket_id.
      .sort((a, b) => b.literalSegments - a.literalSegments)
  }

  match(method: string, path: string): { route: Route; params: Record<string, string> } | undefined {
    for (const compiled of this.routes) {
      if (compiled.route.method !== method) continue
      const m = compiled.regex.exec(path)
      if (!m) continue
      const params: Record<string, string> = {}
      compiled.names.forEach((name, i) => (params[name] = decodeURIComponent(m[i + 1] ?? '')))
      return { route: compiled.route, params }
    }
    return undefined
  }
}

/** Zendesk accepts `/api/v2/tickets/1.json` and `/api/v2/tickets/1` alike. */
export function normalizePath(pathname: string): string {
  const trimmed = pathname.length > 1 ? pathname.replace(/\/+$/, '') : pathname
  return trimmed.endsWith('.json') ? trimmed.slice(0, -'.json'.length) : trimmed
}
