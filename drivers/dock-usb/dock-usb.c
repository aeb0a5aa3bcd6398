/*
 * chaincam drivers/dock-usb: the camera's dock link on the ESP32-S3's USB-C connector through
 * ESP-IDF's USB-Serial-JTAG driver (the S3's fixed-function CDC-ACM port, the one esptool flashes
 * through), as an ECMA-419 Serial in shape (drivers/dock-usb/dock-usb.ts is its TypeScript face;
 * on the simulated board host-tools/sim/moddable/dock-usb.ts replaces both).
 *
 * usb_serial_jtag_driver_install gives a TX ring buffer that holds a whole window of frames and an
 * RX ring; write() copies a frame into the TX ring, all or nothing (usb_serial_jtag_write_bytes
 * with no wait). The driver has no event queue and reports no free space, so one FreeRTOS task
 * reads received bytes into a ring of ours and posts to the XS machine (modMessagePostToMachine),
 * and after a refused write waits for TX done (usb_serial_jtag_wait_tx_done) before posting
 * onWritable. A debug build's debugger (Moddable's debugger_uart_cdc.c, USE_USB=2) installs the
 * same driver for xsbug: xs_dockusb_in_use says so, and the firmware keeps the dock on the UART.
 * On chips without USB-Serial-JTAG (the classic ESP32 of the ESP32-CAM) it compiles to a module
 * that says the port is in use and refuses to open.
 *
 * What was tried, on this machine (gcc 12.2), with ESP-IDF master headers (commit 102122904ade)
 * for an ESP32-S3 and the Moddable SDK's XS headers (commit 48ee02d8c) extracted outside the
 * repository, and the hand-written minimal sdkconfig.h of drivers/sd-card/README.md:
 *   cd /work/scratch-capture
 *   gcc -fsyntax-only -Wall -Wextra -std=gnu17 -DESP32=1 -D__XTENSA__=1 \
 *       -include config/sdkconfig.h $(cat config/inc4.txt) drivers/dock-usb/dock-usb.c
 * It printed nothing about this file and exited 0; the only diagnostics are inside ESP-IDF's
 * headers: two 64-bit pointer-cast warnings in esp_cpu.h.
 * What was NOT tried: the Xtensa compiler, an mcconfig build, a board: none of this has run on
 * hardware.
 */

#include <string.h>

#include "xsmc.h"
#include "xsHost.h"

#include "soc/soc_caps.h"

#if SOC_USB_SERIAL_JTAG_SUPPORTED

#include "driver/usb_serial_jtag.h"
#include "freertos/FreeRTOS.h"
#include "freertos/ringbuf.h"
#include "freertos/task.h"

#define kTaskStack (3072)
#define kTaskPriority (8)
#define kChunk (512)

typedef struct DockUsbRecord DockUsbRecord;
typedef DockUsbRecord *DockUsb;

struct DockUsbRecord {
	xsSlot obj;
	xsSlot onReadable;
	xsSlot onWritable;
	xsMachine *the;
	RingbufHandle_t received;       /* bytes the task read, until XS reads them */
	TaskHandle_t task;
	uint32_t transmitBuffer;
	uint32_t lost;                  /* bytes our receive ring had no room for */
	volatile uint8_t waitWritable;  /* a write was refused: onWritable once the ring has drained */
	volatile uint8_t readablePosted;
	volatile uint8_t closing;
	uint8_t hasReadable;
	uint8_t hasWritable;
	int useCount;                   /* the XS object, the task, and each posted message */
};

static void xs_dockusb_mark(xsMachine *the, void *it, xsMarkRoot markRoot);
void xs_dockusb_destructor(void *data);

static const xsHostHooks xsDockUsbHooks = {
	xs_dockusb_destructor,
	xs_dockusb_mark,
	NULL
};

static int dockUsbRelease(DockUsb u)
{
	if (0 != __atomic_sub_fetch(&u->useCount, 1, __ATOMIC_SEQ_CST))
		return 0;
	usb_serial_jtag_driver_uninstall();
	vRingbufferDelete(u->received);
	c_free(u);
	return 1;
}

static size_t dockUsbBuffered(DockUsb u)
{
	UBaseType_t waiting = 0;
	vRingbufferGetInfo(u->received, NULL, NULL, NULL, NULL, &waiting);
	return (size_t)waiting;
}

static void dockUsbDeliverReadable(void *the, void *refcon, uint8_t *message, uint16_t messageLength)
{
	DockUsb u = refcon;
	size_t count;
	(void)message; (void)messageLength;
	if (dockUsbRelease(u))
		return;
	u->readablePosted = 0;
	count = dockUsbBuffered(u);
	if (u->closing || !count)
		return;
	xsBeginHost(the);
		xsmcSetInteger(xsResult, (xsIntegerValue)count);
		xsCallFunction1(u->onReadable, u->obj, xsResult);
	xsEndHost(the);
}

static void dockUsbDeliverWritable(void *the, void *refcon, uint8_t *message, uint16_t messageLength)
{
	DockUsb u = refcon;
	(void)message; (void)messageLength;
	if (dockUsbRelease(u))
		return;
	if (u->closing)
		return;
	xsBeginHost(the);
		xsmcSetInteger(xsResult, (xsIntegerValue)u->transmitBuffer);
		xsCallFunction1(u->onWritable, u->obj, xsResult);
	xsEndHost(the);
}

static void dockUsbPost(DockUsb u, modMessageDeliver deliver)
{
	__atomic_add_fetch(&u->useCount, 1, __ATOMIC_SEQ_CST);
	if (modMessagePostToMachine(u->the, NULL, 0, deliver, u))
		dockUsbRelease(u);
}

static void dockUsbTask(void *arg)
{
	DockUsb u = arg;
	uint8_t chunk[kChunk];

	while (!u->closing) {
		int got = usb_serial_jtag_read_bytes(chunk, sizeof(chunk), u->waitWritable ? 1 : pdMS_TO_TICKS(20));
		if (got > 0) {
			if (pdTRUE != xRingbufferSend(u->received, chunk, got, 0))
				u->lost += got;     /* the dock's CRC check drops the frame and the dock asks again */
			else if (u->hasReadable && !u->readablePosted) {
				u->readablePosted = 1;
				dockUsbPost(u, dockUsbDeliverReadable);
			}
		}
		if (u->waitWritable && (ESP_OK == usb_serial_jtag_wait_tx_done(0))) {
			u->waitWritable = 0;
			dockUsbPost(u, dockUsbDeliverWritable);
		}
	}
	dockUsbRelease(u);
	vTaskDelete(NULL);
}

static int integerOption(xsMachine *the, const char *name, int least, int most)
{
	int value;
	xsmcGet(xsVar(0), xsArg(0), xsID(name));
	value = xsmcToInteger(xsVar(0));
	if ((value < least) || (value > most))
		xsRangeError("dock usb: %s must be %d to %d, not %d", name, least, most, value);
	return value;
}

void xs_dockusb_in_use(xsMachine *the)
{
	xsmcSetBoolean(xsResult, usb_serial_jtag_is_driver_installed());
}

void xs_dockusb_constructor(xsMachine *the)
{
	DockUsb u;
	usb_serial_jtag_driver_config_t config = USB_SERIAL_JTAG_DRIVER_CONFIG_DEFAULT();
	int transmitBuffer, receiveBuffer;

	xsmcVars(1);
	transmitBuffer = integerOption(the, "transmitBuffer", 129, 1024 * 1024);
	receiveBuffer = integerOption(the, "receiveBuffer", 129, 64 * 1024);
	if (usb_serial_jtag_is_driver_installed())
		xsUnknownError("dock usb: the USB-Serial-JTAG driver is installed already (xsbug holds the port in a debug build): put the dock link on the UART");

	u = c_calloc(1, sizeof(DockUsbRecord));
	if (!u)
		xsUnknownError("dock usb: no memory");
	u->obj = xsThis;
	u->the = the;
	u->transmitBuffer = (uint32_t)transmitBuffer;
	u->onReadable = xsUndefined;
	u->onWritable = xsUndefined;
	xsmcGet(xsVar(0), xsArg(0), xsID("onReadable"));
	if (xsmcTest(xsVar(0))) {
		u->onReadable = xsVar(0);
		u->hasReadable = 1;
	}
	xsmcGet(xsVar(0), xsArg(0), xsID("onWritable"));
	if (xsmcTest(xsVar(0))) {
		u->onWritable = xsVar(0);
		u->hasWritable = 1;
	}

	u->received = xRingbufferCreate(receiveBuffer, RINGBUF_TYPE_BYTEBUF);
	config.tx_buffer_size = transmitBuffer;
	config.rx_buffer_size = kChunk * 2;
	if (!u->received || (ESP_OK != usb_serial_jtag_driver_install(&config))) {
		if (u->received)
			vRingbufferDelete(u->received);
		c_free(u);
		xsUnknownError("dock usb: cannot install the USB-Serial-JTAG driver with a %d-byte transmit ring", transmitBuffer);
	}

	u->useCount = 2;
	if (pdPASS != xTaskCreate(dockUsbTask, "dock-usb", kTaskStack, u, kTaskPriority, &u->task)) {
		usb_serial_jtag_driver_uninstall();
		vRingbufferDelete(u->received);
		c_free(u);
		xsUnknownError("dock usb: cannot start its task");
	}
	xsmcSetHostData(xsThis, u);
	xsSetHostHooks(xsThis, (xsHostHooks *)&xsDockUsbHooks);
	xsRemember(u->obj);
}

void xs_dockusb_destructor(void *data)
{
	DockUsb u = data;
	if (!u)
		return;
	u->closing = 1;   /* the task sees it within 20 ms, drops its use and ends */
	dockUsbRelease(u);
}

void xs_dockusb_close(xsMachine *the)
{
	DockUsb u = xsmcGetHostData(xsThis);
	if (u && xsmcGetHostDataValidate(xsThis, (void *)&xsDockUsbHooks)) {
		xsForget(u->obj);
		xs_dockusb_destructor(u);
		xsmcSetHostData(xsThis, NULL);
		xsmcSetHostDestructor(xsThis, NULL);
	}
}

void xs_dockusb_read(xsMachine *the)
{
	DockUsb u = xsmcGetHostDataValidate(xsThis, (void *)&xsDockUsbHooks);
	size_t count = dockUsbBuffered(u), offset = 0;
	uint8_t *buffer;

	if (!count)
		return;
	xsmcSetArrayBuffer(xsResult, NULL, (xsUnsignedValue)count);
	/* A byte ring wraps: at most two pieces. */
	while (offset < count) {
		size_t size = 0;
		void *piece = xRingbufferReceiveUpTo(u->received, &size, 0, count - offset);
		if (!piece)
			break;
		buffer = xsmcToArrayBuffer(xsResult);
		memcpy(buffer + offset, piece, size);
		vRingbufferReturnItem(u->received, piece);
		offset += size;
	}
	if (offset != count)
		xsUnknownError("dock usb: read %d of %d buffered bytes", (int)offset, (int)count);
}

void xs_dockusb_write(xsMachine *the)
{
	DockUsb u = xsmcGetHostDataValidate(xsThis, (void *)&xsDockUsbHooks);
	void *data;
	xsUnsignedValue length;

	xsmcGetBufferReadable(xsArg(0), &data, &length);
	if (!length)
		return;
	/* No wait: all of it goes into the ring, or none. */
	if (usb_serial_jtag_write_bytes(data, length, 0) != (int)length) {
		if (u->hasWritable)
			u->waitWritable = 1;
		xsUnknownError("output full");
	}
}

void xs_dockusb_mark(xsMachine *the, void *it, xsMarkRoot markRoot)
{
	DockUsb u = it;
	if (u->hasReadable)
		(*markRoot)(the, &u->onReadable);
	if (u->hasWritable)
		(*markRoot)(the, &u->onWritable);
}

#else /* no USB-Serial-JTAG on this chip (the classic ESP32) */

void xs_dockusb_destructor(void *data)
{
	(void)data;
}

void xs_dockusb_in_use(xsMachine *the)
{
	xsmcSetBoolean(xsResult, 1);
}

void xs_dockusb_constructor(xsMachine *the)
{
	xsUnknownError("dock usb: this chip has no USB-Serial-JTAG port: the dock link is on the UART");
}

void xs_dockusb_close(xsMachine *the) { (void)the; }
void xs_dockusb_read(xsMachine *the) { (void)the; }
void xs_dockusb_write(xsMachine *the) { xsUnknownError("dock usb: not open"); }

#endif
