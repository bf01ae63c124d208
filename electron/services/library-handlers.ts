import type { Channel } from '../../core/channels';
import type { Handlers } from '../../core/contract';
import type { LibraryService } from './library/library-service';

/** Every `library:*` channel of the contract. */
export type LibraryChannel = Extract<Channel, `library:${string}`>;

export function createLibraryHandlers(library: LibraryService): Pick<Handlers, LibraryChannel> {
  return {
    'library:get': () => library.view(),
    'library:add-root': ({ path: folder }) => library.addRoot(folder),
    'library:remove-root': ({ path: folder }) => library.removeRoot(folder),
    'library:scan': async ({ analyse }) => library.scan(analyse),
    'library:analyse': async ({ paths }) => library.analyse(paths),
    'library:job': async () => library.jobs.status(),
    'library:cancel': async () => library.jobs.cancel(),
    'library:platform-take': () => library.takePlatformTask(),
    'library:platform-result': async ({ task, outcome }) => ({ stored: await library.storePlatformResult(task, outcome) }),
  };
}
