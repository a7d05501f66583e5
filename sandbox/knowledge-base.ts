// The knowledge base part of the sandbox: a few Help Center articles in the emulated Zendesk, the syncKb action
// run from the page, and what the bot's knowledge base (the Botpress emulator's files) holds.
import type { BotpressEmulator } from '../emulators/botpress'
import type { Cloud } from '../emulators/cloud'
import type { ZendeskEmulator } from '../emulators/zendesk'

export const SANDBOX_KB = 'kb_sandbox'

export const knowledgeBaseConfiguration = { syncKnowledgeBaseWithBot: true, knowledgeBaseId: SANDBOX_KB }

export function seedHelpCenter(zendesk: ZendeskEmulator): void {
  const sectionId = zendesk.helpCenter.addSection({ name: 'Orders' }).id
  const articles = [
    ['Where is my order?', '<h2>Tracking</h2><p>Open <strong>Orders</strong>, then the order: its tracking link is on the right.</p>'],
    ['Returns and refunds', '<p>You have 30 days.</p><ol><li>Open the order</li><li>Choose <em>Return</em></li></ol>'],
    ['Delivery times', '<table><tr><td>Zone</td><td>Days</td></tr><tr><td>EU</td><td>2-4</td></tr><tr><td>US</td><td>5-8</td></tr></table>'],
  ]
  for (const [title, body] of articles) zendesk.helpCenter.publishArticle({ sectionId, locale: 'en-us', title: title!, body: body! })
}

export type SyncCounts = { added: number; updated: number; removed: number; unchanged: number; failed: string[] }

export class KnowledgeBasePanel {
  private last: SyncCounts | { error: string } | null = null

  public constructor(
    private readonly cloud: Cloud,
    private readonly botpress: BotpressEmulator,
  ) {}

  public async sync(): Promise<void> {
    try {
      this.last = (await this.cloud.action('syncKb', {})) as SyncCounts
    } catch (thrown) {
      this.last = { error: thrown instanceof Error ? thrown.message : String(thrown) }
    }
  }

  public view() {
    const files = [...this.botpress.state.files.values()].filter((f) => f.tags.kbId === SANDBOX_KB && f.tags.source === 'knowledge-base')
    return {
      kbId: SANDBOX_KB,
      lastSync: this.last,
      articles: files
        .map((f) => ({ title: f.tags.title ?? f.key, locale: f.tags.zendeskLocale ?? '', status: f.status }))
        .sort((a, b) => a.title.localeCompare(b.title)),
    }
  }
}
