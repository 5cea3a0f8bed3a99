import { FACETS, type Facet } from '../services/browse.ts'
import { loadSomeLists, membershipsOf, type SiteLists } from '../services/site-lists.ts'
import type { Site } from '../services/site.ts'
import type { BuildManifest, ManifestReview } from '../store/build-manifest.ts'
import type { PublishedStamp } from '../store/reviews.ts'
import { DIARY, FEEDS, HOME, indexGroup, LISTS, reviewGroup, SITE, termGroup, termOfGroup, type ListsState } from './plan.ts'

/** What a published review looked like when last built: any edit, comment or re-render changes it. */
export const fingerprintOf = (r: { revision: number; updatedAt: string; renderVersion: number }, comments: string | undefined) =>
  `${r.revision}:${r.updatedAt}:${r.renderVersion}:${comments ?? ''}`

/** What changed since the last build, and so which groups of pages to look at. */
export type Scope = {
  lists: SiteLists
  groups: Set<string>
  /** Published reviews to record in the manifest (all of them after a full build, else the changed ones). */
  recorded: number[]
  /** Reviews the manifest had that are no longer published. */
  gone: number[]
  /** What the manifest had of the changed and gone reviews (nothing after a full build). */
  before: Map<number, ManifestReview>
  /** The facet value groups of each recorded review as it now is. */
  termGroups: Map<number, string[]>
}

/** The groups of facet values each review has, from the lists' members. */
export function termGroupsOfLists(lists: SiteLists): Map<number, string[]> {
  const out = new Map<number, string[]>()
  for (const facet of FACETS) {
    for (const m of lists.terms[facet]) {
      for (const id of m.orders.newest) {
        const list = out.get(id)
        if (list) list.push(termGroup(facet, m.term.key))
        else out.set(id, [termGroup(facet, m.term.key)])
      }
    }
  }
  return out
}

/**
 * The groups a change can reach, from what the manifest remembers of the changed reviews and what
 * they are now: their own pages, the lists and indexes of the values they had or have, the home
 * pages, the site's feeds and files, and the diary and the lists when they link one of them or changed themselves.
 */
export async function changedScope(site: Site, manifest: BuildManifest, published: PublishedStamp[], fingerprints: Map<number, string>, diary: { stamp: string; linked: number[] }, shown?: ListsState): Promise<Scope> {
  const known = manifest.fingerprints()
  const changed = published.filter((p) => known.get(p.id) !== fingerprints.get(p.id)).map((p) => p.id)
  const gone = [...known.keys()].filter((id) => !fingerprints.has(id))
  const touched = [...changed, ...gone]
  const before = manifest.reviews(touched)
  const now = await membershipsOf(site, published, changed)
  const termGroups = new Map<number, string[]>()
  for (const facet of FACETS) for (const [key, ids] of now[facet]) for (const id of ids) termGroups.set(id, [...(termGroups.get(id) ?? []), termGroup(facet, key)])

  const groups = new Set<string>()
  if (touched.length) for (const g of [HOME, FEEDS, SITE]) groups.add(g)
  if (manifest.meta('diary') !== diary.stamp || touched.some((id) => diary.linked.includes(id))) groups.add(DIARY)
  // A list changed: its pages, and the feeds and sitemap that carry it; a review it links changed: its pages.
  if (shown && manifest.meta('lists') !== shown.stamp) for (const g of [LISTS, FEEDS, SITE]) groups.add(g)
  if (shown && touched.some((id) => shown.linked.includes(id))) groups.add(LISTS)
  const indexes = new Set<Facet>()
  for (const id of touched) {
    groups.add(reviewGroup(id))
    const was = before.get(id)?.groups ?? []
    const is = termGroups.get(id) ?? []
    for (const g of [...was, ...is]) groups.add(g)
    // An index page changes when a value gains or loses a review; platform names come from the
    // reviews' own spelling, so any change to a review on a platform may rename it.
    for (const facet of FACETS) {
      const inFacet = (list: string[]) => list.filter((g) => termOfGroup(g)?.facet === facet).sort().join(' ')
      if (inFacet(was) !== inFacet(is) || (facet === 'platform' && inFacet(is) !== '')) indexes.add(facet)
    }
  }
  for (const f of indexes) groups.add(indexGroup(f))
  const terms = [...groups].flatMap((g) => termOfGroup(g) ?? [])
  const lists = await loadSomeLists(site, published, { terms, indexes: [...indexes] })
  return { lists, groups, recorded: changed, gone, before, termGroups }
}

