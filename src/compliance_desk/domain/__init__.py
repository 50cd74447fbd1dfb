"""Pure domain logic: no Qt, no database, nothing else of the project."""
