"""The text-message gateways, configured by alias in `settings.SMS_GATEWAYS` (see `base`)."""
