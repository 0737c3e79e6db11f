"""Which bank days a fetch asks for: whole WIB days from the last window less the overlap; a new
connection yesterday and today; after a long outage at most a week at a time, oldest first."""
from __future__ import annotations

from chalicelib.reconciliation import feeds
from chalicelib.reconciliation.feed_repo import BankFeedRecord

NOW = 1_795_392_000 + 3 * 3600  # 2026-11-23 10:00 WIB


def test_windows_are_whole_bank_days_with_the_overlap():
    fresh = BankFeedRecord(window_to=None)
    assert feeds.windows(fresh, NOW) == [("2026-11-22T00:00:00+07:00", "2026-11-22T23:59:59+07:00"),
                                         ("2026-11-23T00:00:00+07:00", "2026-11-23T10:00:00+07:00")]
    assert feeds.windows(BankFeedRecord(window_to=NOW - 300), NOW) == [
        ("2026-11-23T00:00:00+07:00", "2026-11-23T10:00:00+07:00")]
    just_after_midnight = 1_795_392_000 - 7 * 3600 + 600  # 00:10 WIB: the day before is asked again
    assert [w[0][:10] for w in feeds.windows(BankFeedRecord(window_to=just_after_midnight - 300), just_after_midnight)] \
        == ["2026-11-22", "2026-11-23"]
    outage = feeds.windows(BankFeedRecord(window_to=NOW - 20 * 86400), NOW)
    assert len(outage) == feeds.MAX_DAYS and outage[0][0] == "2026-11-03T00:00:00+07:00"
    assert outage[-1][1] == "2026-11-09T23:59:59+07:00"
