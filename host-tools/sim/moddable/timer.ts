// Moddable's "timer" module on the simulated board: the same API
// (set, repeat, schedule, clear, delay), running on the board's virtual clock.

type Callback = (timer: SimTimer) => void;

export default class Timer {
  static set(callback: Callback, delay = 0, repeat = 0): SimTimer {
    if (typeof callback !== 'function') throw new TypeError('Timer.set: callback is not a function');
    return simHost.timers.set(callback, Number(delay) || 0, Number(repeat) || 0);
  }

  static repeat(callback: Callback, interval: number): SimTimer {
    return Timer.set(callback, interval, interval);
  }

  static schedule(timer: SimTimer, delay?: number, repeat = 0): void {
    simHost.timers.schedule(timer, delay === undefined ? undefined : Number(delay), Number(repeat) || 0);
  }

  static clear(timer: SimTimer | undefined | null): void {
    simHost.timers.clear(timer);
  }

  static delay(milliseconds: number): void {
    simHost.spin(Number(milliseconds) || 0);
  }
}
