/*
 * chaincam drivers/dock-uart: the camera's dock link on a UART through ESP-IDF's UART driver,
 * as an ECMA-419 Serial in shape (drivers/dock-uart/dock-uart.ts is its TypeScript face; on the
 * simulated board host-tools/sim/moddable/dock-uart.ts replaces both).
 *
 * Why: Moddable's embedded:io/serial on esp32 (modules/io/serial/esp32/serial.c) writes straight
 * into the UART's 128-byte hardware FIFO and throws "output full" for more, so a 32 KB dock frame
 * would need a JavaScript callback per ~120 bytes. Here uart_driver_install gives the port a TX
 * ring buffer that holds a whole window of frames (PSRAM: UART_MALLOC_CAPS is MALLOC_CAP_DEFAULT
 * unless CONFIG_UART_ISR_IN_IRAM) and an RX ring; write() copies a frame into the TX ring, all or
 * nothing, and the driver's interrupt feeds the FIFO. One FreeRTOS task waits on the driver's
 * event queue and posts to the XS machine (modMessagePostToMachine) when bytes arrive, and, after
 * a refused write, when the ring has room for it (it polls uart_get_tx_buffer_free_size each tick:
 * the driver has no TX-space event).
 *
 * What was tried, on this machine (gcc 12.2), with ESP-IDF master headers (commit 102122904ade)
 * for an ESP32-S3 and the Moddable SDK's XS headers (commit 48ee02d8c) extracted outside the
 * repository, and the hand-written minimal sdkconfig.h of drivers/sd-card/README.md:
 *   cd /work/scratch-capture
 *   gcc -fsyntax-only -Wall -Wextra -std=gnu17 -DESP32=1 -D__XTENSA__=1 \
 *       -include config/sdkconfig.h $(cat config/inc4.txt) drivers/dock-uart/dock-uart.c
 * It printed nothing about this file and exited 0; the only diagnostics are inside ESP-IDF's
 * headers: two 64-bit pointer-cast warnings in esp_cpu.h, and ESP_LOG_LEVEL undeclared in
 *   uart.h's own __uart_set_pin_invalid_args__ under the minimal sdkconfig.
 * What was NOT tried: the Xtensa compiler, an mcconfig build, a board: none of this has run on
 * hardware.
 */

#include <string.h>

#include "xsmc.h"
#include "xsHost.h"

#include "driver/uart.h"
#include "freertos/FreeRTOS.h"
#include "freertos/queue.h"
#include "freertos/task.h"

#define kEventQueueLength (16)
#define kTaskStack (3072)
#define kTaskPriority (8)

typedef struct DockUartRecord DockUartRecord;
typedef DockUartRecord *DockUart;

struct DockUartRecord {
	xsSlot obj;
	xsSlot onReadable;
	xsSlot onWritable;
	xsMachine *the;
	QueueHandle_t events;
	TaskHandle_t task;
	uint32_t wanted;                /* a refused write's length: onWritable once that much is free */
	uint32_t lost;                  /* receive overflows (the driver dropped bytes) */
	volatile uint8_t readablePosted;
	volatile uint8_t closing;
	uint8_t uart;
	uint8_t hasReadable;
	uint8_t hasWritable;
	int useCount;                   /* the XS object, the task, and each posted message */
};

static void xs_dockuart_mark(xsMachine *the, void *it, xsMarkRoot markRoot);
void xs_dockuart_destructor(void *data);

static const xsHostHooks xsDockUartHooks = {
	xs_dockuart_destructor,
	xs_dockuart_mark,
	NULL
};

/* Drops one use; frees the record with the last. Returns 1 when freed. */
static int dockUartRelease(DockUart u)
{
	if (0 != __atomic_sub_fetch(&u->useCount, 1, __ATOMIC_SEQ_CST))
		return 0;
	uart_driver_delete(u->uart);
	c_free(u);
	return 1;
}

static void dockUartDeliverReadable(void *the, void *refcon, uint8_t *message, uint16_t messageLength)
{
	DockUart u = refcon;
	size_t count = 0;
	(void)message; (void)messageLength;
	if (dockUartRelease(u))
		return;
	u->readablePosted = 0;
	if (u->closing || (ESP_OK != uart_get_buffered_data_len(u->uart, &count)) || !count)
		return;
	xsBeginHost(the);
		xsmcSetInteger(xsResult, (xsIntegerValue)count);
		xsCallFunction1(u->onReadable, u->obj, xsResult);
	xsEndHost(the);
}

static void dockUartDeliverWritable(void *the, void *refcon, uint8_t *message, uint16_t messageLength)
{
	DockUart u = refcon;
	size_t count = 0;
	(void)message; (void)messageLength;
	if (dockUartRelease(u))
		return;
	if (u->closing || (ESP_OK != uart_get_tx_buffer_free_size(u->uart, &count)))
		return;
	xsBeginHost(the);
		xsmcSetInteger(xsResult, (xsIntegerValue)count);
		xsCallFunction1(u->onWritable, u->obj, xsResult);
	xsEndHost(the);
}

static void dockUartPost(DockUart u, modMessageDeliver deliver)
{
	__atomic_add_fetch(&u->useCount, 1, __ATOMIC_SEQ_CST);
	if (modMessagePostToMachine(u->the, NULL, 0, deliver, u))
		dockUartRelease(u);
}

static void dockUartTask(void *arg)
{
	DockUart u = arg;
	uart_event_t event;

	while (!u->closing) {
		uint32_t wanted = __atomic_load_n(&u->wanted, __ATOMIC_SEQ_CST);
		if (pdTRUE == xQueueReceive(u->events, &event, wanted ? 1 : pdMS_TO_TICKS(100))) {
			if ((UART_DATA == event.type) && u->hasReadable && !u->readablePosted) {
				u->readablePosted = 1;
				dockUartPost(u, dockUartDeliverReadable);
			}
			else if ((UART_FIFO_OVF == event.type) || (UART_BUFFER_FULL == event.type)) {
				/* Bytes were lost: the dock's CRC check drops the frame and the dock asks again. */
				u->lost += 1;
				uart_flush_input(u->uart);
				xQueueReset(u->events);
			}
		}
		if (wanted) {
			size_t free = 0;
			if ((ESP_OK == uart_get_tx_buffer_free_size(u->uart, &free)) && (free >= wanted)) {
				__atomic_store_n(&u->wanted, 0, __ATOMIC_SEQ_CST);
				dockUartPost(u, dockUartDeliverWritable);
			}
		}
	}
	dockUartRelease(u);
	vTaskDelete(NULL);
}

static int integerOption(xsMachine *the, const char *name, int least, int most)
{
	int value;
	xsmcGet(xsVar(0), xsArg(0), xsID(name));
	value = xsmcToInteger(xsVar(0));
	if ((value < least) || (value > most))
		xsRangeError("dock uart: %s must be %d to %d, not %d", name, least, most, value);
	return value;
}

void xs_dockuart_constructor(xsMachine *the)
{
	DockUart u;
	int port, transmit, receive, baud, transmitBuffer, receiveBuffer;
	uart_config_t config = {0};

	xsmcVars(1);
	port = integerOption(the, "port", 0, UART_NUM_MAX - 1);
	transmit = integerOption(the, "transmit", 0, 48);
	receive = integerOption(the, "receive", 0, 48);
	baud = integerOption(the, "baud", 1, 5000000);
	/* uart_driver_install refuses rings not larger than the hardware FIFO. */
	transmitBuffer = integerOption(the, "transmitBuffer", UART_HW_FIFO_LEN(port) + 1, 1024 * 1024);
	receiveBuffer = integerOption(the, "receiveBuffer", UART_HW_FIFO_LEN(port) + 1, 64 * 1024);
	if (uart_is_driver_installed(port))
		xsUnknownError("dock uart: UART %d is in use (xsbug or another serial module has it)", port);

	u = c_calloc(1, sizeof(DockUartRecord));
	if (!u)
		xsUnknownError("dock uart: no memory");
	u->obj = xsThis;
	u->the = the;
	u->uart = (uint8_t)port;
	u->useCount = 1;
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

	config.baud_rate = baud;
	config.data_bits = UART_DATA_8_BITS;
	config.parity = UART_PARITY_DISABLE;
	config.stop_bits = UART_STOP_BITS_1;
	config.flow_ctrl = UART_HW_FLOWCTRL_DISABLE;
	config.source_clk = UART_SCLK_DEFAULT;
	if ((ESP_OK != uart_driver_install(port, receiveBuffer, transmitBuffer, kEventQueueLength, &u->events, 0)) ||
		(ESP_OK != uart_param_config(port, &config)) ||
		(ESP_OK != uart_set_pin(port, transmit, receive, UART_PIN_NO_CHANGE, UART_PIN_NO_CHANGE))) {
		if (uart_is_driver_installed(port))
			uart_driver_delete(port);
		c_free(u);
		xsUnknownError("dock uart: cannot install the UART %d driver with %d + %d bytes of ring buffers", port, transmitBuffer, receiveBuffer);
	}

	u->useCount = 2;
	if (pdPASS != xTaskCreate(dockUartTask, "dock-uart", kTaskStack, u, kTaskPriority, &u->task)) {
		uart_driver_delete(port);
		c_free(u);
		xsUnknownError("dock uart: cannot start its task");
	}
	xsmcSetHostData(xsThis, u);
	xsSetHostHooks(xsThis, (xsHostHooks *)&xsDockUartHooks);
	xsRemember(u->obj);
}

void xs_dockuart_destructor(void *data)
{
	DockUart u = data;
	if (!u)
		return;
	u->closing = 1;   /* the task sees it within 100 ms, drops its use and ends */
	dockUartRelease(u);
}

void xs_dockuart_close(xsMachine *the)
{
	DockUart u = xsmcGetHostData(xsThis);
	if (u && xsmcGetHostDataValidate(xsThis, (void *)&xsDockUartHooks)) {
		xsForget(u->obj);
		xs_dockuart_destructor(u);
		xsmcSetHostData(xsThis, NULL);
		xsmcSetHostDestructor(xsThis, NULL);
	}
}

void xs_dockuart_read(xsMachine *the)
{
	DockUart u = xsmcGetHostDataValidate(xsThis, (void *)&xsDockUartHooks);
	size_t count = 0;
	void *buffer;
	int got;

	if ((ESP_OK != uart_get_buffered_data_len(u->uart, &count)) || !count)
		return;
	buffer = xsmcSetArrayBuffer(xsResult, NULL, (xsUnsignedValue)count);
	got = uart_read_bytes(u->uart, buffer, (uint32_t)count, 0);
	if (got != (int)count)
		xsUnknownError("dock uart: read %d of %d buffered bytes", got, (int)count);
}

void xs_dockuart_write(xsMachine *the)
{
	DockUart u = xsmcGetHostDataValidate(xsThis, (void *)&xsDockUartHooks);
	void *data;
	xsUnsignedValue length;
	size_t free = 0;

	xsmcGetBufferReadable(xsArg(0), &data, &length);
	if (!length)
		return;
	if ((ESP_OK != uart_get_tx_buffer_free_size(u->uart, &free)) || (length > free)) {
		/* All or nothing: uart_write_bytes would block the XS thread until the ring had room. */
		if (u->hasWritable)
			__atomic_store_n(&u->wanted, (uint32_t)length, __ATOMIC_SEQ_CST);
		xsUnknownError("output full");
	}
	if (uart_write_bytes(u->uart, data, length) != (int)length)
		xsUnknownError("dock uart: the driver took part of a %d-byte write", (int)length);
}

void xs_dockuart_mark(xsMachine *the, void *it, xsMarkRoot markRoot)
{
	DockUart u = it;
	(void)the;
	if (u->hasReadable)
		(*markRoot)(the, &u->onReadable);
	if (u->hasWritable)
		(*markRoot)(the, &u->onWritable);
}
