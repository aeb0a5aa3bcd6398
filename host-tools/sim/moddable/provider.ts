// embedded:provider/builtin on the simulated board: the `device` global, built
// from the board target the host simulates (the same pins as the real provider).
import Digital from 'embedded:io/digital';
import I2C from 'embedded:io/i2c';
import PWM from 'embedded:io/pwm';
import Serial from 'embedded:io/serial';
import SPI from 'embedded:io/spi';

const target = simHost.call('board.describe').result as {
  pin: Record<string, number>;
  I2C: Record<string, number>;
  SPI: Record<string, number>;
  Serial: Record<string, number>;
};

const device = {
  io: { Digital, I2C, PWM, Serial, SPI },
  I2C: { default: { io: I2C, ...target.I2C } },
  SPI: { default: { io: SPI, ...target.SPI } },
  Serial: { default: { io: Serial, ...target.Serial } },
  pin: { ...target.pin },
};

export default device;
