// The global flags and the configuration they name: all that the light verbs (sources, parse) need.
import type { Command } from 'commander'
import { loadConfig, type LoadedConfig } from '../config/load.ts'

export interface GlobalOptions {
  config?: string
  logLevel?: string
}

export function globalOptions(command: Command): GlobalOptions {
  return command.optsWithGlobals<GlobalOptions>()
}

export function loadCliConfig(command: Command): LoadedConfig {
  return loadConfig(globalOptions(command).config)
}
