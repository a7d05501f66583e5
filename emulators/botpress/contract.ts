import { readFileSync } from 'node:fs'
import Ajv, { type ErrorObject, type ValidateFunction } from 'ajv'
import addFormats from 'ajv-formats'

const SPEC_URL = new URL('../contracts/botpress-runtime-openapi.json', import.meta.url)
const FILES_SPEC_URL = new URL('../contracts/botpress-files-openapi.json', import.meta.url)
const SPEC_ID = 'botpress-runtime-openapi.json'

type JsonSchema = Record<string, unknown>

interface SpecParameter {
  name: string
  in: 'path' | 'query' | 'header'
  required?: boolean
  schema: JsonSchema
}

interface SpecOperation {
  operationId: string
  parameters?: SpecParameter[]
  requestBody?: { $ref: string }
  responses: Record<string, { $ref: string }>
}

interface Spec {
  paths: Record<string, Record<string, SpecOperation>>
  components?: Record<string, Record<string, unknown>>
}

/**
 * Botpress publishes the runtime and the Files API as two documents served by one host; the emulator serves both,
 * so it checks against their union. A component both define must be the same in both.
 */
function mergeSpecs(base: Spec, extra: Spec): Spec {
  const components: Record<string, Record<string, unknown>> = structuredClone(base.components ?? {})
  for (const [kind, entries] of Object.entries(extra.components ?? {})) {
    const into = (components[kind] ??= {})
    for (const [name, value] of Object.entries(entries)) {
      if (name in into && JSON.stringify(into[name]) !== JSON.stringify(value)) throw new Error(`Both API documents define ${kind}/${name} differently`)
      into[name] = value
    }
  }
  for (const path of Object.keys(extra.paths)) if (path in base.paths) throw new Error(`Both API documents define ${path}`)
  return { ...base, paths: { ...base.paths, ...extra.paths }, components }
}

const readSpec = (url: URL) => JSON.parse(readFileSync(url, 'utf8')) as Spec

/** The Files operations the emulator serves: what the integration calls (`uploadFile` is upsertFile + the PUT). */
export const FILE_OPERATIONS = ['upsertFile', 'getFile', 'listFiles', 'deleteFile']

function onlyOperations(spec: Spec, ids: string[]): Spec {
  const paths: Spec['paths'] = {}
  for (const [path, methods] of Object.entries(spec.paths)) {
    const kept = Object.entries(methods).filter(([, op]) => ids.includes(op.operationId))
    if (kept.length > 0) paths[path] = Object.fromEntries(kept)
  }
  return { ...spec, paths }
}

/**
 * The Files document marks untyped values (metadata entries) `nullable`, which Ajv refuses without a `type`;
 * an untyped schema admits null already, so the flag is dropped there and nothing else changes.
 */
function withoutUntypedNullable<T>(node: T): T {
  if (Array.isArray(node)) return node.map(withoutUntypedNullable) as T
  if (node === null || typeof node !== 'object') return node
  const out: Record<string, unknown> = {}
  for (const [k, v] of Object.entries(node)) out[k] = withoutUntypedNullable(v)
  if (out.nullable === true && out.type === undefined) delete out.nullable
  return out as T
}

export interface Operation {
  id: string
  method: string
  template: string
  successStatus: number
  hasBody: boolean
  queryParams: Map<string, 'string' | 'array' | 'object'>
  requiredHeaders: string[]
  checkQuery: ValidateFunction
  checkBody: ValidateFunction | undefined
  checkResponse: ValidateFunction
}

interface Route {
  regex: RegExp
  paramNames: string[]
  /** Literal segments win over parameters: `/users/get-or-create` is not `/users/{id}`. */
  literalSegments: number
  byMethod: Map<string, Operation>
}

export type RouteMatch =
  | { kind: 'found'; operation: Operation; params: Record<string, string> }
  | { kind: 'method-not-allowed'; allowed: string[] }
  | { kind: 'not-found' }

const pointer = (ref: string) => `${SPEC_ID}${ref}`

/** The refs of the spec point at components wrapped in `content['application/json'].schema`. */
const contentSchemaRef = (ref: string) => ({ $ref: pointer(`${ref}/content/application~1json/schema`) })

/** Ajv errors as `body/tags/x must be string`, rooted at `root`. */
export const describeErrors = (root: string, errors: ErrorObject[] | null | undefined): string[] =>
  (errors ?? []).map((e) => {
    const where = root + e.instancePath
    const extra =
      e.keyword === 'additionalProperties'
        ? ` "${(e.params as { additionalProperty: string }).additionalProperty}"`
        : e.keyword === 'enum'
          ? ` ${JSON.stringify((e.params as { allowedValues: unknown[] }).allowedValues)}`
          : ''
    return `${where} ${e.message ?? e.keyword}${extra}`
  })

/**
 * Compiling the validators of every operation up front took a third of a second of each emulator's start (each
 * test file starts its own), for the few operations a test calls: each is compiled when first used.
 */
function onFirstUse(compile: () => ValidateFunction): () => ValidateFunction {
  let compiled: ValidateFunction | undefined
  return () => (compiled ??= compile())
}

export class RuntimeContract {
  readonly operations: Operation[] = []
  private readonly routes: Route[] = []
  readonly checkErrorBody: ValidateFunction

  constructor(spec: Spec = mergeSpecs(readSpec(SPEC_URL), onlyOperations(withoutUntypedNullable(readSpec(FILES_SPEC_URL)), FILE_OPERATIONS))) {
    const ajv = new Ajv({ strict: false, allErrors: true, validateSchema: false })
    addFormats(ajv)
    ajv.addSchema({ ...spec, $id: SPEC_ID })

    // The spec gives every error the success schema as `default`; the shape below is the one
    // `@botpress/client` turns into its typed errors (it needs all four keys).
    this.checkErrorBody = ajv.compile({
      type: 'object',
      required: ['id', 'code', 'type', 'message'],
      properties: {
        id: { type: 'string', minLength: 1 },
        code: { type: 'integer', minimum: 400, maximum: 599 },
        type: { type: 'string', minLength: 1 },
        message: { type: 'string' },
      },
    })

    for (const [template, methods] of Object.entries(spec.paths)) {
      const segments = template.split('/').filter(Boolean)
      const paramNames: string[] = []
      const pattern = segments
        .map((s) => {
          const m = /^\{(.+)\}$/.exec(s)
          if (!m) return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
          paramNames.push(m[1] as string)
          return '([^/]+)'
        })
        .join('/')
      const route: Route = {
        regex: new RegExp(`^/${pattern}/?$`),
        paramNames,
        literalSegments: segments.length - paramNames.length,
        byMethod: new Map(),
      }
      for (const [method, op] of Object.entries(methods)) {
        const params = op.parameters ?? []
        const query = params.filter((p) => p.in === 'query')
        const queryParams = new Map<string, 'string' | 'array' | 'object'>()
        for (const p of query) {
          const t = p.schema.type
          // listFiles' `tags` has no type in the document; the client sends it as an object (`tags.kbId=…`).
          queryParams.set(p.name, t === 'array' ? 'array' : t === 'object' || t === undefined ? 'object' : 'string')
        }
        const [status, response] = Object.entries(op.responses).find(([code]) => /^2\d\d$/.test(code)) ?? []
        if (!status || !response) throw new Error(`${op.operationId} has no success response in the spec`)
        const { requestBody } = op
        const checkQuery = onFirstUse(() =>
          ajv.compile({
            type: 'object',
            properties: Object.fromEntries(query.map((p) => [p.name, p.schema])),
            required: query.filter((p) => p.required).map((p) => p.name),
            additionalProperties: false,
          })
        )
        const checkBody = requestBody && onFirstUse(() => ajv.compile(contentSchemaRef(requestBody.$ref)))
        const checkResponse = onFirstUse(() => ajv.compile(contentSchemaRef(response.$ref)))
        route.byMethod.set(method.toUpperCase(), {
          id: op.operationId,
          method: method.toUpperCase(),
          template,
          successStatus: Number(status),
          hasBody: Boolean(requestBody),
          queryParams,
          requiredHeaders: params.filter((p) => p.in === 'header' && p.required).map((p) => p.name.toLowerCase()),
          get checkQuery() {
            return checkQuery()
          },
          get checkBody() {
            return checkBody?.()
          },
          get checkResponse() {
            return checkResponse()
          },
        })
        this.operations.push(route.byMethod.get(method.toUpperCase()) as Operation)
      }
      this.routes.push(route)
    }
    this.routes.sort((a, b) => b.literalSegments - a.literalSegments)
  }

  match(method: string, path: string): RouteMatch {
    let allowed: string[] | undefined
    for (const route of this.routes) {
      const m = route.regex.exec(path)
      if (!m) continue
      const operation = route.byMethod.get(method)
      if (!operation) {
        allowed ??= [...route.byMethod.keys()]
        continue
      }
      const params: Record<string, string> = {}
      route.paramNames.forEach((name, i) => {
        params[name] = decodeURIComponent(m[i + 1] as string)
      })
      return { kind: 'found', operation, params }
    }
    return allowed ? { kind: 'method-not-allowed', allowed } : { kind: 'not-found' }
  }

  /**
   * Reads a query string the way the API reads what `@botpress/client` writes with
   * `qs.stringify(query, { arrayFormat: 'repeat', allowDots: true })`: `tags.key=v` (or `tags[key]=v`)
   * for objects, a repeated name for arrays.
   */
  parseQuery(operation: Operation, search: URLSearchParams): Record<string, unknown> {
    const query: Record<string, unknown> = {}
    for (const [rawKey, value] of search) {
      const dotted = /^([^.[]+)(?:\.(.+)|\[(.+)\])$/.exec(rawKey)
      const name = dotted ? (dotted[1] as string) : rawKey
      const kind = operation.queryParams.get(name)
      if (dotted && kind === 'object') {
        const obj = (query[name] ??= {}) as Record<string, string>
        obj[(dotted[2] ?? dotted[3]) as string] = value
      } else if (kind === 'array' || rawKey.endsWith('[]')) {
        const key = rawKey.endsWith('[]') ? rawKey.slice(0, -2) : rawKey
        const list = (query[key] ??= []) as string[]
        list.push(value)
      } else {
        query[rawKey] = value
      }
    }
    return query
  }
}
