"""Code both the front and the workers import: settings, Redis, the job catalog, cache, errors, logging."""
