/** `runledger serve`'s defaults, in a module of their own: the CLI's help shows them without loading the server. */
export const DEFAULT_PORT = 7340;
export const DEFAULT_HOST = '127.0.0.1';
/** Largest request body in bytes: 1 MiB. */
export const DEFAULT_BODY_LIMIT = 1 << 20;
/** Where the bearer token comes from when no token file is given. */
export const TOKEN_ENV = 'RUNLEDGER_SERVE_TOKEN';
