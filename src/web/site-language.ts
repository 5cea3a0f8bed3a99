import { translatorFor, type Translator } from '../domain/i18n.ts'
import type { Site } from '../services/site.ts'
import { getSiteSettings } from '../store/settings.ts'

/**
 * The translator of the site's language, for answers given outside a page (plain-text refusals and
 * errors): one read of the settings row. When the settings cannot be read (the database is down,
 * say), the answer is in English.
 */
export async function siteTranslator(site: Site): Promise<Translator> {
  try {
    return translatorFor((await getSiteSettings(site.db)).language)
  } catch {
    return translatorFor('en')
  }
}
