// The actions beside HITL, named as the official Zendesk integration (3.2.0) names them so flows built for it keep
// working; every field titled and described for Studio, outputs typed as Zendesk answers them, lists paged.
import * as sdk from '@botpress/sdk'

const { z } = sdk

const numericId = (what: string) =>
  z
    .string()
    .regex(/^[1-9]\d{0,14}$/, `The ${what} is a number from 1, of at most 15 digits, e.g. "123"`)
    .title(`${what[0]!.toUpperCase()}${what.slice(1)}`)

const pageSize = z
  .number()
  .int()
  .min(1)
  .max(100)
  .optional()
  .title('Page size')
  .describe('How many results one call returns, 1 to 100 (default 100)')

const cursor = z
  .string()
  .optional()
  .title('Cursor')
  .describe('The nextCursor of the previous call, to get the next page; leave empty for the first page')

const nextCursor = z
  .string()
  .optional()
  .title('Next cursor')
  .describe('Pass it as cursor to get the next page; absent on the last page')

export const ticket = z.object({
  id: z.number().title('Ticket ID').describe('ID of the ticket in Zendesk'),
  url: z.string().title('Agent URL').describe('Address of the ticket in the Zendesk agent workspace'),
  subject: z.string().nullable().title('Subject').describe('Subject of the ticket'),
  description: z.string().nullable().title('Description').describe('Text of the ticket\'s first comment'),
  status: z
    .enum(['new', 'open', 'pending', 'hold', 'solved', 'closed'])
    .title('Status')
    .describe('Status of the ticket: new, open, pending, hold, solved or closed'),
  priority: z.enum(['low', 'normal', 'high', 'urgent']).nullable().title('Priority').describe('Priority of the ticket, null when unset'),
  type: z.enum(['question', 'incident', 'problem', 'task']).nullable().title('Type').describe('Type of the ticket, null when unset'),
  requesterId: z.number().nullable().title('Requester ID').describe('Zendesk ID of the user who asked'),
  assigneeId: z.number().nullable().title('Assignee ID').describe('Zendesk ID of the agent assigned, null when unassigned'),
  groupId: z.number().nullable().title('Group ID').describe('Zendesk ID of the group assigned, null when none'),
  ticketFormId: z.string().nullable().title('Ticket form ID').describe('ID of the ticket form, null when the default form'),
  tags: z.array(z.string()).title('Tags').describe('Tags of the ticket'),
  externalId: z.string().nullable().title('External ID').describe('External ID (a HITL ticket has its Botpress conversation ID here)'),
  createdAt: z.string().title('Created at').describe('When the ticket was created (ISO 8601)'),
  updatedAt: z.string().title('Updated at').describe('When the ticket last changed (ISO 8601)'),
  via: z
    .object({ channel: z.string().title('Channel').describe('Channel the ticket came from, e.g. "api", "web", "email"') })
    .title('Via')
    .describe('How the ticket was created'),
})

export const user = z.object({
  id: z.number().title('User ID').describe('ID of the user in Zendesk'),
  name: z.string().title('Name').describe('Name of the user'),
  email: z.string().nullable().title('Email').describe('Primary email of the user, null when none'),
  phone: z.string().nullable().title('Phone').describe('Phone number of the user, null when none'),
  photo: z.string().nullable().title('Photo URL').describe('Address of the user\'s photo, null when none'),
  role: z.enum(['end-user', 'agent', 'admin']).title('Role').describe('end-user, agent or admin'),
  tags: z.array(z.string()).title('Tags').describe('Tags of the user'),
  externalId: z.string().nullable().title('External ID').describe('External ID of the user (a Botpress user ID for the users this integration created)'),
  userFields: z.record(z.string()).title('User fields').describe('Values of the custom user fields that are set, as text'),
  createdAt: z.string().title('Created at').describe('When the user was created (ISO 8601)'),
  updatedAt: z.string().title('Updated at').describe('When the user last changed (ISO 8601)'),
})

const ticketIdInput = numericId('ticket ID').describe('ID of the Zendesk ticket, e.g. "123" (the number in the ticket\'s address)')

// Typed as a record: the definition's own typing of actions stays the SDK's, as without them.
export const actions: Record<string, sdk.ActionDefinition> = {
  getTicket: {
    title: 'Get ticket',
    description: 'Read a Zendesk ticket by its ID',
    input: { schema: z.object({ ticketId: ticketIdInput }) },
    output: { schema: z.object({ ticket: ticket.title('Ticket').describe('The ticket as Zendesk has it now') }) },
  },
  findCustomer: {
    title: 'Find customer',
    description: 'Search Zendesk end users (customers, never agents or admins) by name, email, phone, notes or any user property',
    input: {
      schema: z.object({
        query: z
          .string()
          .min(2)
          .title('Search query')
          .describe('Part or all of a name, email, phone or notes, or a Zendesk search such as "email:ann@acme.com"'),
        pageSize,
        cursor,
      }),
    },
    output: {
      schema: z.object({
        customers: z.array(user).title('Customers').describe('Users matching the query, in Zendesk\'s order'),
        nextCursor,
      }),
    },
  },
  createTicket: {
    title: 'Create ticket',
    description: 'Open a Zendesk ticket on behalf of a requester, outside of a HITL session',
    input: {
      schema: z.object({
        subject: z.string().min(1).title('Subject').describe('Subject of the ticket'),
        comment: z.string().min(1).title('Comment').describe('First comment of the ticket: what the requester needs'),
        requesterName: z.string().min(1).title('Requester name').describe('Name of the requester; used when Zendesk does not know the email yet'),
        requesterEmail: z.string().email().title('Requester email').describe('Email of the requester: Zendesk finds the user by it, or creates one'),
        ticketFormId: numericId('ticket form ID').optional().describe('ID of the Zendesk ticket form to use (Admin Center > Objects and rules > Tickets > Forms)'),
        priority: z.enum(['low', 'normal', 'high', 'urgent']).optional().title('Priority').describe('Priority of the ticket'),
        type: z.enum(['question', 'incident', 'problem', 'task']).optional().title('Type').describe('Type of the ticket'),
        tags: z.array(z.string()).optional().title('Tags').describe('Tags to add, e.g. "vip" (Zendesk lowercases them)'),
      }),
    },
    output: { schema: z.object({ ticket: ticket.title('Ticket').describe('The ticket Zendesk created') }) },
  },
  closeTicket: {
    title: 'Close ticket',
    description: 'Close a Zendesk ticket, with an optional last public comment; a closed ticket can no longer be reopened',
    input: {
      schema: z.object({
        ticketId: ticketIdInput,
        comment: z.string().optional().title('Closing comment').describe('Public comment added as the ticket closes, authored by the bot\'s Zendesk user'),
      }),
    },
    output: { schema: z.object({ ticket: ticket.title('Ticket').describe('The ticket after closing') }) },
  },
  listAgents: {
    title: 'List agents',
    description: 'List the agents and admins of the Zendesk account, a page at a time',
    input: {
      schema: z.object({
        isOnline: z
          .boolean()
          .optional()
          .title('Online only')
          .describe('Only agents whose "availability" user field is "online", as the official integration reads it (default: every agent)'),
        pageSize,
        cursor,
      }),
    },
    output: {
      schema: z.object({
        agents: z.array(user).title('Agents').describe('Agents and admins of this page'),
        nextCursor,
      }),
    },
  },
  callApi: {
    title: 'Call Zendesk API',
    description: 'Send any request to the connected Zendesk\'s /api/v2, with its credentials, rate limits and retries',
    input: {
      schema: z.object({
        method: z.enum(['GET', 'POST', 'PUT', 'PATCH', 'DELETE']).title('HTTP method').describe('GET, POST, PUT, PATCH or DELETE'),
        path: z
          .string()
          .min(1)
          .title('API path')
          .describe('A path under /api/v2, e.g. "tickets/123.json" or "/api/v2/groups.json"; never a full URL'),
        params: z.string().optional().title('Query parameters').describe('JSON object of query parameters, e.g. {"page[size]": "10"}'),
        requestBody: z.string().optional().title('Request body').describe('JSON body for POST, PUT and PATCH, e.g. {"ticket": {"status": "open"}}'),
        headers: z.string().optional().title('Headers').describe('JSON object of extra request headers; credentials and connection headers cannot be set'),
      }),
    },
    output: {
      schema: z.object({
        status: z.number().title('Status code').describe('HTTP status Zendesk answered, after retries of 429 and 5xx'),
        headers: z
          .record(z.string())
          .title('Response headers')
          .describe('The headers that matter: rate limits (x-rate-limit*, ratelimit-*, zendesk-ratelimit-*), retry-after, content-type, location'),
        data: z.any().title('Response body').describe('Body Zendesk answered, parsed from JSON (text otherwise, null when empty)'),
      }),
    },
  },
}
