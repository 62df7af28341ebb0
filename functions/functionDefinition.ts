import type {
  HttpFunctionOptions,
  StorageQueueFunctionOptions,
  TimerFunctionOptions,
} from '@azure/functions';

/**
 * One Azure Function, described once: `index.ts` registers it with the Functions host, and the
 * local host of the embedded default serves the very same definition.
 */
export type FunctionDefinition =
  | { readonly trigger: 'http'; readonly name: string; readonly options: HttpFunctionOptions }
  | {
      readonly trigger: 'queue';
      readonly name: string;
      readonly options: StorageQueueFunctionOptions;
    }
  | { readonly trigger: 'timer'; readonly name: string; readonly options: TimerFunctionOptions };
