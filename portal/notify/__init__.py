"""Messages to citizens: an outbox table filled in the same transaction as the change that causes
the message, and senders that empty it once (`flask send-outbox`)."""
