"""Messages that reach people: each e-mail and text message is an `OutgoingMessage` sent by a background
task through the hub's gateway and followed to its delivery; text messages received are understood
(`inbound`). docs/NOTIFICATIONS.md describes it for those who run a hub."""
