// The Botpress `hitl` interface, version 2.1.0, as Botpress publishes it: the contract the hitl plugin calls.
// `bp add hitl@2.1.0` writes this package; the CLI cannot run here, so it is written by hand from the published
// contract and pinned by test/interface-contract.test.ts.
import * as sdk from '@botpress/sdk'

const { z } = sdk

const userIdField = z
  .string()
  .optional()
  .title('User ID')
  .describe('Allows sending a message pretending to be a certain user')

const additionalDataField = z
  .string()
  .max(500)
  .optional()
  .title('Additional data')
  .describe('Extra data attached to the message by the sender (at most 500 characters)')

// Every hitl channel message is the SDK's message payload plus the author the plugin relays for.
const hitlMessage = <S extends sdk.z.AnyZodObject>(message: { schema: S }) => ({
  schema: message.schema.extend({ userId: userIdField, additionalData: additionalDataField }),
})

const messageSource = z.union([
  z.object({ type: z.literal('user'), userId: z.string() }),
  z.object({ type: z.literal('bot') }),
])

const historyMessageTypes = { ...sdk.messages.defaults, markdown: sdk.messages.markdown }

const [first, second, ...others] = Object.entries(historyMessageTypes).map(
  ([type, message]): sdk.z.AnyZodObject => z.object({ source: messageSource, type: z.literal(type), payload: message.schema })
)
const historyMessage = z.union([first!, second!, ...others])

const hitlSessionId = z
  .string()
  .title('HITL session ID')
  .describe('ID of the Botpress conversation representing the HITL session')

export default {
  name: 'hitl',
  version: '2.1.0',
  entities: {
    hitlSession: {
      title: 'HITL session',
      description: 'A HITL session, often referred to as a ticket or conversation in external systems',
      schema: z.object({}),
    },
  },
  events: {
    hitlAssigned: {
      title: 'HITL assigned',
      description: 'A human agent was assigned to the HITL session',
      schema: z.object({
        conversationId: hitlSessionId,
        userId: z
          .string()
          .title('Human agent user ID')
          .describe('ID of the Botpress user representing the human agent assigned to the HITL session'),
      }),
    },
    hitlStopped: {
      title: 'HITL stopped',
      description: 'The HITL session was stopped by the external service',
      schema: z.object({ conversationId: hitlSessionId }),
    },
  },
  actions: {
    createUser: {
      title: 'Create external user',
      description: 'Create an end user in the external service and in Botpress',
      attributes: { bpActionHiddenInStudio: 'true' },
      input: {
        schema: z.object({
          name: z.string().title('Display name').describe('Display name of the end user'),
          pictureUrl: z.string().optional().title('Picture URL').describe("URL of the end user's avatar"),
          email: z.string().optional().title('Email address').describe('Email address of the end user'),
        }),
      },
      output: {
        schema: z.object({
          userId: z.string().title('Botpress user ID').describe('ID of the Botpress user representing the end user'),
        }),
      },
    },
    startHitl: {
      title: 'Start new HITL session',
      description: 'Create a new HITL session in the external service and in Botpress',
      attributes: { bpActionHiddenInStudio: 'true' },
      input: {
        schema: z.object({
          userId: z.string().title('User ID').describe('ID of the Botpress user representing the end user'),
          title: z
            .string()
            .optional()
            .title('Title')
            .describe('Title of the HITL session. This corresponds to a ticket title in systems that use tickets.'),
          description: z
            .string()
            .optional()
            .title('Description')
            .describe(
              'Description of the HITL session. This corresponds to a ticket description in systems that use tickets.'
            ),
          hitlSession: z
            .ref('hitlSession')
            .optional()
            .title('Extra configuration')
            .describe('Configuration of the HITL session'),
          messageHistory: z
            .array(historyMessage)
            .title('Conversation history')
            .describe(
              'History of all messages in the conversation up to this point. Should be displayed to the human agent in the external service.'
            ),
        }),
      },
      output: { schema: z.object({ conversationId: hitlSessionId }) },
    },
    stopHitl: {
      title: 'Stop HITL session',
      description: 'Stop an existing HITL session in the external service',
      attributes: { bpActionHiddenInStudio: 'true' },
      input: { schema: z.object({ conversationId: hitlSessionId }) },
      output: { schema: z.object({}) },
    },
  },
  channels: {
    hitl: {
      messages: {
        text: hitlMessage(sdk.messages.defaults.text),
        image: hitlMessage(sdk.messages.defaults.image),
        audio: hitlMessage(sdk.messages.defaults.audio),
        video: hitlMessage(sdk.messages.defaults.video),
        file: hitlMessage(sdk.messages.defaults.file),
        bloc: hitlMessage(sdk.messages.defaults.bloc),
      },
    },
  },
} satisfies sdk.InterfacePackage['definition']
