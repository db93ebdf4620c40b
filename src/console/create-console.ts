import type { KeyStore } from '../auth/key-store.js';
import type { Config } from '../config/schema.js';
import { ConsoleAccess } from './console-access.js';
import { ConsoleRoutes } from './console-routes.js';
import { LiveStreams } from './live-streams.js';
import type { LiveTail } from './live-tail.js';
import { ConsoleSessions } from './sessions.js';
import { ConsoleData } from './snapshot.js';
import type { ConsoleSources } from './sources.js';

/** The console's routes over its live tail (which the recorder feeds) and the read-only views of the rest. */
export function createConsoleRoutes(settings: Config['console'], tail: LiveTail, keys: KeyStore, sources: ConsoleSources, onError: (error: unknown) => void): ConsoleRoutes {
  const sessions = new ConsoleSessions(settings.sessionTtlMinutes * 60_000);
  const data = new ConsoleData(tail, sources);
  return new ConsoleRoutes(new ConsoleAccess(keys, sessions, settings.public), sessions, data, new LiveStreams(data, settings.maxStreams, onError));
}
