/**
 * What a request to the server extension fails with (the REST API and the answer stream alike).
 */

/** A request the server refused or failed: its one-line message and HTTP status. */
export class ApiError extends Error {
  constructor(
    message: string,
    readonly status: number
  ) {
    super(message);
    this.name = 'ApiError';
  }
}
