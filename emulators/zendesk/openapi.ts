// Validation against Zendesk's OpenAPI document. The 1 MB YAML is parsed once per process; validators are
// compiled on first use per operation and kept. Schemas are referenced by their JSON pointer inside the
// document, so the document's own `#/components/...` references resolve unchanged.

import { createHash } from 'node:crypto'
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises'
import Ajv, { type ErrorObject, type ValidateFunction } from 'ajv'
import addFormats from 'ajv-formats'
import { parse } from 'yaml'
import { applySpecExceptions } from './spec-exceptions.js'

const SPEC_FILE = new URL('../contracts/zendesk-support-openapi.yaml', import.meta.url)
// Parsing the YAML takes over a second of CPU, and every test file runs in a process of its own: the parsed
// document is kept as JSON (read in milliseconds), named by the YAML's hash so an edited document is parsed anew.
const CACHE_DIR = new URL('../../node_modules/.cache/zendesk-hitl/', import.meta.url)
const DOC_ID = 'zendesk-support'
const METHODS = ['get', 'put', 'post', 'delete', 'patch'] as const

type Json = Record<string, unknown>

interface Parameter {
  name: string
  in: string
  required?: boolean
  schema?: Json
}

export interface SpecOperation {
  id: string
  method: string
  template: string
  pointer: string
  operation: Json
  parameters: Parameter[]
}

interface Matcher {
  regex: RegExp
  names: string[]
  literalSegments: number
  operations: Map<string, SpecOperation>
}

const escapePointer = (part: string) => part.replace(/~/g, '~0').replace(/\//g, '~1')

function formatErrors(errors: ErrorObject[] | null | undefined, where: string): string[] {
  return (errors ?? []).map((e) => `${where}${e.instancePath} ${e.message ?? 'is invalid'}${e.params ? ` ${JSON.stringify(e.params)}` : ''}`)
}

function newAjv(doc: Json, coerceTypes: boolean): Ajv {
  const ajv = new Ajv({ strict: false, allErrors: true, validateSchema: false, logger: false, coerceTypes })
  addFormats(ajv)
  // The document also uses `datetime` and `string` as formats, which no standard defines.
  ajv.addFormat('datetime', /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/)
  ajv.addFormat('string', true)
  ajv.addSchema(doc, DOC_ID)
  return ajv
}

export class OpenApiSpec {
  private readonly matchers: Matcher[] = []
  private readonly bodies: Ajv
  private readonly params: Ajv
  private readonly compiled = new Map<string, ValidateFunction>()

  constructor(private readonly doc: Json) {
    const paths = (doc.paths ?? {}) as Record<string, Json>
    for (const [template, item] of Object.entries(paths)) {
      const names: string[] = []
      const regex = new RegExp(
        '^' +
          template.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{([^}]+)\}/g, (_all, name: string) => {
            names.push(name)
            return '([^/]+)'
          }) +
          '$',
      )
      const shared = this.resolveParameters((item.parameters ?? []) as Json[])
      const operations = new Map<string, SpecOperation>()
      for (const method of METHODS) {
        const operation = item[method] as Json | undefined
        if (!operation) continue
        const own = this.resolveParameters((operation.parameters ?? []) as Json[])
        const parameters = [...shared.filter((p) => !own.some((o) => o.name === p.name && o.in === p.in)), ...own]
        operations.set(method.toUpperCase(), {
          id: String(operation.operationId ?? `${method} ${template}`),
          method: method.toUpperCase(),
          template,
          pointer: `#/paths/${escapePointer(template)}/${method}`,
          operation,
          parameters,
        })
      }
      this.matchers.push({ regex, names, literalSegments: template.split('/').filter((s) => !s.startsWith('{')).length, operations })
    }
    // A literal segment beats a parameter: /tickets/show_many is not /tickets/{ticket_id}.
    this.matchers.sort((a, b) => b.literalSegments - a.literalSegments)
    this.bodies = newAjv(doc, false)
    this.params = newAjv(doc, true)
  }

  private resolveParameters(list: Json[]): Parameter[] {
    return list.map((p) => {
      const ref = p.$ref
      if (typeof ref !== 'string') return p as unknown as Parameter
      const name = ref.split('/').pop() ?? ''
      const components = (this.doc.components as Json).parameters as Record<string, Parameter>
      const resolved = components[name]
      if (!resolved) throw new Error(`Unresolvable parameter ${ref}`)
      return resolved
    })
  }

  find(method: string, path: string): { op: SpecOperation; pathParams: Record<string, string> } | undefined {
    for (const matcher of this.matchers) {
      const m = matcher.regex.exec(path)
      const op = m && matcher.operations.get(method)
      if (!m || !op) continue
      const pathParams: Record<string, string> = {}
      matcher.names.forEach((name, i) => (pathParams[name] = decodeURIComponent(m[i + 1] ?? '')))
      return { op, pathParams }
    }
    return undefined
  }

  private validator(ajv: Ajv, key: string, schema: Json): ValidateFunction {
    let fn = this.compiled.get(key)
    if (!fn) {
      fn = ajv.compile(schema)
      this.compiled.set(key, fn)
    }
    return fn
  }

  validateRequest(op: SpecOperation, pathParams: Record<string, string>, query: Record<string, string>, body: unknown): string[] {
    const errors: string[] = []
    op.parameters.forEach((param, index) => {
      if (param.in !== 'query' && param.in !== 'path') return
      const value = param.in === 'path' ? pathParams[param.name] : query[param.name]
      if (value === undefined) {
        if (param.required) errors.push(`${param.in} parameter ${param.name} is required`)
        return
      }
      const validate = this.validator(this.params, `${op.pointer}/param/${index}`, { type: 'object', properties: { v: param.schema ?? {} } })
      if (!validate({ v: value })) errors.push(...formatErrors(validate.errors, `${param.in} parameter ${param.name}`))
    })
    const requestBody = op.operation.requestBody as Json | undefined
    const content = (requestBody?.content as Record<string, Json> | undefined)?.['application/json']
    if (content?.schema) {
      if (body === undefined) {
        if (requestBody?.required) errors.push('request body is required')
      } else {
        const pointer = `${op.pointer}/requestBody/content/application~1json/schema`
        const validate = this.validator(this.bodies, pointer, { $ref: `${DOC_ID}${pointer}` })
        if (!validate(body)) errors.push(...formatErrors(validate.errors, 'body'))
      }
    }
    return errors
  }

  /** undefined when the document says nothing about this status; an error list (possibly empty) otherwise. */
  validateResponse(op: SpecOperation, status: number, body: unknown): string[] | undefined {
    const responses = (op.operation.responses ?? {}) as Record<string, Json>
    const key = responses[String(status)] ? String(status) : responses.default ? 'default' : undefined
    if (key === undefined) return status < 400 ? [`status ${status} is not documented for ${op.id}`] : undefined
    const content = (responses[key]?.content as Record<string, Json> | undefined)?.['application/json']
    if (!content?.schema) return body === undefined ? [] : [`status ${status} of ${op.id} has no documented body`]
    const pointer = `${op.pointer}/responses/${key}/content/application~1json/schema`
    const validate = this.validator(this.bodies, pointer, { $ref: `${DOC_ID}${pointer}` })
    return validate(body) ? [] : formatErrors(validate.errors, 'body')
  }
}

let loading: Promise<OpenApiSpec> | undefined

/** The document, parsed once per process however many emulators start. */
export function loadOpenApiSpec(): Promise<OpenApiSpec> {
  loading ??= readDocument().then((doc) => {
    applySpecExceptions(doc)
    return new OpenApiSpec(doc)
  })
  return loading
}

async function readDocument(): Promise<Json & { components: { schemas: Record<string, Json> } }> {
  const text = await readFile(SPEC_FILE, 'utf8')
  const cached = new URL(`zendesk-support-openapi.${createHash('sha256').update(text).digest('hex')}.json`, CACHE_DIR)
  try {
    return JSON.parse(await readFile(cached, 'utf8'))
  } catch {
    // Not cached yet (or unreadable): parsed below.
  }
  const doc = parse(text)
  // Written under a name of its own, then renamed: a process starting meanwhile reads a whole file or none. The
  // cache only saves time: where it cannot be written, every process parses the YAML.
  const partial = new URL(`${cached.pathname.split('/').pop()}.${process.pid}`, CACHE_DIR)
  await mkdir(CACHE_DIR, { recursive: true })
    .then(() => writeFile(partial, JSON.stringify(doc)))
    .then(() => rename(partial, cached))
    .catch(() => undefined)
  return doc
}
