/** Abort reason when the client went away; classified as `client_closed` by its code. */
export class ClientClosed extends Error {
  readonly code = 'ERR_CLIENT_CLOSED';
  constructor() {
    super('client closed the connection');
    this.name = 'ClientClosed';
  }
}
