// Types for scripts/hub-server.mjs (plain JavaScript so Node runs it without a build step).
export interface HubServerOptions {
  /** Folder in the Hub layout: models/{owner}/{name}/… and datasets/{owner}/{name}/… (default test/fixtures/hub). */
  root?: string;
  /** 0 picks a free port (the default). */
  port?: number;
  host?: string;
  /** When set, every request must send `Authorization: Bearer <token>`. */
  token?: string;
  /** Tree entries per page before a `Link: rel="next"` header (default 1000). */
  pageSize?: number;
  /** Cut every file body after this many bytes, to test resumed downloads. */
  interruptAfterBytes?: number;
}

export interface HubServer {
  url: string;
  port: number;
  close(): Promise<void>;
}

export const DEFAULT_HUB_ROOT: string;
export const DEFAULT_HUB_PORT: number;
export function startHubServer(options?: HubServerOptions): Promise<HubServer>;
