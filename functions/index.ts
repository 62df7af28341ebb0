import { app } from '@azure/functions';
import { allFunctions } from './allFunctions.js';

// The Functions host loads this module (package.json `main`) and learns every function here.
for (const definition of allFunctions) {
  switch (definition.trigger) {
    case 'http':
      app.http(definition.name, definition.options);
      break;
    case 'queue':
      app.storageQueue(definition.name, definition.options);
      break;
    case 'timer':
      app.timer(definition.name, definition.options);
      break;
  }
}
