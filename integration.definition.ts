import * as sdk from '@botpress/sdk'
import hitl from './bp_modules/hitl'
import { actions } from './src/definitions/actions'
import { kbActions, kbEvents } from './src/kb/definition'

const { z } = sdk

// Studio shows these titles and descriptions to bot builders: each one says what to type and why.
const subdomain = z
  .string()
  .min(1)
  .title('Zendesk subdomain')
  .describe('Your Zendesk address: "acme", "acme.zendesk.com" or "https://acme.zendesk.com"')

const ticketOptions = {
  stopStatus: z
    .enum(['solved', 'closed'])
    .default('solved')
    .title('Status of a ticket the bot ends')
    .describe(
      'When the user or the bot ends the HITL session, the ticket gets this status. "solved" lets an agent reopen it; "closed" is final.'
    ),
}

const identityOptions = {
  linkExistingEndUsers: z
    .boolean()
    .default(false)
    .title('Link users to existing Zendesk end users by email')
    .describe(
      'Turn on only if your bot verifies the email addresses of its users. On: a user whose email belongs to a Zendesk end user created outside Botpress is linked to that end user (and sees the replies on their tickets), and the address is marked verified. Off (default): the bot cannot prove the address is the user\'s, so the user gets their own Zendesk end user, and agents see the address in the user\'s notes, marked unverified. Agents and admins are never linked nor changed, whatever this says.'
    ),
}

const knowledgeBaseOptions = {
  syncKnowledgeBaseWithBot: z
    .boolean()
    .default(false)
    .title('Sync the Help Center into a knowledge base')
    .describe(
      'Keeps a Botpress knowledge base in step with the published articles of your Zendesk Help Center, so the bot answers from the articles agents use before it hands over. Run the "Sync Knowledge Base" action once for the first import; published and unpublished articles follow by themselves.'
    ),
  knowledgeBaseId: z
    .string()
    .optional()
    .title('Knowledge base ID')
    .describe('ID of the bot\'s knowledge base that receives the articles (Studio > Knowledge Bases > the base > its ID)'),
  helpCenterLocales: z
    .array(z.string())
    .optional()
    .title('Help Center locales')
    .describe('Locales of the articles to sync, e.g. "en-us" and "fr". Leave empty for every locale of the Help Center.'),
}

const defaultConfiguration = z.object({ subdomain, ...ticketOptions, ...identityOptions, ...knowledgeBaseOptions })

const manualConfiguration = z.object({
  subdomain: subdomain.describe(
    'Your Zendesk address: "acme", "acme.zendesk.com" or "https://acme.zendesk.com" (plain http is accepted for a loopback host only)'
  ),
  clientId: z
    .string()
    .optional()
    .title('OAuth client ID')
    .describe('Unique identifier of a Zendesk OAuth client allowed the client credentials grant (Admin Center > Apps and integrations > APIs > OAuth clients)'),
  clientSecret: z.string().secret().optional().title('OAuth client secret').describe('Secret of that OAuth client'),
  accessToken: z
    .string()
    .secret()
    .optional()
    .title('OAuth access token')
    .describe('A Zendesk OAuth access token with the "read write" scopes, made by an admin'),
  email: z
    .string()
    .optional()
    .title('Admin email (API token only)')
    .describe('Email of the Zendesk admin who owns the API token'),
  apiToken: z
    .string()
    .secret()
    .optional()
    .title('API token (legacy)')
    .describe('Zendesk API token. Zendesk turns every API token off on 2027-04-30: prefer an OAuth client.'),
  ...ticketOptions,
  ...identityOptions,
  ...knowledgeBaseOptions,
})

const ticket = z.object({
  priority: z
    .enum(['low', 'normal', 'high', 'urgent'])
    .optional()
    .title('Priority')
    .describe('Priority of the ticket in Zendesk'),
  type: z
    .enum(['question', 'incident', 'problem', 'task'])
    .optional()
    .title('Ticket type')
    .describe('Type of the ticket in Zendesk'),
  tags: z
    .array(z.string())
    .optional()
    .title('Tags')
    .describe('Tags added to the ticket, e.g. "vip" or "billing" (Zendesk lowercases them)'),
  groupId: z
    .string()
    .optional()
    .title('Group ID')
    .describe('ID of the Zendesk group the ticket is assigned to (Admin Center > People > Groups)'),
  ticketFormId: z
    .string()
    .optional()
    .title('Ticket form ID')
    .describe('ID of the Zendesk ticket form to use (Admin Center > Objects and rules > Tickets > Forms)'),
  customFields: z
    .array(
      z.object({
        id: z.string().title('Field ID').describe('ID of the Zendesk ticket field'),
        value: z.string().title('Value').describe('Value to set'),
      })
    )
    .optional()
    .title('Custom fields')
    .describe('Values of Zendesk custom ticket fields'),
  requesterName: z
    .string()
    .optional()
    .title('Requester name')
    .describe('Name shown to the agent for the requester, instead of the name the bot knows'),
  requesterEmail: z
    .string()
    .optional()
    .title('Requester email')
    .describe('Email of the requester in Zendesk, instead of the email the bot knows'),
  chatbotName: z
    .string()
    .optional()
    .title('Chatbot display name')
    .describe('Name under which the bot\'s messages appear in the ticket (default "Botpress")'),
  chatbotPhotoUrl: z
    .string()
    .url()
    .optional()
    .title('Chatbot photo URL')
    .describe('Public address of an image Zendesk shows as the photo of the bot\'s user in the ticket (default: none)'),
})

export default new sdk.IntegrationDefinition({
  name: 'zendesk-hitl',
  version: '0.1.0',
  title: 'Zendesk HITL',
  description: 'Hand conversations to Zendesk Support agents and take them back when the ticket is solved.',
  icon: 'icon.svg',
  readme: 'hub.md',
  attributes: { category: 'Customer Support' },
  configuration: {
    schema: defaultConfiguration,
    identifier: { linkTemplateScript: 'linkTemplate.vrl', required: true },
  },
  configurations: {
    manual: {
      title: 'Manual configuration',
      description: 'Connect with your own OAuth client, an access token, or a legacy API token',
      schema: manualConfiguration,
    },
  },
  secrets: {
    CLIENT_ID: { description: 'Unique identifier of the global Zendesk OAuth client used by "Connect with Zendesk"' },
    CLIENT_SECRET: { description: 'Secret of the global Zendesk OAuth client used by "Connect with Zendesk"' },
  },
  entities: {
    ticket: {
      title: 'Zendesk ticket',
      description: 'How the ticket of a HITL session is created in Zendesk',
      schema: ticket,
    },
  },
  actions: { ...actions, ...kbActions },
  events: kbEvents,
  states: {
    helpCenter: {
      type: 'integration',
      schema: z.object({
        webhookId: z.string().title('Webhook ID').describe('ID of the Zendesk webhook subscribed to Help Center article events'),
        signingSecret: z.string().title('Signing secret').describe('Secret Zendesk signs the article events with'),
      }),
    },
    zendesk: {
      type: 'integration',
      schema: z.object({
        webhookId: z.string().title('Webhook ID').describe('ID of the Zendesk webhook that calls this integration'),
        signingSecret: z.string().title('Signing secret').describe('Secret Zendesk signs webhook requests with'),
        triggerIds: z.array(z.number()).title('Trigger IDs').describe('IDs of the Zendesk triggers this integration created'),
        botUserId: z.number().title('Bot Zendesk user ID').describe('ID of the Zendesk end user that authors the bot\'s comments'),
        instanceTag: z.string().title('Instance tag').describe('Tag on every ticket this integration instance created'),
      }),
    },
    signingSecret: {
      type: 'integration',
      schema: z.object({
        webhookId: z.string().title('Webhook ID').describe('ID of the Zendesk webhook the secret was read for'),
        secret: z.string().title('Signing secret').describe('The secret Zendesk had for that webhook when last re-read'),
        checkedAt: z.number().title('Checked at').describe('When it was re-read after a signature mismatch (ms since epoch)'),
      }),
    },
    credentials: {
      type: 'integration',
      schema: z.object({
        accessToken: z.string().title('Access token').describe('Current OAuth access token'),
        refreshToken: z.string().optional().title('Refresh token').describe('OAuth refresh token, rotated on every use'),
        expiresAt: z.number().optional().title('Expires at').describe('When the access token expires (ms since epoch)'),
        subdomain: z.string().title('Subdomain').describe('Zendesk base URL the tokens belong to'),
      }),
    },
    oauthRequest: {
      type: 'integration',
      schema: z.object({
        state: z.string().title('State').describe('Random value binding the authorization to this integration instance'),
        codeVerifier: z.string().title('PKCE code verifier').describe('Secret half of the PKCE pair'),
        createdAt: z.number().title('Created at').describe('When the authorization started (ms since epoch)'),
      }),
    },
    assignment: {
      type: 'conversation',
      schema: z.object({
        assigneeId: z.string().title('Assignee ID').describe('Zendesk ID of the agent last announced as assigned'),
        claim: z.string().title('Claim').describe('Random value of the delivery announcing it: only the one that wrote it announces; empty once released'),
        claimedAt: z.number().optional().title('Claimed at').describe('When the claim was written (ms since epoch)'),
        confirmed: z.boolean().optional().title('Confirmed').describe('The event was created; absent in states written before claims were confirmed'),
      }),
    },
    relay: {
      type: 'conversation',
      schema: z.object({
        relayedUpTo: z
          .number()
          .title('Relayed up to')
          .describe('Highest Zendesk comment id already relayed: older comments need no look'),
        agents: z
          .record(z.string())
          .title('Agents')
          .describe('Botpress user id of each Zendesk agent (by Zendesk id) who wrote in this ticket'),
        ticketId: z
          .number()
          .optional()
          .title('Bound ticket')
          .describe('Zendesk ticket this conversation is bound to, as its tags said: only its events act on the conversation'),
        firstAgentId: z
          .string()
          .optional()
          .title('First agent')
          .describe('Zendesk id of the author of the first relayed comment, whom the hitl plugin takes as the agent'),
        ended: z
          .boolean()
          .optional()
          .title('Session ended')
          .describe('hitlStopped was sent: later replies reach nobody, and the agent is told so in an internal note'),
        outboxHeld: z
          .boolean()
          .optional()
          .title('Messages held')
          .describe('The conversation holds messages Zendesk\'s ticket update limits kept back: a webhook for its ticket sends them'),
      }),
    },
    outbox: {
      type: 'conversation',
      schema: z.object({
        claim: z.string().title('Claim').describe('Random value of the invocation sending the held messages now; one sends at a time'),
        claimedAt: z.number().title('Claimed at').describe('When the claim was taken (ms since epoch): an older one belongs to an invocation that died'),
        sending: z
          .object({
            ids: z.array(z.string()).title('Message IDs').describe('The held messages of the comment being written'),
            at: z.number().title('At').describe('When the comment was sent (ms since epoch)'),
            commentId: z.number().optional().title('Comment ID').describe('The comment they became, once Zendesk answered'),
          })
          .optional()
          .title('Comment being written')
          .describe('Held messages whose comment may be on the ticket already: the next sender checks before writing it again'),
      }),
    },
    stop: {
      type: 'conversation',
      schema: z.object({
        claim: z.string().title('Claim').describe('Random value of the delivery announcing the end of the session; empty once released'),
        claimedAt: z.number().optional().title('Claimed at').describe('When the claim was written (ms since epoch)'),
        confirmed: z.boolean().optional().title('Confirmed').describe('hitlStopped was created; absent in states written before claims were confirmed'),
      }),
    },
  },
  user: {
    tags: {
      zendeskUserId: { title: 'Zendesk user ID', description: 'ID of the matching Zendesk user' },
      email: { title: 'Email', description: 'Email the user was created with; keeps one Botpress user per person' },
    },
  },
}).extend(hitl, (self) => ({
  entities: { hitlSession: self.entities.ticket },
  channels: {
    hitl: {
      title: 'Zendesk Ticket',
      description: 'A Zendesk ticket: the user\'s messages become public comments, agents\' public replies come back',
      conversation: {
        tags: {
          ticketId: { title: 'Zendesk ticket ID', description: 'ID of the Zendesk ticket of this HITL session' },
          requestKey: {
            title: 'Start request key',
            description: 'Identifies the startHitl request creating the conversation until it finishes, so a retry of an unfinished attempt finds it',
          },
          requesterUserId: { title: 'Requester user ID', description: 'Botpress ID of the end user who asked for an agent' },
          requesterZendeskId: { title: 'Requester Zendesk ID', description: 'Zendesk ID of that end user' },
          heldAssigneeId: {
            title: 'Held assignee',
            description: 'Zendesk ID of an agent assigned before the session started, announced once the session is active',
          },
          zendeskBudget: {
            title: 'Ticket update budget',
            description: 'Updates this conversation may still make to its ticket under Zendesk\'s rate limits, and when',
          },
          outboxHeld: {
            title: 'Messages held',
            description: 'Messages of this conversation wait for Zendesk\'s ticket update limits (each one tagged as held)',
          },
          stopPending: {
            title: 'Stop asked for',
            description: 'Status stopHitl asked for: every later update of the ticket carries it, so no late message reopens it',
          },
          stopApplied: {
            title: 'Stop applied',
            description: 'The stop status an update of held messages is known to have put on the ticket',
          },
          deliveredMessages: {
            title: 'Delivered messages',
            description: 'IDs of the latest messages already on the ticket, so a message Botpress delivers again makes no second comment',
          },
        },
      },
      message: {
        tags: {
          zendeskCommentId: { title: 'Zendesk comment ID', description: 'ID of the Zendesk comment of this message' },
          zendeskHeld: {
            title: 'Held back',
            description: '"yes" while Zendesk\'s ticket update limits keep the message back; removed once it is on the ticket',
          },
        },
      },
    },
  },
}))
