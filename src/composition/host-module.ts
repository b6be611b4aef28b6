import { ContainerModule } from 'inversify';
import { DEFAULT_HOST_CONFIG, HOST_CONFIG, type HostConfig } from '../application/host/host-config.js';
import { HostRuntime } from '../application/host/host-runtime.js';
import { KnownHistory } from '../application/host/known-history.js';
import { RunTurn } from '../application/host/run-turn.js';
import { LeaseWatch } from '../application/host/lease-watch.js';
import { StoreFollower } from '../application/host/store-follower.js';
import { MODEL } from '../application/ports/model.js';
import { BuiltinModel } from '../adapters/model/builtin-model.js';
import { MODEL_CONFIG, type ModelConfig } from '../adapters/model/model-config.js';
import { OpenAiCompatibleModel } from '../adapters/model/openai-compatible-model.js';

export type HostOptions = {
  /** An OpenAI-compatible endpoint, or none for the built-in offline model. */
  readonly model?: ModelConfig;
  readonly config?: Partial<HostConfig>;
};

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
    bind(KnownHistory).toSelf().inSingletonScope();
    bind(RunTurn).toSelf().inSingletonScope();
    // Closing the container ends turns and gives leases back before the store goes away.
    bind(HostRuntime).toSelf().inSingletonScope().onDeactivation((runtime) => runtime.shutdown());
    bind(StoreFollower).toSelf().inSingletonScope().onDeactivation((follower) => follower.stop());
    bind(LeaseWatch).toSelf().inSingletonScope().onDeactivation((watch) => watch.stopAll());
  });
}
