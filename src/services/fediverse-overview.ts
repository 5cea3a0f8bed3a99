import {
  countDeliveriesByStatus, countFollowers, listDeliveries, listFollowers, listFollowing, listInboxLog, type DeliveryRow, type Followed, type Follower,
  type InboxEntry,
} from '../store/activitypub.ts'
import { getSiteSettings } from '../store/settings.ts'
import { actorUrls } from '../domain/activitypub.ts'
import type { Site } from './site.ts'

/** What the admin's Fediverse page shows. */
export type FediverseOverview = {
  /** `name@host`, or null while the site has no public address. */
  handle: string | null
  actorUrl: string | null
  followerCount: number
  followers: Follower[]
  following: Followed[]
  deliveryCounts: Record<'pending' | 'delivered' | 'failed', number>
  deliveries: DeliveryRow[]
  inbox: InboxEntry[]
}

/** The site's account, its followers and follows, the delivery queue and the newest of the inbox log. */
export async function loadFediverseOverview(site: Site): Promise<FediverseOverview> {
  const settings = await getSiteSettings(site.db)
  const base = site.baseUrl ?? settings.baseUrl
  const urls = base ? actorUrls(base, settings.fediverseName) : null
  const [followerCount, followers, following, deliveryCounts, deliveries, inbox] = await Promise.all([
    countFollowers(site.db), listFollowers(site.db, 100), listFollowing(site.db, 100), countDeliveriesByStatus(site.db), listDeliveries(site.db, 10),
    listInboxLog(site.db, 20),
  ])
  return { handle: urls?.handle ?? null, actorUrl: urls?.actor ?? null, followerCount, followers, following, deliveryCounts, deliveries, inbox }
}
