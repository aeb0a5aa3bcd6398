// The bytes of one issueCommand() call between the board's modules (in XS) and
// the host: u32le JSON length, JSON header, then raw payload bytes.
// host-tools/sim/moddable/bootstrap.ts holds the XS side of the same layout.

export interface BridgeMessage {
  header: Record<string, any>;
  payload: Uint8Array | undefined;
}

export function encodeBridgeMessage(header: Record<string, unknown>, payload?: Uint8Array): Uint8Array {
  const json = Buffer.from(JSON.stringify(header), 'utf8');
  const message = Buffer.alloc(4 + json.length + (payload?.length ?? 0));
  message.writeUInt32LE(json.length, 0);
  json.copy(message, 4);
  if (payload) message.set(payload, 4 + json.length);
  return message;
}

export function decodeBridgeMessage(message: Uint8Array): BridgeMessage {
  if (message.length < 4) throw new Error('simulated board: truncated bridge message');
  const view = Buffer.from(message.buffer, message.byteOffset, message.byteLength);
  const length = view.readUInt32LE(0);
  if (4 + length > view.length) throw new Error('simulated board: bridge message shorter than its header');
  const header = JSON.parse(view.subarray(4, 4 + length).toString('utf8')) as Record<string, any>;
  const rest = view.subarray(4 + length);
  return { header, payload: rest.length ? new Uint8Array(rest) : undefined };
}
