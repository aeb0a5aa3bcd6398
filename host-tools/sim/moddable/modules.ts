// Moddable's `modules` (modules/base/modules) on the simulated board: has() and importNow() for
// the optional Moddable modules a target's build may include. A module is there when this
// target's section of manifest.json includes its manifest, as mcconfig would build it.
import AudioOut from 'pins/audioout';

const OPTIONAL: Record<string, unknown> = { 'pins/audioout': AudioOut };

export default class Modules {
  static has(name: string): boolean {
    return name in OPTIONAL && simHost.call('modules.has', { name }).result === true;
  }

  static importNow(name: string): unknown {
    if (!Modules.has(name)) throw new Error(`module "${name}" not found`);
    return OPTIONAL[name];
  }
}
