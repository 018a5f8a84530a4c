import azureFunctions from '@azure/functions';

/**
 * `@azure/functions` is CommonJS whose named exports Node cannot detect from
 * ESM, so it is imported once here through its default export.
 */
export const azure = azureFunctions;

/** The registration surface of `@azure/functions` (`app`) that the adapter uses. */
export type AzureApp = Pick<typeof azureFunctions.app, 'http' | 'storageBlob' | 'storageQueue' | 'timer' | 'eventGrid'>;
