"""The registry: the durable ledger of objections, notices, datasets and the audit chain."""
