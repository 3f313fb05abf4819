// zod, configured once for the whole library: jitless, so parsing never calls `new Function` (strict CSP hosts).
import * as z from 'zod';

// A side effect on purpose: package.json "sideEffects" lists this module (src and dist), or bundlers drop the call.
z.config({ jitless: true });

export { z };
