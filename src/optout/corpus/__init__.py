"""Platform exports: the strict schema, streaming readers and the sample generator."""
