"""Input data: the schema of every table, loading, validation and sample data."""
