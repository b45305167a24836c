"""The API's paths: the same as examples/openapi.json's (a test checks
both ways).  Ids are digits within PostgreSQL's bigint: a longer one is
no path (404), as no row could have it."""
from django.urls import path, register_converter

from . import views

BIGINT_MAX = 2 ** 63 - 1


class IdConverter:
    regex = '[0-9]+'

    def to_python(self, value):
        number = int(value)
        if number > BIGINT_MAX:
            raise ValueError(value)  # Django then tries the next pattern, and answers 404
        return number

    def to_url(self, value):
        return str(value)


register_converter(IdConverter, 'id')

urlpatterns = [
    path('menu', views.menu),
    path('customers', views.customers),
    path('customers/<id:customer_id>/addresses', views.addresses),
    path('customers/<id:customer_id>/cart', views.cart),
    path('customers/<id:customer_id>/cart/<id:dish_id>', views.cart_line),
    path('customers/<id:customer_id>/orders', views.customer_orders),
    path('orders/<id:order_id>/cancel', views.cancel_order),
    # the kitchen board: staff of the order's restaurant (foodorder.grant_staff)
    path('restaurants/<id:restaurant_id>/orders', views.restaurant_orders),
    path('orders/<id:order_id>/accept', views.accept_order),
    path('orders/<id:order_id>/reject', views.reject_order),
    path('orders/<id:order_id>/ready', views.mark_ready),
    path('orders/<id:order_id>/complete', views.complete_order),
]

# no HTML pages: an unknown path and an unexpected exception answer the error JSON
handler404 = views.not_found
handler500 = views.server_error
