/*
 * CRC-32 (ISO-HDLC, as zlib and PNG) of bytes[start, end) by the ESP32 ROM's
 * esp_rom_crc32_le, for the dock link's frames (docs/PROTOCOL.md section 2).
 *
 * esp_rom_crc32_le inverts the register before and after each call (esp_rom_crc.h), so for
 * init FFFFFFFF / xorout FFFFFFFF the first call takes ~FFFFFFFF = 0 and its result is the CRC.
 *
 * Checked: `gcc -fsyntax-only` against ESP-IDF's headers (esp_rom_crc.h) and the Moddable
 * SDK's xsmc.h (see README.md for the exact command). Not tried: an mcconfig build, an ESP32
 * board, the ROM routine's speed.
 */

#include "xsmc.h"
#include "esp_rom_crc.h"

/* crc32(bytes: ArrayBuffer | TypedArray, start: number, end: number, previous?: number): number
 * `previous` continues a CRC over bytes that follow (crc32(b, 0, n, crc32(a, 0, m)) is the CRC of a || b). */
void xs_crc32(xsMachine *the)
{
	void *data;
	xsUnsignedValue length;
	xsIntegerValue start, end;

	xsmcGetBufferReadable(xsArg(0), &data, &length);
	start = xsmcToInteger(xsArg(1));
	end = xsmcToInteger(xsArg(2));
	if ((start < 0) || (end < start) || ((xsUnsignedValue)end > length))
		xsRangeError("crc32: range outside the buffer");

	uint32_t previous = 0;
	if ((xsmcArgc > 3) && (xsUndefinedType != xsmcTypeOf(xsArg(3))))
		previous = (uint32_t)xsmcToInteger(xsArg(3));
	uint32_t crc = esp_rom_crc32_le(previous, (const uint8_t *)data + start, (uint32_t)(end - start));
	xsmcSetNumber(xsResult, (double)crc);
}
