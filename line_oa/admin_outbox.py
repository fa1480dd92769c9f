"""Admin for outgoing LINE messages (failed/stuck, resend) and reminders."""
