import { deliverDue } from '../services/fediverse-delivery.ts'
import { followAccount } from '../services/fediverse-follow.ts'
import { type Command, UsageError } from './command.ts'
import { withSite } from './open.ts'

export const followCommand: Command = {
  name: 'follow',
  usage: `Usage: dramalog follow ACCOUNT

Follows a fediverse account from the site's own account: ACCOUNT is
@name@example.social (found through WebFinger) or the address of its actor.
The Follow is sent at once, and again later by the server if that fails; the
account's server answers with an Accept. What the account publishes then
arrives in the site's inbox (Admin → Fediverse).

Needs the site's public address (DRAMALOG_BASE_URL or Settings).`,
  options: {},
  async run({ positionals }) {
    if (positionals.length !== 1) throw new UsageError('name one account to follow, for example @mira@example.social')
    return withSite(async (site) => {
      const followed = await followAccount(site, positionals[0]!)
      const round = await deliverDue(site)
      const sent = round.delivered > 0 ? 'Follow sent' : 'Follow queued (the server sends it again until it is taken)'
      process.stdout.write(`Following ${followed.handle} (${followed.actorId}): ${sent}; waiting for its Accept.\n`)
      return 0
    })
  },
}
