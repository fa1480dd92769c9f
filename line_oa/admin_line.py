"""Admin for webhook events, link codes, the officers' LINE inbox."""
