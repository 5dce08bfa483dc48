/**
 * The destinations table's entry: wiring only. Messages from the extension are checked against the
 * shared protocol before the page acts on them; the page then says it is ready and is sent the view,
 * the servers and every row.
 */
import './style.css';
import type { VsCodeApi } from '../messages';
import { ToTable } from '../tableProtocol';
import { TablePage } from './app';

declare function acquireVsCodeApi(): VsCodeApi;

const api = acquireVsCodeApi();
const page = new TablePage(document.getElementById('app')!, (m) => api.postMessage(m));
window.addEventListener('message', (event: MessageEvent<unknown>) => {
  const parsed = ToTable.safeParse(event.data);
  if (parsed.success) page.receive(parsed.data);
});
// What VS Code keeps for the panel: its serializer brings the table back after a window reload.
api.setState({ table: true });
api.postMessage({ type: 'ready' });
