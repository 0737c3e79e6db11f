"""Sign-in limits (pure numbers, no AWS): how many wrong PINs lock a person on a device, for how
long, and how many sign-in attempts a device may make in a window before it is throttled."""
from __future__ import annotations

MAX_PIN_FAILURES = 5  # wrong PINs of one person on one device before the lock
LOCK_SECONDS = 15 * 60
DEVICE_MAX_FAILURES = 20  # failed sign-ins of one device (any person) per window ...
DEVICE_WINDOW_SECONDS = 15 * 60  # ... before 429 with Retry-After (a right PIN does not count)
