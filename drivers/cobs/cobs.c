/*
 * COBS encoding (Cheshire and Baker 1999) of the concatenation of its arguments (buffers or
 * typed arrays), followed by the 00 delimiter, into a new ArrayBuffer of exactly that length:
 * the dock link's frames (docs/PROTOCOL.md section 2). Each zero becomes the distance to the
 * next zero; a run of 254 non-zero bytes gets a code FF. The parts let the camera frame a DATA
 * header, the file's bytes and the CRC without first copying them together.
 *
 * Checked: `gcc -fsyntax-only` against the Moddable SDK's xsmc.h (see README.md); the same
 * encoding in firmware/format/dock-frames.ts cobsEncode is what the simulated board runs and
 * is tested byte for byte. Not tried: an mcconfig build, an ESP32 board.
 */

#include "xsmc.h"

#define kMaxParts (4)

/* cobsFrame(...parts): ArrayBuffer */
void xs_cobs_frame(xsMachine *the)
{
	const uint8_t *parts[kMaxParts];
	xsUnsignedValue lengths[kMaxParts];
	int count = xsmcArgc, i;
	xsUnsignedValue total = 0, run = 0, codes = 1;

	if ((count < 1) || (count > kMaxParts))
		xsRangeError("cobsFrame: 1 to 4 parts");
	for (i = 0; i < count; i++) {
		void *data;
		xsmcGetBufferReadable(xsArg(i), &data, &lengths[i]);
		parts[i] = data;
		total += lengths[i];
	}

	/* First pass: one code byte before each zero-delimited run, and one per 254 non-zeros;
	   zeros themselves are replaced by codes, so the output is the non-zeros + codes + 00. */
	xsUnsignedValue zeros = 0;
	for (i = 0; i < count; i++) {
		const uint8_t *in = parts[i], *end = parts[i] + lengths[i];
		for (; in < end; in++) {
			if (*in == 0)
				run = 0, codes++, zeros++;
			else if (++run == 254)
				run = 0, codes++;
		}
	}

	uint8_t *out;
	xsmcSetArrayBuffer(xsResult, NULL, total - zeros + codes + 1);
	/* The allocation may move buffers in the chunk heap: fetch the parts again. */
	for (i = 0; i < count; i++) {
		void *data;
		xsmcGetBufferReadable(xsArg(i), &data, &lengths[i]);
		parts[i] = data;
	}
	out = xsmcToArrayBuffer(xsResult);

	uint8_t *code = out++;
	uint8_t length = 1;
	for (i = 0; i < count; i++) {
		const uint8_t *in = parts[i], *end = parts[i] + lengths[i];
		for (; in < end; in++) {
			if (*in == 0) {
				*code = length;
				code = out++;
				length = 1;
			}
			else {
				*out++ = *in;
				if (++length == 0xFF) {
					*code = length;
					code = out++;
					length = 1;
				}
			}
		}
	}
	*code = length;
	*out = 0;
}
