import { extendZodWithOpenApi } from '@asteasolutions/zod-to-openapi';
import { z } from 'zod';

// zod 4 copies prototype methods into each schema as it is made, so `.openapi()` (which named
// OpenAPI components need) must be added before any schema of the API exists.
extendZodWithOpenApi(z);
