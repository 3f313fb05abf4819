// zod, configured once for the whole library: jitless, so parsing never calls `new Function` (strict CSP hosts).
import * as z from 'zod';

z.config({ jitless: true });

export { z };
