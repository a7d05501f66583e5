import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { generatedPath, renderTypes } from '../../scripts/gen-types'

describe('src/gen/integration.ts', () => {
  it('is what the definition generates today (run `npm run gen` after changing the definition)', () => {
    expect(readFileSync(generatedPath, 'utf8')).toBe(renderTypes())
  })
})
