/*
 * chaincam: true random bytes from the ESP32-S3's hardware RNG, for keys (the camera's identity
 * key at provisioning, per-segment content keys, ephemeral ECDH keys) and link nonces.
 *
 * Why: Moddable's `rng` is RC4 seeded once with 16 bytes of c_rand (esp_random). ESP-IDF's
 * "Random Number Generation" guide (docs/en/api-reference/system/random.rst) says esp_random is
 * truly random only while the RF subsystem (Wi-Fi/Bluetooth) is on, or while the SAR ADC
 * entropy source is on (bootloader_random_enable() until bootloader_random_disable()), or in the
 * bootloader; otherwise "the output of the RNG should be considered as pseudo-random only". A
 * body camera keeps its radio off, so this module switches the SAR ADC source on around each
 * draw: enable, esp_fill_random, disable. On the S3 esp_random spaces its 32-bit words by at
 * least 1,778 APB cycles (components/esp_hw_support/hw_random.c), about 22 us a word at 80 MHz:
 * about 0.18 ms for a 32-byte key.
 * The SAR ADC is the shared resource (bootloader_random.h: not safe while anything else uses the
 * ADC or the RF): chaincam uses neither; its camera (LCD_CAM) and PDM microphone (I2S) do not
 * touch it on the S3. On the classic ESP32 the entropy source is fed through I2S0, which the
 * camera owns there, so on that chip (the esp32cam target) this module does not switch it on and
 * its bytes are the RNG's pseudo-random output: see drivers/hardware-entropy/README.md.
 *
 * Tried: gcc -fsyntax-only against ESP-IDF's headers and the Moddable SDK's xsmc.h (README).
 * Not tried: a build with ESP-IDF or a run on a board.
 */

#include "xsmc.h"
#include "sdkconfig.h"
#include "esp_random.h"
#include "bootloader_random.h"

#define kMaxDraw (1024)

/* fill(length): a new ArrayBuffer of `length` random bytes (1 ... 1024). */
void xs_hardware_entropy_fill(xsMachine *the)
{
	xsIntegerValue length = xsmcToInteger(xsArg(0));
	if ((length < 1) || (length > kMaxDraw))
		xsRangeError("hardware entropy: draw 1 to %d bytes at a time", kMaxDraw);
	xsmcSetArrayBuffer(xsResult, NULL, length);
#if CONFIG_IDF_TARGET_ESP32
	esp_fill_random(xsmcToArrayBuffer(xsResult), length);
#else
	bootloader_random_enable();
	esp_fill_random(xsmcToArrayBuffer(xsResult), length);
	bootloader_random_disable();
#endif
}

/* trueRandom(): whether fill() draws with an entropy source on (see above). */
void xs_hardware_entropy_true_random(xsMachine *the)
{
#if CONFIG_IDF_TARGET_ESP32
	xsmcSetFalse(xsResult);
#else
	xsmcSetTrue(xsResult);
#endif
}
