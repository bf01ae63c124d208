import { contextBridge, ipcRenderer } from 'electron';
import { channels, type AttuneApi } from '../../core/channels';

const api = Object.fromEntries(
  channels.map((channel) => [channel, (request: unknown) => ipcRenderer.invoke(channel, request)]),
) as AttuneApi;

contextBridge.exposeInMainWorld('attune', api);
