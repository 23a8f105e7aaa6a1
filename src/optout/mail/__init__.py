"""Mail: messages, the transactional outbox and its sender."""
