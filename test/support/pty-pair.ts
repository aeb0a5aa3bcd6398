// The dock tests' cable: a real socat pty pair (host-tools/dock/pty-pair.ts).
export { ptyPair, type PtyPair } from '../../host-tools/dock/pty-pair.js';
