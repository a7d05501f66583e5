// Handler types, all derived from the one definition through src/gen/integration.ts.
import type * as sdk from '@botpress/sdk'
import type { TIntegration } from './gen/integration'

export type { TIntegration }
export type IntegrationProps = sdk.IntegrationProps<TIntegration>
export type Client = sdk.IntegrationSpecificClient<TIntegration>
export type Logger = sdk.IntegrationLogger
export type Context = sdk.IntegrationContext<TIntegration>

type Actions = IntegrationProps['actions']
export type ActionProps<K extends keyof Actions> = Parameters<Actions[K]>[0]
export type ActionOutput<K extends keyof Actions> = Awaited<ReturnType<Actions[K]>>

type HitlMessages = IntegrationProps['channels']['hitl']['messages']
export type HitlMessageType = keyof HitlMessages
export type HitlMessageProps<K extends HitlMessageType = HitlMessageType> = Parameters<HitlMessages[K]>[0]

export type RegisterProps = Parameters<IntegrationProps['register']>[0]
export type UnregisterProps = Parameters<IntegrationProps['unregister']>[0]
export type WebhookProps = Parameters<IntegrationProps['handler']>[0]

export type HitlPayloads = TIntegration['channels']['hitl']['messages']
export type TicketEntity = TIntegration['entities']['ticket']
export type StartHitlInput = TIntegration['actions']['startHitl']['input']
export type HistoryMessage = StartHitlInput['messageHistory'][number]
