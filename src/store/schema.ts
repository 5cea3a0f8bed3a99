import type { Generated, Insertable, Selectable } from 'kysely'

/** One typed view of every table; columns are snake_case, the store maps rows to camelCase. */
export interface DB {
  reviews: ReviewsTable
  sections: SectionsTable
  links: LinksTable
  tags: TagsTable
  review_tags: ReviewTagsTable
  people: PeopleTable
  review_people: ReviewPeopleTable
  songs: SongsTable
  settings: SettingsTable
  users: UsersTable
  sessions: SessionsTable
  login_throttle: LoginThrottleTable
  revisions: RevisionsTable
  diary_entries: DiaryEntriesTable
  comments: CommentsTable
  comment_trust: CommentTrustTable
  comment_posts: CommentPostsTable
  ap_followers: ApFollowersTable
  ap_following: ApFollowingTable
  ap_actors: ApActorsTable
  ap_deliveries: ApDeliveriesTable
  ap_inbox_log: ApInboxLogTable
  lists: ListsTable
  list_entries: ListEntriesTable
  newsletter_subscribers: NewsletterSubscribersTable
  newsletter_sends: NewsletterSendsTable
}

export interface UsersTable {
  id: Generated<number>
  username: string
  display_name: string
  password_hash: string
  role: string
  created_at: string
  updated_at: string
}

export interface SessionsTable {
  id: string
  user_id: number
  csrf_token: string
  created_at: string
  expires_at: string
}

export interface LoginThrottleTable {
  key: string
  failures: number
  window_start: string
  locked_until: string | null
}

export interface RevisionsTable {
  id: Generated<number>
  review_id: number
  revision: number
  doc_json: string
  saved_by: number | null
  saved_at: string
  note: string | null
}

export interface ReviewsTable {
  id: Generated<number>
  slug: string
  title: string
  native_title: string | null
  romanized_title: string | null
  /** BCP 47 tag of the review's language; null when not said. */
  language: string | null
  year: number | null
  origin_code: string | null
  season: number | null
  episodes: number | null
  platform: string | null
  platform_slug: string | null
  /** 1 first watch, 0 rewatch, null unknown (integers keep SQLite and PostgreSQL alike). */
  first_watch: number | null
  reviewed_on: string | null
  meter_value: number | null
  meter_max: number | null
  hook: string | null
  headline: string | null
  intro_md: string
  intro_html: string
  poster_src: string | null
  poster_credit: string | null
  poster_alt: string | null
  poster_width: number | null
  poster_height: number | null
  poster_color: string | null
  status: string
  author: string | null
  published_at: string | null
  /** Sort key for lists: the review date, else the publication date. */
  sort_date: string
  revision: number
  render_version: number
  author_id: Generated<number | null>
  created_at: string
  updated_at: string
  /** Identifies an imported review across re-imports (`wordpress:…`, `letterboxd:…`); null for reviews written here. */
  source_id: string | null
  /** The review's address on the site it was imported from (for a redirect map). */
  source_url: string | null
}

export interface SectionsTable {
  id: Generated<number>
  review_id: number
  position: number
  aspect: string
  verdict: string
  body_md: string
  body_html: string
  score: number | null
  score_max: number | null
  spoiler: number
}

export interface LinksTable {
  review_id: number
  position: number
  site: string
  label: string
  url: string | null
}

export interface TagsTable {
  id: Generated<number>
  slug: string
  name: string
  /** `nameKey(name)`: names are matched case-insensitively through it. */
  name_key: string
}

export interface ReviewTagsTable {
  review_id: number
  tag_id: number
  position: number
}

export interface PeopleTable {
  id: Generated<number>
  slug: string
  name: string
  /** `nameKey(name)`: names are matched case-insensitively through it. */
  name_key: string
}

export interface ReviewPeopleTable {
  review_id: number
  person_id: number
  position: number
  role: string | null
}

export interface SongsTable {
  review_id: number
  position: number
  title: string
}

export interface SettingsTable {
  key: string
  value: string
}

export type ReviewRow = Selectable<ReviewsTable>
export type NewReviewRow = Insertable<ReviewsTable>
export type SectionRow = Selectable<SectionsTable>

export interface DiaryEntriesTable {
  id: Generated<number>
  title: string
  origin_code: string | null
  platform: string | null
  started_on: string | null
  finished_on: string | null
  episodes_watched: number | null
  episodes_total: number | null
  /** 1 rewatch, 0 first watch. */
  rewatch: number
  meter_value: number | null
  meter_max: number | null
  note: string | null
  status: string
  review_id: number | null
  created_by: number | null
  created_at: string
  updated_at: string
  /** Identifies an imported entry across re-imports (`letterboxd:diary:…`); null for entries made here. */
  source_id: Generated<string | null>
}

export interface CommentsTable {
  id: Generated<number>
  review_id: number
  /** Null for a top-level comment; replies point at a top-level comment (one level only). */
  parent_id: number | null
  /** `pending`, `approved` or `spam`. */
  status: string
  author_name: string
  /** Never shown to readers; only moderators see it. */
  author_email: string | null
  author_url: string | null
  body: string
  trust_key: string | null
  /** 1 for replies written by the site's people from the moderation page. */
  by_author: Generated<number>
  user_id: number | null
  ip_hash: string | null
  created_at: string
  moderated_at: string | null
  moderated_by: number | null
  /** The comment's id on the site it was imported from; null for comments posted here. */
  source_id: Generated<string | null>
}

/** People whose comments are approved at once, by `trustKey` (an email, or a name with a website). */
export interface CommentTrustTable {
  key: string
  created_at: string
  created_by: number | null
}

/** Recent comments per address (hashed), for the rate limit shared by every app server. */
export interface CommentPostsTable {
  id: Generated<number>
  ip_hash: string
  posted_at: string
}

/** Fediverse accounts that follow the site. */
export interface ApFollowersTable {
  id: Generated<number>
  actor_id: string
  inbox: string
  shared_inbox: string | null
  /** `name@host`. */
  handle: string
  name: string
  profile_url: string
  follow_id: string
  created_at: string
}

/** Fediverse accounts the site follows; `state` is `pending` until their server accepts. */
export interface ApFollowingTable {
  id: Generated<number>
  actor_id: string
  handle: string
  inbox: string
  follow_id: string
  state: string
  created_at: string
  accepted_at: string | null
}

/** Remote actors as last fetched: their key checks the signatures of what they send. */
export interface ApActorsTable {
  actor_id: string
  key_id: string
  public_key_pem: string
  inbox: string
  shared_inbox: string | null
  handle: string
  name: string
  profile_url: string
  fetched_at: string
}

/** The queue of activities to post to remote inboxes, one row per activity and inbox. */
export interface ApDeliveriesTable {
  id: Generated<number>
  dedupe_key: string
  inbox: string
  review_id: number | null
  activity: string | null
  /** `pending`, `delivered` or `failed`. */
  status: string
  attempts: Generated<number>
  next_attempt_at: string
  lease_until: string | null
  last_error: string | null
  created_at: string
  delivered_at: string | null
}

/** Activities the inbox accepted (signature checked), with what was done with each. */
export interface ApInboxLogTable {
  id: Generated<number>
  activity_id: string | null
  type: string
  actor_id: string
  outcome: string
  body: string
  received_at: string
}

export interface ListsTable {
  id: Generated<number>
  slug: string
  title: string
  description: string
  /** 1 ranked, 0 not. */
  ranked: number
  /** `draft` or `published`. */
  status: string
  published_at: string | null
  created_by: number | null
  created_at: string
  updated_at: string
  /** Identifies an imported list across re-imports (`letterboxd:list:…`); null for lists made here. */
  source_id: string | null
}

export interface ListEntriesTable {
  id: Generated<number>
  list_id: number
  /** 1 for the first entry. */
  position: number
  review_id: number | null
  title: string
  year: number | null
  origin_code: string | null
  note: string | null
}

/** Readers who subscribed to the newsletter by email. */
export interface NewsletterSubscribersTable {
  id: Generated<number>
  email: string
  /** `pending`, `confirmed` or `unsubscribed`. */
  state: string
  confirm_token_hash: string | null
  confirm_expires_at: string | null
  confirm_sent_at: string | null
  unsubscribe_token: string
  created_at: string
  confirmed_at: string | null
  unsubscribed_at: string | null
}

/** The queue of review emails, one row per review and subscriber. */
export interface NewsletterSendsTable {
  id: Generated<number>
  review_id: number
  subscriber_id: number
  /** `pending`, `sent` or `failed`. */
  status: string
  attempts: Generated<number>
  next_attempt_at: string
  lease_until: string | null
  last_error: string | null
  created_at: string
  sent_at: string | null
}
