"""Builds the Sambung Chalice app: registers each area's blueprint and event handlers. No logic here."""
from chalice import ConvertToMiddleware

from chalicelib.catalog.routes import bp as catalog
from chalicelib import schema  # noqa: F401 - names the modules behind outbox, fact and order-kind handlers
from chalicelib.core import health, keys, outbox_stream, web
from chalicelib.core.observability import logger, request_metrics
from chalicelib.core.security_headers import add_security_headers
from chalicelib.inventory.routes import bp as inventory
from chalicelib.notify.events import bp as notify_events
from chalicelib.notify.routes import dev_blueprints
from chalicelib.printing.routes import bp as printing
from chalicelib.reconciliation.events import bp as reconciliation_events
from chalicelib.reconciliation.feed_events import bp as bank_feed_events
from chalicelib.reconciliation.feed_routes import bp as bank_feeds
from chalicelib.reconciliation.routes import bp as reconciliation
from chalicelib.reports.routes import bp as reports
from chalicelib.book_orders.events import bp as book_order_events
from chalicelib.book_orders.routes import bp as book_orders
from chalicelib.sales.events import bp as sales_events
from chalicelib.sales.routes import bp as sales
from chalicelib.shifts.routes import bp as shifts
from chalicelib.shipping.events import bp as shipping_events
from chalicelib.shipping.routes import bp as shipping
from chalicelib.shoppers.routes import bp as shoppers
from chalicelib.staff import service as staff_service
from chalicelib.staff.routes import bp as staff

keys.check_at_start()  # a deployment without a real secret refuses to start
app = web.App(app_name="sambung")
app.api.binary_types.append("application/pdf")
app.register_middleware(ConvertToMiddleware(logger.inject_lambda_context(clear_state=True)))
app.register_middleware(add_security_headers, "http")  # outside the others: every answer gets the headers
app.register_middleware(web.normalize_chalice_errors, "http")
app.register_middleware(request_metrics, "http")
web.set_authenticator(staff_service.authenticate)

for blueprint in (health.bp, staff, catalog, sales, sales_events, shoppers, notify_events, outbox_stream.bp,
                  inventory, book_orders, book_order_events,
                  reports, shifts, printing, shipping, shipping_events, reconciliation, reconciliation_events,
                  bank_feeds, bank_feed_events,
                  *dev_blueprints()):
    app.register_blueprint(blueprint)
