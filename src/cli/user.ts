import { createInterface } from 'node:readline'
import { addUser, changePassword, listAccounts } from '../services/accounts.ts'
import { Role } from '../domain/user.ts'
import { type Command, UsageError } from './command.ts'
import { withSite } from './open.ts'

/** Reads a password: from standard input when it is piped, else from a hidden prompt, asked twice. */
async function readPassword(): Promise<string> {
  if (!process.stdin.isTTY) {
    let text = ''
    for await (const chunk of process.stdin) text += chunk
    return text.replace(/\r?\n$/, '')
  }
  const ask = (question: string) =>
    new Promise<string>((resolve) => {
      const rl = createInterface({ input: process.stdin, output: process.stderr, terminal: true })
      const write = (rl as unknown as { _writeToOutput: (s: string) => void })
      write._writeToOutput = (s: string) => {
        if (s.includes(question)) process.stderr.write(s)
      }
      rl.question(question, (answer) => {
        rl.close()
        process.stderr.write('\n')
        resolve(answer)
      })
    })
  const first = await ask('Password: ')
  const second = await ask('Again: ')
  if (first !== second) throw new UsageError('the two passwords differ')
  return first
}

export const userCommand: Command = {
  name: 'user',
  usage: `Usage: dramalog user add USERNAME [--name "Display Name"] [--role owner|editor|author]
       dramalog user list
       dramalog user passwd USERNAME

Accounts for the admin at /admin. The first account is always the owner.
The password is read from standard input when it is piped (one line), or
asked for twice on a terminal. Passwords need at least 10 characters.

Roles: owner (everything, settings), editor (every review), author (own reviews).`,
  options: { name: { type: 'string' }, role: { type: 'string' } },
  async run({ values, positionals }) {
    const [sub, username, ...rest] = positionals
    if (rest.length) throw new UsageError(`unexpected "${rest.join(' ')}"`)
    if (sub === 'list') {
      const users = await withSite(listAccounts)
      if (users.length === 0) process.stdout.write('No accounts yet. Add one with: dramalog user add USERNAME\n')
      for (const u of users) process.stdout.write(`${u.username.padEnd(20)} ${u.role.padEnd(7)} ${u.displayName}\n`)
      return 0
    }
    if (sub === 'add') {
      if (!username) throw new UsageError('name the account: dramalog user add USERNAME')
      const role = Role.safeParse(values.role ?? 'author')
      if (!role.success) throw new UsageError(`--role must be owner, editor or author, not "${String(values.role)}"`)
      const password = await readPassword()
      const user = await withSite((site) =>
        addUser(site, { username, displayName: typeof values.name === 'string' ? values.name : username, role: role.data, password }),
      )
      process.stdout.write(`Added ${user.username} (${user.role}). Sign in at /admin/login.\n`)
      return 0
    }
    if (sub === 'passwd') {
      if (!username) throw new UsageError('name the account: dramalog user passwd USERNAME')
      const password = await readPassword()
      await withSite((site) => changePassword(site, username, password))
      process.stdout.write(`Changed the password of ${username}; its sessions were signed out.\n`)
      return 0
    }
    throw new UsageError(sub ? `unknown subcommand "${sub}"` : 'say add, list or passwd')
  },
}
