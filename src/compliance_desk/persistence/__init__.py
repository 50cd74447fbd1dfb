"""SQLAlchemy models, the unit of work and repositories: implements the services' ports."""
