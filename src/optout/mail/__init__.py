"""Mail: the messages optout sends, the transactional outbox's sender, and transports."""
