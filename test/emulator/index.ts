import { Emulator, type EmulatorOptions } from './core.ts';
import { DynamicsEmulator } from './dynamics.ts';
import { IntercomEmulator } from './intercom.ts';
import { ReamazeEmulator } from './reamaze.ts';
import { ReevooEmulator } from './reevoo.ts';
import { ZapEmulator } from './zap.ts';

export { Emulator } from './core.ts';

/** An emulator serving every provider, each under `/<provider id>`. */
export function createEmulator(options: EmulatorOptions = {}): Emulator {
	return new Emulator(
		[new IntercomEmulator(), new ReamazeEmulator(), new ReevooEmulator(), new ZapEmulator(), new DynamicsEmulator()],
		options,
	);
}
