// zod's own words ("Too small: expected number to be >0") are not eurowatch's: every check
// without a message of its own (flags, configuration, web requests) reads like our other errors.
// Imported for its effect, once, by whatever validates at an edge.
import { z } from 'zod'

const NOUNS: Record<string, string> = {
  number: 'a number',
  int: 'a whole number',
  string: 'text',
  boolean: 'true or false',
  array: 'a list',
  object: 'a mapping of keys',
  date: 'a date',
}

type RawIssue = z.core.$ZodRawIssue

function sizeOf(origin: string, bound: number): string {
  if (origin === 'string') return `${bound} character${bound === 1 ? '' : 's'}`
  if (origin === 'array' || origin === 'set') return `${bound} item${bound === 1 ? '' : 's'}`
  return String(bound)
}

function ourWords(issue: RawIssue): string | undefined {
  switch (issue.code) {
    case 'too_small': {
      const bound = Number(issue.minimum)
      if ((issue.origin === 'string' || issue.origin === 'array') && bound <= 1) return 'must not be empty'
      if (issue.exact) return `must be exactly ${sizeOf(issue.origin, bound)}`
      return issue.inclusive ? `must be at least ${sizeOf(issue.origin, bound)}` : `must be greater than ${bound}`
    }
    case 'too_big': {
      const bound = Number(issue.maximum)
      if (issue.exact) return `must be exactly ${sizeOf(issue.origin, bound)}`
      return issue.inclusive ? `must be at most ${sizeOf(issue.origin, bound)}` : `must be less than ${bound}`
    }
    case 'invalid_type':
      return issue.input === undefined ? 'is required' : `must be ${NOUNS[issue.expected] ?? issue.expected}`
    case 'invalid_value':
      return `must be ${issue.values.length === 1 ? '' : 'one of '}${issue.values.map((value: unknown) => JSON.stringify(value)).join(', ')}`
    case 'invalid_format':
      return `is not a valid ${issue.format === 'url' ? 'URL' : issue.format}`
    case 'not_multiple_of':
      return `must be a multiple of ${String(issue.divisor)}`
    default:
      return undefined
  }
}

z.config({ customError: ourWords })
