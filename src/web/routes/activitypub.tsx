import { Hono, type Context } from 'hono'
import { ACTIVITY_JSON } from '../../domain/activitypub.ts'
import { hostMetaXml } from '../../formats/activitystreams.ts'
import {
  actorJson, articleJson, followersJson, followingJson, nodeInfoJson, nodeInfoLinksJson, outboxJson, requireFederation, webfingerJson,
} from '../../services/fediverse-actor.ts'
import { MAX_ACTIVITY_BYTES, receiveActivity } from '../../services/fediverse-inbox.ts'
import type { Site } from '../../services/site.ts'
import type { AuthEnv } from '../auth.ts'

const json = (c: Context, body: unknown, type = `${ACTIVITY_JSON}; charset=utf-8`) => {
  c.header('Content-Type', type)
  // Fediverse web clients read these documents from other origins.
  c.header('Access-Control-Allow-Origin', '*')
  c.header('Cache-Control', 'public, max-age=60')
  return c.body(JSON.stringify(body))
}

/**
 * The site as a fediverse actor: discovery (WebFinger, host-meta, NodeInfo), the actor with its
 * collections and review Articles, and the inbox. All answer 404 while the site has no public address.
 */
export function activityPubRoutes(site: Site): Hono<AuthEnv> {
  const app = new Hono<AuthEnv>()

  app.get('/.well-known/webfinger', async (c) => {
    const fed = await requireFederation(site)
    const resource = c.req.query('resource')
    if (!resource) return c.text('Add ?resource=acct:name@host.', 400)
    return json(c, webfingerJson(fed, resource), 'application/jrd+json; charset=utf-8')
  })
  app.get('/.well-known/host-meta', async (c) => {
    const fed = await requireFederation(site)
    c.header('Content-Type', 'application/xrd+xml; charset=utf-8')
    return c.body(hostMetaXml(fed.urls.base))
  })
  app.get('/.well-known/nodeinfo', async (c) => json(c, nodeInfoLinksJson(await requireFederation(site)), 'application/json; charset=utf-8'))
  app.get('/nodeinfo/2.1', async (c) =>
    json(c, await nodeInfoJson(site, await requireFederation(site)), 'application/json; profile="http://nodeinfo.diaspora.software/ns/schema/2.1#"; charset=utf-8'),
  )

  app.get('/ap/actor', async (c) => json(c, actorJson(await requireFederation(site))))
  app.get('/ap/outbox', async (c) => json(c, await outboxJson(site, await requireFederation(site))))
  app.get('/ap/followers', async (c) => json(c, await followersJson(site, await requireFederation(site))))
  app.get('/ap/following', async (c) => json(c, await followingJson(site, await requireFederation(site))))
  app.get('/ap/reviews/:slug', async (c) => json(c, await articleJson(site, await requireFederation(site), c.req.param('slug'))))

  app.post('/ap/inbox', async (c) => {
    const declared = Number(c.req.header('content-length') ?? 0)
    if (declared > MAX_ACTIVITY_BYTES) return c.text(`Activities are limited to ${MAX_ACTIVITY_BYTES} bytes.`, 413)
    const body = new Uint8Array(await c.req.arrayBuffer())
    if (body.length > MAX_ACTIVITY_BYTES) return c.text(`Activities are limited to ${MAX_ACTIVITY_BYTES} bytes.`, 413)
    const url = new URL(c.req.url)
    const headers: Record<string, string> = {}
    c.req.raw.headers.forEach((value, name) => (headers[name.toLowerCase()] = value))
    const result = await receiveActivity(site, { method: 'POST', path: url.pathname + url.search, headers }, body)
    if (result.status === 401) return c.text(`Signature refused: ${result.message}.`, 401)
    if (result.status === 400) return c.text(result.message, 400)
    return c.text(result.outcome, 202)
  })

  return app
}
