// embedded:provider/builtin for the AI-Thinker ESP32-CAM (ECMA-419 host provider).
// Pins from the AI-Thinker ESP32-CAM schematic. The OV2640 takes GPIO 0, 5, 18,
// 19, 21-23, 25-27, 32, 34-36 and 39; PSRAM takes 16 and 17; UART0 (1, 3) is the
// debug/programming port. Left for us: 2, 4, 12-15, 33 (12 and 15 are strapping
// pins, 2 must float or be low to enter the bootloader).
import Digital from "embedded:io/digital";
import DigitalBank from "embedded:io/digitalbank";
import I2C from "embedded:io/i2c";
import PWM from "embedded:io/pwm";
import Serial from "embedded:io/serial";
import SMBus from "embedded:io/smbus";

const device = {
	// The camera's SCCB bus (an I2C bus): the OV2640 answers at 0x30.
	I2C: {
		default: { io: I2C, port: 0, data: 26, clock: 27 }
	},
	Serial: {
		default: { io: Serial, port: 0, receive: 3, transmit: 1 }
	},
	io: { Digital, DigitalBank, I2C, PWM, Serial, SMBus },
	pin: {
		led: 33,          // small red LED on the back, active low
		flash: 4,         // bright white "flash" LED (through a transistor), active high
		button: 12,       // no user button on the board: wire one from GPIO 12 to GND (internal pull-up; no external pull-up: 12 is a strapping pin)
		buzzer: 13        // passive buzzer (through a transistor) on GPIO 13
	}
};

export default device;
