"""The store: backends, schema, queries and writes (docs/architecture.md)."""
