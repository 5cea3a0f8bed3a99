import { loadConfig } from '../config.ts'
import { openSite, type Site } from '../services/site.ts'

/** Opens the site named by the environment, runs `work` and closes it again. */
export async function withSite<T>(work: (site: Site) => Promise<T>): Promise<T> {
  const site = await openSite(loadConfig())
  try {
    return await work(site)
  } finally {
    await site.close()
  }
}
