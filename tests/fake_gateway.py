"""A deployment's SMS gateway as SMS_BACKEND="tests.fake_gateway:FakeGateway" names it: it keeps
what it is given instead of reaching a network (tests/test_deliveries.py)."""


class FakeGateway:
    """Records (mobile, text); fails while failures_left > 0, as a gateway that is down."""

    received = []
    failures_left = 0

    def send(self, mobile, text):
        if FakeGateway.failures_left > 0:
            FakeGateway.failures_left -= 1
            raise ConnectionError("短信网关无响应")
        FakeGateway.received.append((mobile, text))
