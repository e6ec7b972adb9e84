/**
 * The bounded burst the fault tests share: devices spread over instances send to each other
 * through "their" instance while a fault is injected once a share of the sends succeeded; a
 * send that gets no answer (instance dead) or a 5xx is retried, with the same payload, through
 * the next instance still up, as a client behind a load balancer would be routed.
 */
import { Device, type Instance } from './cluster.ts';

/** What a burst did. */
export interface BurstResult {
  /** Payloads a relay answered 200 for, by recipient. */
  readonly acknowledged: Map<Device, string[]>;
  /** Every payload sent (answered or not), by recipient. */
  readonly attempted: Map<Device, Set<string>>;
  /** Statuses other than 200 (payload: status). */
  readonly failures: string[];
}

/** Registers `count` devices, alternating over `instances`, each connected where registered. */
export async function spreadDevices(instances: readonly Instance[], count: number) {
  return Promise.all(
    Array.from({ length: count }, async (_, i) => {
      const url = instances[i % instances.length]?.url ?? '';
      const device = await Device.register(url);
      await device.connect(url);
      return device;
    }),
  );
}

/**
 * Each device sends `perDevice` messages to other devices through the instance it is connected
 * to (or the next one up); `fault` runs once `faultAfter` sends have succeeded, while the
 * others keep sending.
 */
export async function burst(options: {
  readonly devices: readonly Device[];
  readonly perDevice: number;
  readonly isUp: (url: string) => boolean;
  readonly urls: readonly string[];
  readonly faultAfter: number;
  readonly fault: () => Promise<void>;
  /** Counts acknowledged sends as they happen. */
  readonly progress?: { succeeded: number };
}): Promise<BurstResult> {
  const { devices, perDevice } = options;
  const progress = options.progress ?? { succeeded: 0 };
  const acknowledged = new Map<Device, string[]>(devices.map((d) => [d, []]));
  const attempted = new Map<Device, Set<string>>(devices.map((d) => [d, new Set()]));
  const failures: string[] = [];
  let faultDone: Promise<void> | undefined;
  const route = (preferred: string): string =>
    options.isUp(preferred) ? preferred : (options.urls.find(options.isUp) ?? preferred);

  await Promise.all(
    devices.map(async (sender, i) => {
      for (let n = 0; n < perDevice; n++) {
        const to = devices[(i + 1 + ((n * 7) % (devices.length - 1))) % devices.length] as Device;
        const text = `${i}->${n}`;
        attempted.get(to)?.add(text);
        for (let attempt = 0; ; attempt++) {
          const status = await sender.send(route(sender.url), to, text);
          if (status === 200) {
            acknowledged.get(to)?.push(text);
            progress.succeeded++;
            if (progress.succeeded === options.faultAfter) faultDone = options.fault();
            break;
          }
          failures.push(`${text}: ${status}`);
          if (attempt >= 50) throw new Error(`send ${text} keeps failing: ${status}`);
          await new Promise((r) => setTimeout(r, 50));
        }
      }
    }),
  );
  await faultDone;
  return { acknowledged, attempted, failures };
}
