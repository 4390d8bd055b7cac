"""Model files: the default model, discovery, registration and validation."""
