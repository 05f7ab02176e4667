// `eurowatch serve`'s application: the pages and the JSON API over one database. Every route
// module of routes/ registers here; this file holds what they share (validation, OpenAPI,
// security headers, CSRF, static files, errors).
import cookie from '@fastify/cookie'
import csrf from '@fastify/csrf-protection'
import formbody from '@fastify/formbody'
import helmet from '@fastify/helmet'
import swagger from '@fastify/swagger'
import Fastify, { type FastifyError, type FastifyReply, type FastifyRequest } from 'fastify'
import { hasZodFastifySchemaValidationErrors, jsonSchemaTransform, serializerCompiler, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod'
import auth from './auth.ts'
import type { WebApp, WebAppOptions } from './context.ts'
import { weakEtag } from './etag.ts'
import { html } from './html.ts'
import { renderPage } from './layout.ts'
import { loadStaticFiles } from './static-files.ts'
import inboxApi from './routes/inbox-api.ts'
import inboxPages from './routes/inbox-pages.ts'
import searchApi from './routes/search-api.ts'
import searchPages from './routes/search-pages.ts'
import entryApi from './routes/entry-api.ts'
import entryPages from './routes/entry-pages.ts'
import listingApi from './routes/listing-api.ts'
import listingPages from './routes/listing-pages.ts'
import operationsApi from './routes/operations-api.ts'
import operationsPages from './routes/operations-pages.ts'

export type { WebApp, WebAppOptions }

export const API_VERSION = '1.0.0'

const UNSAFE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE'])

export async function buildWebApp(options: WebAppOptions): Promise<WebApp> {
  const app = Fastify({ logger: false, trustProxy: false }).withTypeProvider<ZodTypeProvider>()
  app.setValidatorCompiler(validatorCompiler)
  app.setSerializerCompiler(serializerCompiler)
  // first: a route or plugin registered (and loaded) before these would keep Fastify's defaults
  app.setNotFoundHandler((request, reply) => sendError(request, reply, 404, `nothing at ${request.url}`))
  app.setErrorHandler((error: FastifyError, request, reply) => {
    if (hasZodFastifySchemaValidationErrors(error)) {
      const issue = error.validation[0]
      const where = issue?.instancePath ? `${error.validationContext ?? 'request'} ${issue.instancePath.replace(/^\//, '').replaceAll('/', '.')}` : (error.validationContext ?? 'request')
      return sendError(request, reply, 400, `${where}: ${issue?.message ?? 'invalid'}`)
    }
    const status = error.statusCode ?? 500
    if (status >= 500) request.log.error({ error: error.message }, 'request failed')
    return sendError(request, reply, status, status >= 500 ? 'the server failed to answer (see its log)' : error.message)
  })

  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: { title: 'eurowatch API', version: API_VERSION, description: "What eurowatch records: changes, entries and their versions, listings as of a date, runs and deliveries." },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
      security: [{ bearer: [] }],
    },
    // the API only: pages and forms are not part of the contract
    transform: (document) => {
      const transformed = jsonSchemaTransform(document)
      return document.url.startsWith('/api/v1/') ? transformed : { ...transformed, schema: { ...transformed.schema, hide: true } }
    },
  })
  await app.register(helmet, {
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'"],
        imgSrc: ["'self'", 'data:'],
        frameSrc: ["'self'"],
        frameAncestors: ["'self'"],
        formAction: ["'self'"],
        objectSrc: ["'none'"],
        baseUri: ["'none'"],
      },
    },
    // a plain-HTTP server on a LAN address must not send its pages' requests to https
    strictTransportSecurity: options.secureCookies,
  })
  await app.register(cookie)
  await app.register(formbody)
  await app.register(csrf, { sessionPlugin: '@fastify/cookie', cookieOpts: { path: '/', httpOnly: true, sameSite: 'lax', secure: options.secureCookies } })

  await app.register(auth, options)
  // a browser's write (a session cookie, or the local admin) carries the page's token; a Bearer client writes without one
  app.addHook('preHandler', (request, reply, done) => {
    if (!UNSAFE_METHODS.has(request.method) || request.viewer?.via === 'token') return done()
    app.csrfProtection(request, reply, done)
  })

  const files = loadStaticFiles()
  app.get('/static/:file', { schema: { hide: true } }, async (request, reply) => {
    const { file } = request.params as { file: string }
    const found = files.get(file)
    if (found === undefined) return reply.callNotFound()
    if (request.headers['if-none-match'] === found.etag) return reply.code(304).send()
    return reply.header('content-type', found.type).header('etag', found.etag).header('cache-control', 'no-cache').send(found.body)
  })
  app.get('/api/openapi.json', { schema: { hide: true } }, async () => app.swagger())
  app.addHook('onSend', weakEtag)

  // the pages and the API, a module per area (routes/); after the error handlers, which a module's scope copies when created
  await app.register(async (scope) => inboxPages(scope, options))
  await app.register(async (scope) => inboxApi(scope, options))
  await app.register(async (scope) => searchPages(scope, options))
  await app.register(async (scope) => searchApi(scope, options))
  await app.register(async (scope) => entryPages(scope, options))
  await app.register(async (scope) => entryApi(scope, options))
  await app.register(async (scope) => listingPages(scope, options))
  await app.register(async (scope) => listingApi(scope, options))
  await app.register(async (scope) => operationsPages(scope, options))
  await app.register(async (scope) => operationsApi(scope, options))
  return app
}

/** An error in the asker's terms: JSON for the API, a page for a browser. */
function sendError(request: FastifyRequest, reply: FastifyReply, status: number, message: string): FastifyReply {
  reply.code(status)
  if (request.url.startsWith('/api/')) return reply.send({ error: status, message })
  return reply.send(renderPage(reply, { title: `Error ${status}`, current: 'none', body: html`<h1>Error ${status}</h1><p class="error">${message}</p>` }))
}
