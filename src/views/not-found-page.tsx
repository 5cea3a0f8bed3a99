import type { FC } from 'hono/jsx'
import { translatorFor } from '../domain/i18n.ts'
import { rich } from './format.ts'
import { Layout, type Chrome } from './layout.tsx'

/** The page readers see for a missing review or page. */
export const NotFoundPage: FC<{ chrome: Chrome; path: string | null }> = ({ chrome, path }) => {
  const { t } = translatorFor(chrome.settings.language)
  return (
    <Layout chrome={chrome} title={t('notFound.title', { site: chrome.settings.name })} description={t('notFound.description')} canonicalPath={null}>
      <div class="wrap narrow">
        <h1>{t('notFound.heading')}</h1>
        <p>
          {path === null ? t('notFound.noPage') : rich(t('notFound.noPageAt'), { path: <code>{path}</code> })} {t('notFound.moved')}
        </p>
        <p><a href="/">{t('notFound.latest')}</a></p>
      </div>
    </Layout>
  )
}
