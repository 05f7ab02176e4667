// The profile ids a source may name, without loading the parsers: the configuration is checked
// against them by verbs that never parse (`eurowatch sources`). parsers/index.ts holds the profiles.
export const SELECTORS_PROFILE_ID = 'selectors'
export const PROFILE_IDS: readonly string[] = ['eurocities-legacy', 'eurocities', SELECTORS_PROFILE_ID]
