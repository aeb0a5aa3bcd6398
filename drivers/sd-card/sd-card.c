/*
 * chaincam drivers/sd-card: mounts the board's microSD card through ESP-IDF as a FAT volume at
 * /sdcard (sdspi on the XIAO ESP32S3 Sense and the LILYGO T-Camera Plus S3, sdmmc on the
 * ESP32-CAM) and gives XS a small file API over it through ESP-IDF's VFS (POSIX open, read,
 * write, lseek, fstat, unlink, rename, mkdir, opendir). drivers/sd-card/sd-card.ts is its
 * TypeScript face; on the simulated board host-tools/sim/moddable/sd-card.ts replaces both.
 *
 * What was tried (see drivers/sd-card/README.md for the commands): this file was checked with
 * `gcc -fsyntax-only` against ESP-IDF master headers (commit 102122904ade) for an ESP32-S3 with a
 * hand-written minimal sdkconfig.h, and against the Moddable SDK's xs/includes/xsmc.h.
 * What was NOT tried: it was never compiled by the Xtensa toolchain, linked into a Moddable
 * build (mcconfig), or run on a board with a card; the pins in manifest.json are from the
 * boards' published pin maps, not from a board on a bench.
 */

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "xsmc.h"
#include "xsHost.h"

#include "esp_err.h"
#include "esp_vfs_fat.h"
#include "driver/sdspi_host.h"
#include "driver/sdmmc_host.h"
#include "driver/spi_common.h"
#include "sdmmc_cmd.h"
#include "diskio_impl.h"
#include "diskio_sdmmc.h"
#include "ff.h"

#define MOUNT_POINT "/sdcard"

static sdmmc_card_t *gCard = NULL;
static int gSpiHost = -1;

typedef struct {
	int fd;
} CardFileRecord;

/* One message per failure, prefixed as drivers/sd-card/sd-card.ts cardProblemOf() reads it. */
static void throwMountError(xsMachine *the, esp_err_t err)
{
	if ((ESP_ERR_TIMEOUT == err) || (ESP_ERR_NOT_FOUND == err))
		xsUnknownError("absent: no card in the slot (%s)", esp_err_to_name(err));
	if (ESP_FAIL == err)
		xsUnknownError("unformatted: no FAT file system on the card");
	xsUnknownError("failing: the card does not answer (%s)", esp_err_to_name(err));
}

static int pinOf(xsMachine *the, xsSlot *config, const char *name, int fallback)
{
	xsmcVars(1);
	if (!xsmcHas(*config, xsID(name)))
		return fallback;
	xsmcGet(xsVar(0), *config, xsID(name));
	return xsmcToInteger(xsVar(0));
}

static esp_err_t mountSpi(xsMachine *the, xsSlot *config, const esp_vfs_fat_mount_config_t *mount)
{
	sdmmc_host_t host = SDSPI_HOST_DEFAULT();
	spi_bus_config_t bus = {
		.mosi_io_num = pinOf(the, config, "mosi", -1),
		.miso_io_num = pinOf(the, config, "miso", -1),
		.sclk_io_num = pinOf(the, config, "clock", -1),
		.quadwp_io_num = -1,
		.quadhd_io_num = -1,
		.max_transfer_sz = 4096,
	};
	sdspi_device_config_t slot = SDSPI_DEVICE_CONFIG_DEFAULT();
	esp_err_t err;

	host.max_freq_khz = pinOf(the, config, "khz", SDMMC_FREQ_DEFAULT);
	err = spi_bus_initialize(host.slot, &bus, SDSPI_DEFAULT_DMA);
	if ((ESP_OK != err) && (ESP_ERR_INVALID_STATE != err))	/* INVALID_STATE: the bus is shared and already up */
		return err;
	gSpiHost = (ESP_OK == err) ? host.slot : -1;
	slot.gpio_cs = pinOf(the, config, "select", -1);
	slot.host_id = host.slot;
	return esp_vfs_fat_sdspi_mount(MOUNT_POINT, &host, &slot, mount, &gCard);
}

static esp_err_t mountSdmmc(xsMachine *the, xsSlot *config, const esp_vfs_fat_mount_config_t *mount)
{
	sdmmc_host_t host = SDMMC_HOST_DEFAULT();
	sdmmc_slot_config_t slot = SDMMC_SLOT_CONFIG_DEFAULT();
	int width = 1;

	xsmcVars(2);
	if (xsmcHas(*config, xsID("data"))) {
		xsmcGet(xsVar(1), *config, xsID("data"));
		xsmcGet(xsVar(0), xsVar(1), xsID("length"));
		width = (4 == xsmcToInteger(xsVar(0))) ? 4 : 1;
#if SOC_SDMMC_USE_GPIO_MATRIX
		int pins[4] = {-1, -1, -1, -1};
		for (int i = 0; i < width; i++) {
			xsmcGetIndex(xsVar(0), xsVar(1), i);
			pins[i] = xsmcToInteger(xsVar(0));
		}
		slot.d0 = pins[0];
		slot.d1 = pins[1];
		slot.d2 = pins[2];
		slot.d3 = pins[3];
#endif
	}
#if SOC_SDMMC_USE_GPIO_MATRIX
	slot.clk = pinOf(the, config, "clock", -1);
	slot.cmd = pinOf(the, config, "command", -1);
#endif
	slot.width = width;
	slot.flags |= SDMMC_SLOT_FLAG_INTERNAL_PULLUP;
	host.max_freq_khz = pinOf(the, config, "khz", SDMMC_FREQ_HIGHSPEED);
	return esp_vfs_fat_sdmmc_mount(MOUNT_POINT, &host, &slot, mount, &gCard);
}

/* The volume's cluster size, from FatFs (the card's drive number comes from ESP-IDF's disk io). */
static uint32_t clusterBytes(void)
{
	char drive[3] = {(char)('0' + ff_diskio_get_pdrv_card(gCard)), ':', 0};
	FATFS *fs = NULL;
	DWORD freeClusters = 0;
	if ((FR_OK != f_getfree(drive, &freeClusters, &fs)) || !fs)
		return 0;
	return (uint32_t)fs->csize * 512;
}

void xs_sdcard_mount(xsMachine *the)
{
	esp_vfs_fat_mount_config_t mount = {
		.format_if_mount_failed = false,	/* formatting would erase evidence: never on the camera */
		.max_files = 4,
		.allocation_unit_size = 32 * 1024,
	};
	uint64_t total = 0, free = 0;
	esp_err_t err;

	if (!gCard) {
		xsmcVars(1);
		xsmcGet(xsVar(0), xsArg(0), xsID("bus"));
		if (!c_strcmp(xsmcToString(xsVar(0)), "sdmmc"))
			err = mountSdmmc(the, &xsArg(0), &mount);
		else
			err = mountSpi(the, &xsArg(0), &mount);
		if (ESP_OK != err) {
			gCard = NULL;
			if (gSpiHost >= 0)
				spi_bus_free(gSpiHost);
			gSpiHost = -1;
			throwMountError(the, err);
		}
	}
	if (ESP_OK != esp_vfs_fat_info(MOUNT_POINT, &total, &free))
		xsUnknownError("failing: the card's FAT volume cannot be read");
	xsmcVars(1);
	xsmcSetNewObject(xsResult);
	xsmcSetNumber(xsVar(0), (double)total);
	xsmcSet(xsResult, xsID("total"), xsVar(0));
	xsmcSetInteger(xsVar(0), clusterBytes());
	xsmcSet(xsResult, xsID("cluster"), xsVar(0));
}

void xs_sdcard_info(xsMachine *the)
{
	uint64_t total = 0, free = 0;
	if (!gCard || (ESP_OK != esp_vfs_fat_info(MOUNT_POINT, &total, &free)))
		xsUnknownError("SD card removed: the card is not mounted");
	xsmcVars(1);
	xsmcSetNewObject(xsResult);
	xsmcSetNumber(xsVar(0), (double)total);
	xsmcSet(xsResult, xsID("total"), xsVar(0));
	xsmcSetNumber(xsVar(0), (double)(total - free));
	xsmcSet(xsResult, xsID("used"), xsVar(0));
}

/* errno after a failed call, as a message the store classifies (full, removed, failed). */
static void throwFileError(xsMachine *the, const char *what, const char *path)
{
	int error = errno;
	if (ENOSPC == error)
		xsUnknownError("SD card full: %s %s", what, path);
	if (gCard && (ESP_OK != sdmmc_get_status(gCard)))
		xsUnknownError("SD card removed: %s %s", what, path);
	xsUnknownError("SD card write failed: %s %s (%s)", what, path, strerror(error));
}

static CardFileRecord *fileOf(xsMachine *the)
{
	CardFileRecord *file = xsmcGetHostData(xsThis);
	if (!file || (file->fd < 0))
		xsUnknownError("file closed");
	return file;
}

void xs_sdcard_file_destructor(void *data)
{
	CardFileRecord *file = data;
	if (!file)
		return;
	if (file->fd >= 0)
		close(file->fd);
	c_free(file);
}

void xs_sdcard_file_open(xsMachine *the)
{
	const char *path = xsmcToString(xsArg(0));
	int write = xsmcToBoolean(xsArg(1));
	int fd = open(path, write ? (O_RDWR | O_CREAT) : O_RDONLY, 0666);
	if (fd < 0) {
		if (ENOENT == errno)
			xsUnknownError("file not found on the card: %s", path);
		throwFileError(the, "open", path);
	}
	CardFileRecord *file = c_malloc(sizeof(CardFileRecord));
	if (!file) {
		close(fd);
		xsUnknownError("no memory for a file record");
	}
	file->fd = fd;
	xsmcSetHostData(xsThis, file);
}

void xs_sdcard_file_read(xsMachine *the)
{
	CardFileRecord *file = fileOf(the);
	int position = xsmcToInteger(xsArg(0));
	int count = xsmcToInteger(xsArg(1));
	if (lseek(file->fd, position, SEEK_SET) < 0)
		throwFileError(the, "seek", "");
	xsmcSetArrayBuffer(xsResult, NULL, count);
	uint8_t *bytes = xsmcToArrayBuffer(xsResult);
	int done = 0;
	while (done < count) {
		int n = read(file->fd, bytes + done, count - done);
		if (n <= 0)
			xsUnknownError("read past the end of the file (%d bytes at %d)", count, position);
		done += n;
	}
}

/* write(position, ...items): each item an ArrayBuffer, a view or a string, written in order; returns the new position. */
void xs_sdcard_file_write(xsMachine *the)
{
	CardFileRecord *file = fileOf(the);
	int position = xsmcToInteger(xsArg(0));
	int argc = xsmcArgc;
	if (lseek(file->fd, position, SEEK_SET) < 0)
		throwFileError(the, "seek", "");
	for (int i = 1; i < argc; i++) {
		void *data;
		xsUnsignedValue count;
		if (xsStringType == xsmcTypeOf(xsArg(i))) {
			data = xsmcToString(xsArg(i));
			count = c_strlen(data);
		} else
			xsmcGetBufferReadable(xsArg(i), &data, &count);
		while (count) {
			int n = write(file->fd, data, count);
			if (n <= 0)
				throwFileError(the, "write", "");
			position += n;
			count -= n;
			data = (uint8_t *)data + n;
		}
	}
	xsmcSetInteger(xsResult, position);
}

void xs_sdcard_file_length(xsMachine *the)
{
	struct stat info;
	if (fstat(fileOf(the)->fd, &info) < 0)
		throwFileError(the, "stat", "");
	xsmcSetNumber(xsResult, (double)info.st_size);
}

/* close() is f_close: FatFs writes the directory entry (the size) and the FAT here. */
void xs_sdcard_file_close(xsMachine *the)
{
	CardFileRecord *file = xsmcGetHostData(xsThis);
	if (!file || (file->fd < 0))
		return;
	int result = close(file->fd);
	file->fd = -1;
	if (result < 0)
		throwFileError(the, "close", "");
}

void xs_sdcard_delete(xsMachine *the)
{
	const char *path = xsmcToString(xsArg(0));
	struct stat info;
	if (stat(path, &info) < 0) {
		xsmcSetFalse(xsResult);
		return;
	}
	if ((S_ISDIR(info.st_mode) ? rmdir(path) : unlink(path)) < 0)
		throwFileError(the, "delete", path);
	xsmcSetTrue(xsResult);
}

void xs_sdcard_exists(xsMachine *the)
{
	struct stat info;
	xsmcSetBoolean(xsResult, stat(xsmcToString(xsArg(0)), &info) == 0);
}

/* FatFs does not rename over an existing file: the target goes first (not atomic; the store never relies on it on the card). */
void xs_sdcard_rename(xsMachine *the)
{
	char from[256], to[256];
	xsmcToStringBuffer(xsArg(0), from, sizeof(from));
	xsmcToStringBuffer(xsArg(1), to, sizeof(to));
	struct stat info;
	if ((stat(to, &info) == 0) && (unlink(to) < 0))
		throwFileError(the, "rename over", to);
	if (rename(from, to) < 0)
		throwFileError(the, "rename", from);
	xsmcSetTrue(xsResult);
}

void xs_sdcard_mkdir(xsMachine *the)
{
	char path[256];
	xsmcToStringBuffer(xsArg(0), path, sizeof(path));
	size_t length = c_strlen(path);
	if (length > 1 && path[length - 1] == '/')
		path[length - 1] = 0;
	if ((mkdir(path, 0777) < 0) && (EEXIST != errno))
		throwFileError(the, "mkdir", path);
}

/* [{name, length}] for files, [{name}] for folders, in directory order. */
void xs_sdcard_list(xsMachine *the)
{
	char path[256 + 2 + 255];
	xsmcToStringBuffer(xsArg(0), path, 256);
	size_t base = c_strlen(path);
	if (!base || path[base - 1] != '/')
		path[base++] = '/';
	path[base] = 0;
	DIR *dir = opendir(path);
	if (!dir)
		xsUnknownError("directory not found on the card: %s", path);
	xsmcVars(2);
	xsResult = xsmcNewArray(0);
	int index = 0;
	struct dirent *entry;
	while ((entry = readdir(dir))) {
		struct stat info;
		c_strncpy(path + base, entry->d_name, 255);
		path[base + 255] = 0;
		xsmcSetNewObject(xsVar(0));
		xsmcSetString(xsVar(1), entry->d_name);
		xsmcSet(xsVar(0), xsID("name"), xsVar(1));
		if ((stat(path, &info) == 0) && !S_ISDIR(info.st_mode)) {
			xsmcSetNumber(xsVar(1), (double)info.st_size);
			xsmcSet(xsVar(0), xsID("length"), xsVar(1));
		}
		xsmcSetIndex(xsResult, index++, xsVar(0));
	}
	closedir(dir);
}
