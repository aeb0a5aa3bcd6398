// Moddable's "time" module on the simulated board: ticks on the virtual clock,
// and an RTC the firmware can set (Time.set(seconds since 1970)).

const Time = {
  get ticks(): number {
    return simHost.now();
  },
  get microseconds(): number {
    return simHost.now() * 1000;
  },
  delta(start: number, end?: number): number {
    return (end ?? simHost.now()) - start;
  },
  set(seconds: number): void {
    const before = simHost.epochMs();
    simHost.setEpochMs(seconds * 1000);
    simHost.call('time.set', { before, after: seconds * 1000 });
  },
  timezone: 0,
  dst: 0,
};

export default Time;
