import { expect } from 'vitest'
import { DeliveryError } from '../../domain/alert.ts'

/** The DeliveryError a send failed with; the test fails if it succeeded or threw something else. */
export async function deliveryFailure(promise: Promise<unknown>): Promise<DeliveryError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  )
  expect(error).toBeInstanceOf(DeliveryError)
  return error as DeliveryError
}
