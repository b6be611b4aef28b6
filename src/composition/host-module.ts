import { ContainerModule } from 'inversify';
import { err, ok, type Result } from '../domain/result.js';
import { DEFAULT_HOST_CONFIG, HOST_CONFIG, type HostConfig } from '../application/host/host-config.js';
import { HostRuntime } from '../application/host/host-runtime.js';
import { RunTurn } from '../application/host/run-turn.js';
import { MODEL } from '../application/ports/model.js';
import { BuiltinModel } from '../adapters/model/builtin-model.js';
import { MODEL_CONFIG, type ModelConfig } from '../adapters/model/model-config.js';
import { OpenAiCompatibleModel } from '../adapters/model/openai-compatible-model.js';

export type HostOptions = {
  /** An OpenAI-compatible endpoint, or none for the built-in offline model. */
  readonly model?: ModelConfig;
  readonly config?: Partial<HostConfig>;
};

const TUNABLES = {
  PODS_LEASE_TTL_MS: 'leaseTtlMs',
  PODS_POLL_MS: 'pollMs',
  PODS_STEP_LIMIT: 'stepLimit',
  PODS_STORE_OUTAGE_MS: 'storeOutageLimitMs',
} as const;

/**
 * Host tuning from the environment (`PODS_LEASE_TTL_MS`, `PODS_POLL_MS`, `PODS_STEP_LIMIT`,
 * `PODS_STORE_OUTAGE_MS`):
 * positive whole numbers; anything else is refused with the variable's name.
 */
export function hostConfigFromEnv(env: Readonly<Record<string, string | undefined>>): Result<Partial<HostConfig>, string> {
  const config: Partial<Record<keyof HostConfig, number>> = {};
  for (const [variable, key] of Object.entries(TUNABLES)) {
    const raw = env[variable]?.trim();
    if (raw === undefined || raw === '') continue;
    if (!/^[1-9]\d{0,8}$/.test(raw)) return err(`${variable} ${JSON.stringify(raw)} is not a positive whole number`);
    config[key] = Number(raw);
  }
  if (config.leaseTtlMs !== undefined && config.leaseTtlMs < 300) return err('PODS_LEASE_TTL_MS must be at least 300 ms');
  return ok(config);
}

/** What a process that runs Pods needs beyond the use cases: the model, the turn loop and the runtime. */
export function hostModule(options: HostOptions = {}): ContainerModule {
  return new ContainerModule(({ bind }) => {
    bind(HOST_CONFIG).toConstantValue({ ...DEFAULT_HOST_CONFIG, ...options.config });
    if (options.model) {
      bind(MODEL_CONFIG).toConstantValue(options.model);
      bind(MODEL).to(OpenAiCompatibleModel).inSingletonScope();
    } else {
      bind(MODEL).to(BuiltinModel).inSingletonScope();
    }
    bind(RunTurn).toSelf().inSingletonScope();
    // Closing the container ends turns and gives leases back before the store goes away.
    bind(HostRuntime).toSelf().inSingletonScope().onDeactivation((runtime) => runtime.shutdown());
  });
}
