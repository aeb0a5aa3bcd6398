// What provisioning leaves on a camera's flash, shared by the firmware that reads it
// (firmware/store/provisioned-keys.ts) and the host tools that write it:
//   ROOT identity.bin  162 bytes: camera private key (32) | camera public key (65) | agency public key (65)
//   ROOT docks.bin     N × 65 bytes: uncompressed P-256 public keys of the enrolled docks
export const IDENTITY_FILE = 'identity.bin';
export const IDENTITY_LENGTH = 32 + 65 + 65;
export const DOCKS_FILE = 'docks.bin';
export const DOCK_KEY_LENGTH = 65;
