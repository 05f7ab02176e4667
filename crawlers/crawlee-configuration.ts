import { Configuration } from '@crawlee/core'

type StorageClient = ReturnType<Configuration['getStorageClient']>

/**
 * crawlee's configuration for one crawl: a fresh in-memory request queue (a monitor refetches the
 * same URLs every run) and nothing written to disk. Its storage has no teardown: with nothing
 * persisted there is nothing to wait for, and a crawler that tears its storage down leaves a
 * one-second timer behind (a log line should the wait be long), which kept the process alive
 * for a second after every crawl.
 */
export function crawleeConfiguration(): Configuration {
  const configuration = new Configuration({ persistStorage: false })
  configuration.useStorageClient(withoutTeardown(configuration.getStorageClient()))
  return configuration
}

function withoutTeardown(storage: StorageClient): StorageClient {
  return {
    datasets: () => storage.datasets(),
    dataset: (id) => storage.dataset(id),
    keyValueStores: () => storage.keyValueStores(),
    keyValueStore: (id) => storage.keyValueStore(id),
    requestQueues: () => storage.requestQueues(),
    requestQueue: (id, options) => storage.requestQueue(id, options),
    purge: async () => storage.purge?.(),
    setStatusMessage: async (message, options) => storage.setStatusMessage?.(message, options),
  }
}
