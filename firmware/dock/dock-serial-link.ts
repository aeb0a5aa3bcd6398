// Binds a DockSession to the camera's serial port (serial-link.ts): a new port, or the link a
// provisioning session was using, so a camera provisioned over its link goes straight on
// to answering its docks. The firmware never closes it (it lives until power-off); a caller
// that must, closes `link` (SerialLink.close: serial-link-rules tests it).
import { DockSession, type DockSessionOptions } from './dock-session.js';
import { SerialLink, type SerialLinkOptions } from './serial-link.js';

export { DOCK_BAUD } from './serial-link.js';

export type DockSerialLinkOptions = Omit<DockSessionOptions, 'transmit' | 'ticks'> & (SerialLinkOptions | { link: SerialLink });

export class DockSerialLink {
  readonly session: DockSession;
  readonly link: SerialLink;

  constructor(options: DockSerialLinkOptions) {
    this.link = 'link' in options ? options.link : new SerialLink(options);
    this.session = this.link.attach((io) => new DockSession({ ...options, transmit: io.transmit, ticks: io.ticks }));
  }
}
