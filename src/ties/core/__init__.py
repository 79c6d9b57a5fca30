"""The pure core: rules, scoring and text. No database, no terminal, no CLI, no clock
outside `dates.today()`/`dates.now()` (docs/architecture.md)."""
