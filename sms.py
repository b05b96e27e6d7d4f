"""The SMS gateway interface; deployments plug in their provider's backend.

SMS_BACKEND names the backend: "outbox" (stores each message through a writer
the app hands in; demo mode shows them at /dev/outbox) or "module:Class" for a
deployment's own gateway class with a send(mobile, text) method.

send() only queues the message (through the queue function the app hands in, in
the caller's transaction); deliver() is what the sender calls to hand it to the
gateway, which may fail and is retried then.
"""
import importlib
import logging

from flask import current_app, g

SIGNATURE = "【公安联网备案】"
log = logging.getLogger(__name__)


class OutboxGateway:
    """Keeps messages instead of sending them (demo, tests, air-gapped sites)."""

    def __init__(self, writer):
        self.writer = writer

    def send(self, mobile, text):
        self.writer(mobile, text)


def make_gateway(backend, writer):
    """Build the configured gateway."""
    if backend == "outbox":
        return OutboxGateway(writer)
    module_name, _, class_name = backend.partition(":")
    if not class_name:
        raise RuntimeError(f"SMS_BACKEND must be 'outbox' or 'module:Class', not {backend!r}")
    return getattr(importlib.import_module(module_name), class_name)()


def init_app(app, writer, queue):
    """Attach the gateway named by SMS_BACKEND to the app; queue(kind, target, payload) stores
    an outbound message and returns its row."""
    app.extensions["sms"] = make_gateway(app.config["SMS_BACKEND"], writer)
    app.extensions["sms_queue"] = queue


def send(mobile, text):
    """Queue one signed message; the request's ids of queued messages are kept in g.queued so
    they can be delivered as soon as it is done."""
    row = current_app.extensions["sms_queue"]("sms", mobile, {"text": SIGNATURE + text})
    g.setdefault("queued", []).append(row.id)


def deliver(mobile, payload):
    """Hand one queued message to the gateway (raises what the gateway raises)."""
    current_app.extensions["sms"].send(mobile, payload["text"])
    # Log the fact, never the number in full nor the content (codes, names).
    log.info("sms sent to %s****%s", mobile[:3], mobile[-4:])
