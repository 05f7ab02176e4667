import { readFileSync, existsSync } from 'node:fs'
import { dirname, resolve } from 'node:path'
import { LineCounter, parseDocument, isNode } from 'yaml'
import type { z } from 'zod'
import { UserError } from '../../domain/errors.ts'
import { distance } from 'fastest-levenshtein'
import './zod-messages.ts'
import { ConfigSchema, type Config } from './schema.ts'
import { defaultSources } from './defaults.ts'
import { PROFILE_IDS as profileIds } from '../../parsers/profile-ids.ts'

export interface LoadedConfig {
  config: Config
  /** The file it came from, null for the built-in defaults. */
  file: string | null
  /** Relative paths in the configuration (the PGlite data directory) resolve against this. */
  baseDir: string
}

/** A ${NAME} reference to an environment variable that is not set, as `eurowatch doctor` lists it. */
export interface UnsetVariable {
  name: string
  /** Where in the configuration: ['smtp', 'password'], ['subscriptions', 0, 'channel', 'url']. */
  path: PropertyKey[]
  /** "eurowatch.yaml:12: smtp.password: environment variable SMTP_PASSWORD is not set" */
  message: string
}

export const DEFAULT_CONFIG_FILE = 'eurowatch.yaml'

/**
 * Stands for an unset variable's value when they are recorded: valid where secrets go (a URL, a
 * host, a password of 16 characters or more), and under .invalid, which no resolver answers.
 */
const UNSET_PLACEHOLDER = 'https://unset.invalid/'

/** Reads and validates the configuration; every mistake is one line naming the file, key and line. */
export function loadConfig(explicitFile: string | undefined, cwd = process.cwd(), env: NodeJS.ProcessEnv = process.env): LoadedConfig {
  return readConfig(explicitFile, cwd, env, (unset) => {
    throw new UserError(unset.message, 'secrets come from the environment: export it before running eurowatch')
  })
}

/**
 * The same, but an unset ${NAME} is recorded rather than refused (a placeholder stands for it), so
 * that `doctor` can list each one and still check the rest. Any other mistake is refused as ever.
 */
export function loadConfigRecordingUnset(explicitFile: string | undefined, cwd = process.cwd(), env: NodeJS.ProcessEnv = process.env): { loaded: LoadedConfig; unset: UnsetVariable[] } {
  const unset: UnsetVariable[] = []
  const loaded = readConfig(explicitFile, cwd, env, (variable) => {
    unset.push(variable)
    return UNSET_PLACEHOLDER
  })
  return { loaded, unset }
}

function readConfig(explicitFile: string | undefined, cwd: string, env: NodeJS.ProcessEnv, onUnset: (unset: UnsetVariable) => string): LoadedConfig {
  // an empty --config (an unset shell variable) must not fall back to the built-in listings of the live site
  if (explicitFile !== undefined && explicitFile.trim() === '') throw new UserError('--config: empty file name', 'name a configuration file, or leave out --config for ./eurowatch.yaml or the built-in defaults')
  const file = explicitFile ? resolve(cwd, explicitFile) : resolve(cwd, DEFAULT_CONFIG_FILE)
  if (!existsSync(file)) {
    if (explicitFile) throw new UserError(`configuration file ${file} not found`)
    return { config: validate({ sources: defaultSources }, '(built-in defaults)'), file: null, baseDir: cwd }
  }
  const text = readText(file)
  const lineCounter = new LineCounter()
  const doc = parseDocument(text, { lineCounter, prettyErrors: false })
  const syntaxError = doc.errors[0]
  if (syntaxError) {
    const { line } = lineCounter.linePos(syntaxError.pos[0])
    throw new UserError(`${file}:${line}: invalid YAML: ${syntaxError.message.split('\n')[0]}`)
  }
  const lineOf = (path: PropertyKey[]) => {
    const node = doc.getIn(path, true)
    return isNode(node) && node.range ? lineCounter.linePos(node.range[0]).line : undefined
  }
  const raw = resolveReferences(toValue(doc, file), [], (name, path) => {
    const value = env[name]
    if (value !== undefined && value !== '') return value
    const line = lineOf(path)
    return onUnset({ name, path, message: `${file}${line ? `:${line}` : ''}: ${formatPath(path)}: environment variable ${name} is not set` })
  })
  return {
    config: validate(raw, file, lineOf),
    file,
    baseDir: dirname(file),
  }
}

const REFERENCE = /\$(\$)?\{([A-Za-z_][A-Za-z0-9_]*)\}/g

/**
 * Replaces every ${NAME} in the file's strings by the environment variable's value (secrets stay
 * out of the file); $${NAME} is the literal text ${NAME}.
 */
function resolveReferences(value: unknown, path: PropertyKey[], lookup: (name: string, path: PropertyKey[]) => string): unknown {
  if (typeof value === 'string') return value.replace(REFERENCE, (_, literal: string | undefined, name: string) => (literal ? `\${${name}}` : lookup(name, path)))
  if (Array.isArray(value)) return value.map((item, index) => resolveReferences(item, [...path, index], lookup))
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, resolveReferences(item, [...path, key], lookup)]))
  }
  return value
}

/** Aliases a configuration may expand: a few anchors are handy, a billion laughs is an attack. */
const MAX_ALIAS_COUNT = 100

function toValue(doc: ReturnType<typeof parseDocument>, file: string): unknown {
  try {
    return doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT }) ?? {}
  } catch (error) {
    // yaml refuses an alias expanding past the count with a ReferenceError; nothing else throws here
    if (!(error instanceof ReferenceError)) throw error
    throw new UserError(`${file}: invalid YAML: its aliases expand too far (a "billion laughs"; at most ${MAX_ALIAS_COUNT} nodes an alias)`, 'write the values out instead of nesting anchors and aliases')
  }
}

function readText(file: string): string {
  try {
    return readFileSync(file, 'utf8')
  } catch (error) {
    throw new UserError(`cannot read configuration file ${file}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`)
  }
}

function validate(raw: unknown, origin: string, lineOf: (path: PropertyKey[]) => number | undefined = () => undefined): Config {
  const parsed = ConfigSchema.safeParse(raw)
  if (!parsed.success) {
    // a misspelt key explains the other complaints (a required key "missing"): name it first
    const issues = parsed.error.issues
    throw new UserError(describeIssue(issues.find((issue) => issue.code === 'unrecognized_keys') ?? issues[0], origin, lineOf))
  }
  parsed.data.sources.forEach((source, index) => {
    if (!profileIds.includes(source.profile)) {
      const line = lineOf(['sources', index, 'profile'])
      throw new UserError(
        `${origin}${line ? `:${line}` : ''}: sources[${index}].profile: unknown profile "${source.profile}"`,
        `known profiles: ${profileIds.join(', ')}`,
      )
    }
  })
  return parsed.data
}

function describeIssue(issue: z.core.$ZodIssue | undefined, origin: string, lineOf: (path: PropertyKey[]) => number | undefined): string {
  if (!issue) return `${origin}: invalid configuration`
  const path = issue.code === 'unrecognized_keys' ? [...issue.path, issue.keys[0] ?? ''] : issue.path
  const line = lineOf(path)
  const key = path.length ? formatPath(path) : '(top level)'
  const message = issue.code === 'unrecognized_keys' ? `unknown key${didYouMean(issue.keys[0] ?? '', keysAt(ConfigSchema, issue.path))}` : issue.message
  return `${origin}${line ? `:${line}` : ''}: ${key}: ${message}`
}

/** ' (did you mean "politeness"?)' when a known key is a slip of the keyboard away; else nothing. */
function didYouMean(key: string, known: readonly string[]): string {
  const [closest] = known.map((name) => ({ name, distance: distance(key.toLowerCase(), name.toLowerCase()) })).sort((a, b) => a.distance - b.distance)
  return closest !== undefined && closest.distance <= Math.max(2, Math.floor(key.length / 3)) ? ` (did you mean "${closest.name}"?)` : ''
}

/** The keys an object of the schema takes at a path of the parsed value (through lists, defaults and unions). */
function keysAt(schema: z.core.$ZodType, path: readonly PropertyKey[]): string[] {
  const def = schema._zod.def as z.core.$ZodTypeDef & { innerType?: z.core.$ZodType; in?: z.core.$ZodType; element?: z.core.$ZodType; valueType?: z.core.$ZodType; options?: z.core.$ZodType[]; shape?: Record<string, z.core.$ZodType> }
  const inner = def.innerType ?? def.in
  if (inner !== undefined) return keysAt(inner, path)
  if (def.options !== undefined) return def.options.flatMap((option) => keysAt(option, path))
  const [step, ...rest] = path
  if (step === undefined) return def.shape === undefined ? [] : Object.keys(def.shape)
  const next = typeof step === 'number' ? def.element : (def.shape?.[String(step)] ?? def.valueType)
  return next === undefined ? [] : keysAt(next, rest)
}

function formatPath(path: PropertyKey[]): string {
  return path.map((part, i) => (typeof part === 'number' ? `[${part}]` : `${i ? '.' : ''}${String(part)}`)).join('')
}
