// What `eurowatch doctor` checks of the alert channels: each SMTP server, webhook, Slack hook and
// feed file of the configuration once, with who sends through it and the unset ${NAME}s it names.
import type { AlertTarget } from './alert-checks.ts'
import type { UnsetVariable } from '../config/load.ts'
import type { ChannelConfig, Config } from '../config/schema.ts'
import { within } from './subscribers.ts'

export function alertTargetsOf(config: Config, baseDir: string, unset: UnsetVariable[]): AlertTarget[] {
  const unsetUnder = (prefix: PropertyKey[]) =>
    [...new Set(unset.filter((variable) => prefix.every((part, index) => variable.path[index] === part)).map((variable) => variable.name))]
  const channels: { channel: ChannelConfig; user: string; path: PropertyKey[] }[] = [
    ...config.subscriptions.map((subscription, index) => ({ channel: subscription.channel, user: `subscription "${subscription.name}"`, path: ['subscriptions', index, 'channel'] })),
    ...(config.operator ? [{ channel: config.operator.channel, user: 'operator', path: ['operator', 'channel'] }] : []),
  ]
  const targets = new Map<string, AlertTarget>()
  if (config.smtp) {
    const { smtp } = config
    const settings = { ...smtp, caFile: smtp.caFile === undefined ? undefined : within(baseDir, smtp.caFile) }
    targets.set('smtp', { kind: 'smtp', settings, usedBy: [], unset: unsetUnder(['smtp']) })
  }
  for (const { channel, user, path } of channels) {
    const key = channel.type === 'email' ? 'smtp' : channel.type === 'feed' ? `feed ${within(baseDir, channel.path)}` : `${channel.type} ${channel.url}`
    const known = targets.get(key)
    if (known) {
      known.usedBy.push(user)
      known.unset = [...new Set([...known.unset, ...unsetUnder(path)])]
      continue
    }
    const base = { usedBy: [user], unset: unsetUnder(path) }
    if (channel.type === 'feed') targets.set(key, { kind: 'feed', path: within(baseDir, channel.path), ...base })
    else if (channel.type !== 'email') targets.set(key, { kind: channel.type, url: channel.url, timeoutSeconds: channel.timeoutSeconds, ...base })
  }
  return [...targets.values()]
}
