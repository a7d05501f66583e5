// Text that crosses between a chat and a Zendesk ticket, either way, stripped of what only serves to deceive or
// break the reader: control characters (NUL, ESC sequences that repaint a terminal or a log), bidi overrides and
// isolates (which make "txt.exe" read as "exe.txt"), hidden text, and lone surrogates (invalid UTF-16 that some
// clients refuse).

// C0 controls but tab and newline, DEL, and C1 controls.
const CONTROLS = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g
// Embeddings and overrides (LRE, RLE, PDF, LRO, RLO) and isolates (LRI, RLI, FSI, PDI).
const BIDI_CONTROLS = /[\u202a-\u202e\u2066-\u2069]/g
const LONE_SURROGATES = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g

/** Invalid UTF-16: no URL can carry it (encodeURIComponent throws). */
export const hasLoneSurrogate = (text: string) => new RegExp(LONE_SURROGATES.source).test(text)
// Tag characters (ASCII spelled invisibly, read by some language models) and interlinear annotation marks, which
// hide text from the reader.
const HIDDEN_TEXT = /[\u{e0000}-\u{e007f}\ufff9-\ufffb]/gu
// Marks that are invisible yet change what a line seems to say or match: LRM, RLM, ALM, zero-width space,
// non-joiner and joiner, word joiner, BOM. A comment keeps them (a joiner inside an emoji sequence, marks in
// right-to-left prose); a name or a file name has no use for them.
const INVISIBLE_MARKS = /[\u200e\u200f\u061c\u200b-\u200d\u2060\ufeff]/g

/** The text with only what a person can read left in it; line breaks are kept as "\n". */
export function cleanText(text: string): string {
  return text
    .replace(/\r\n?/g, '\n')
    .replace(CONTROLS, '')
    .replace(BIDI_CONTROLS, '')
    .replace(HIDDEN_TEXT, '')
    .replace(LONE_SURROGATES, '')
}

/** A one-line text (a name, a subject, a file name): cleaned, with any line break or tab turned into a space. */
export function cleanLine(text: string): string {
  return cleanText(text).replace(INVISIBLE_MARKS, '').replace(/\s+/g, ' ').trim()
}

/**
 * Zendesk keeps at most 255 characters of a subject and drops the rest silently (observed in
 * mattermost/mattermost#17690, "Zendesk seems to keep the field at 255"); cutting it here keeps the cut visible.
 */
export const MAX_SUBJECT_CHARS = 255

export function fitSubject(subject: string, max = MAX_SUBJECT_CHARS): string {
  const line = cleanLine(subject)
  if (line.length <= max) return line
  return `${line.slice(0, max - 1).replace(/[\ud800-\udbff]$/, '')}…`
}

/** Zendesk refuses a comment longer than about 65,000 characters (support.zendesk.com community post 4719863289498). */
export const MAX_COMMENT_CHARS = 65_000
