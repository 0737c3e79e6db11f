"""Powertools wiring: every request leaves one EMF metrics record, and phone numbers never reach logs."""
import json
import logging


def test_each_request_emits_request_and_error_metrics(api, demo, monkeypatch, capsys):
    monkeypatch.setenv("POWERTOOLS_METRICS_DISABLED", "false")
    api.get("/health")
    api.get("/catalog/products")  # 401
    lines = [json.loads(x) for x in capsys.readouterr().out.splitlines() if x.startswith("{") and "_aws" in x]
    assert len(lines) == 2
    assert lines[0]["Requests"] == [1.0] or lines[0]["Requests"] == 1.0
    assert "ClientErrors" in lines[1] and "ServerErrors" not in lines[1]
    assert lines[0]["_aws"]["CloudWatchMetrics"][0]["Namespace"] == "Sambung"


def test_phone_numbers_are_masked_in_logs():
    from chalicelib.core.observability import logger

    handler = logger.registered_handler
    record = logging.LogRecord("sambung", logging.WARNING, __file__, 1, "shopper 0812-3456-7890 registered", None, None)
    record.to = "+6281234567890"
    line = handler.formatter.format(record)
    assert "3456-7890" not in line and "+6281234567890" not in line and "+62812" in line
