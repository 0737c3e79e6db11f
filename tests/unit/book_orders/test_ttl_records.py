"""Only DynamoDB's own TTL deletes may release a hold from the stream."""
from chalicelib.book_orders.holds import is_ttl_delete

TTL = {"type": "Service", "principalId": "dynamodb.amazonaws.com"}


def test_a_remove_by_the_ttl_service_is_a_ttl_delete():
    assert is_ttl_delete({"eventName": "REMOVE", "userIdentity": TTL})


def test_other_removes_and_other_events_are_not():
    assert not is_ttl_delete({"eventName": "REMOVE"})  # a person or our code deleted it (moto's records look like this)
    assert not is_ttl_delete({"eventName": "REMOVE", "userIdentity": {"type": "Service", "principalId": "lambda.amazonaws.com"}})
    assert not is_ttl_delete({"eventName": "REMOVE", "userIdentity": {"type": "User", "principalId": "dynamodb.amazonaws.com"}})
    assert not is_ttl_delete({"eventName": "MODIFY", "userIdentity": TTL})
