import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import { channels, hostEventIpcChannel, type AttuneApi, type HostEventsApi } from '../../core/channels';

const api = Object.fromEntries(
  channels.map((channel) => [channel, (request: unknown) => ipcRenderer.invoke(channel, request)]),
) as AttuneApi;

contextBridge.exposeInMainWorld('attune', api);

// The host's events, passed on as they came; the renderer's bridge checks each against the contract.
const events: HostEventsApi = {
  subscribe(listener) {
    const forward = (_event: IpcRendererEvent, hostEvent: unknown) => listener(hostEvent);
    ipcRenderer.on(hostEventIpcChannel, forward);
    return () => {
      ipcRenderer.off(hostEventIpcChannel, forward);
    };
  },
};
contextBridge.exposeInMainWorld('attuneEvents', events);
